import type { LanternEnvironment } from '../../config/environment.ts';
import { slackSettings } from '../../config/slack.ts';
import { makeSlackEventsHandler } from '../../functions/slack-events/slack-events-handler.ts';
import { makeSlackWorkerHandler } from '../../functions/slack-worker/slack-worker-handler.ts';
import {
  type CorsConfig,
  getSlackConfig,
  type LanternConfig,
  parseSlackConfig,
} from '../../shared/config.ts';
import { createSlackEventsDeps, createSlackWorkerDeps } from '../../shared/slack/wiring.ts';
import type { GatewayRoute } from '../gateway/routes.ts';
import { LocalSlackJobQueue } from './local-queue.ts';

/** Slack settings for the local stack; without them, the `SLACK_*` environment variables apply. */
export interface LocalSlackOptions {
  readonly signingSecret?: string;
  readonly botToken?: string;
  /** The Slack Web API the worker calls, e.g. the fake in `fake-slack-api.ts`. */
  readonly apiUrl?: string;
  readonly sourceBaseUrl?: string;
  /** Pause before the local queue delivers a failed job again. @default 1 s */
  readonly retryDelayMs?: number;
}

/** The answer settings' defaults as slack-worker is given them (`defaultAnswerPreset`). */
export interface LocalAnswerPreset {
  readonly modelArn: string;
  /** The preset's JSON file (`SLACK_ANSWER_PRESET_FILE`). */
  readonly file: string;
}

export interface LocalSlack {
  /** `POST /v1/slack/events`, without an API key (Slack signs its requests instead). */
  readonly route: GatewayRoute;
  /** The in-process queue between the events function and the worker. */
  readonly queue: LocalSlackJobQueue;
  close(): Promise<void>;
}

/**
 * The Slack path of the local stack: the events handler and the worker built by their factories,
 * joined by an in-process queue that invokes the worker with SQS-shaped events.
 */
export function startLocalSlack(
  config: LanternConfig,
  cors: CorsConfig,
  options: LocalSlackOptions | undefined,
  answerPreset?: LocalAnswerPreset,
): LocalSlack {
  const slack = options
    ? parseSlackConfig({
        AWS_REGION: config.region,
        SLACK_SIGNING_SECRET: options.signingSecret,
        SLACK_BOT_TOKEN: options.botToken,
        SLACK_API_URL: options.apiUrl,
        SLACK_SOURCE_BASE_URL: options.sourceBaseUrl,
      } satisfies LanternEnvironment)
    : getSlackConfig();
  const queue = new LocalSlackJobQueue({
    // The worker's own MODEL_ARN and preset file, as synth sets them on slack-worker.
    handler: makeSlackWorkerHandler(
      createSlackWorkerDeps(
        answerPreset ? { ...config, modelArn: answerPreset.modelArn } : config,
        answerPreset ? { ...slack, answerPresetFile: answerPreset.file } : slack,
      ),
    ),
    ...(options?.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  return {
    route: {
      method: 'POST',
      resource: '/v1/slack/events',
      handler: makeSlackEventsHandler(createSlackEventsDeps(config, slack, queue), cors),
      apiKeyRequired: false,
      functionName: 'lantern-slack-events',
      timeoutSeconds: slackSettings.eventsTimeoutSeconds,
    },
    queue,
    close: () => queue.close(),
  };
}
