import type { Route } from '../gateway/routes.ts';
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

export interface LocalSlack {
  /** `POST /v1/slack/events`, without an API key (Slack signs its requests instead). */
  readonly route: Route;
  /** The in-process queue between the events function and the worker. */
  readonly queue: LocalSlackJobQueue;
  close(): Promise<void>;
}

/**
 * The Slack path of the local stack: the events handler and the worker built through their
 * `makeHandler` factories, joined by an in-process queue that invokes the worker with SQS-shaped
 * events. `environment` is the stack's handler environment. Imported lazily, like the other handlers.
 */
export async function startLocalSlack(
  environment: Record<string, string>,
  options: LocalSlackOptions | undefined,
): Promise<LocalSlack> {
  const [{ getSlackConfig, parseConfig, parseSlackConfig }, slackDeps, events, worker] = await Promise.all([
    import('../../shared/config.ts'),
    import('../../shared/slack/wiring.ts'),
    import('../../functions/slack-events/handler.ts'),
    import('../../functions/slack-worker/handler.ts'),
  ]);
  const config = parseConfig(environment);
  const slack = options
    ? parseSlackConfig({
        AWS_REGION: environment.AWS_REGION,
        SLACK_SIGNING_SECRET: options.signingSecret,
        SLACK_BOT_TOKEN: options.botToken,
        SLACK_API_URL: options.apiUrl,
        SLACK_SOURCE_BASE_URL: options.sourceBaseUrl,
      })
    : getSlackConfig();
  const queue = new LocalSlackJobQueue({
    handler: worker.makeHandler(slackDeps.createSlackWorkerDeps(config, slack)),
    ...(options?.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  return {
    route: {
      method: 'POST',
      resource: '/v1/slack/events',
      handler: events.makeHandler(slackDeps.createSlackEventsDeps(config, slack, queue)),
      apiKeyRequired: false,
      functionName: 'lantern-slack-events',
    },
    queue,
    close: () => queue.close(),
  };
}
