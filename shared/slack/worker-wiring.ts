import { slackSettings } from '../../config/slack.ts';
import { createDocumentClient } from '../aws/clients.ts';
import { presetConfigurer, readConfigurationPreset } from '../aws/configuration-preset.ts';
import { createConversationEngine } from '../chat/wiring.ts';
import type { LanternConfig, SlackConfig } from '../config.ts';
import { answerSourceFor, type SlackEngine } from './answer-stream.ts';
import { SlackCredentialsError } from './credentials.ts';
import { createSlackCredentials, createSlackEventClaims } from './intake-wiring.ts';
import type { SlackWorkerDeps } from './question-worker.ts';
import { SlackResponder } from './responder.ts';
import { SlackApi } from './slack-api.ts';

export interface SlackWorkerOverrides {
  /** Another conversation engine than the one built from `config` (tests). */
  readonly engine?: SlackEngine;
}

/** The worker's adapters: the one conversation engine, the event ledger and the Slack client. */
export function createSlackWorkerDeps(
  config: LanternConfig,
  slack: SlackConfig,
  overrides: SlackWorkerOverrides = {},
): SlackWorkerDeps {
  const credentials = createSlackCredentials(slack);
  const api = new SlackApi({
    token: async () => {
      const { botToken } = await credentials.get();
      if (!botToken)
        throw new SlackCredentialsError(
          'No Slack bot token is configured (SLACK_BOT_TOKEN or SLACK_SECRET_ARN)',
        );
      return botToken;
    },
    apiUrl: slack.apiUrl,
    rateLimitRetries: slackSettings.rateLimitRetries,
    maxRetryAfterSeconds: slackSettings.maxRetryAfterSeconds,
  });
  let botUserId: Promise<string | undefined> | undefined;
  // One DynamoDB client for the engine's sessions and the event ledger: one fewer to build at cold start.
  const db = createDocumentClient(config);
  const engine =
    overrides.engine ?? createConversationEngine(config, db, presetAnswering(slack.answerPresetFile));
  return {
    answers: answerSourceFor(engine),
    ledger: createSlackEventClaims(config, db),
    responder: new SlackResponder(api, {
      streaming: true,
      workingReaction: slackSettings.workingReaction,
      flushChars: slackSettings.streamFlushChars,
      flushIntervalMs: slackSettings.streamFlushIntervalMs,
      ...(slack.sourceBaseUrl ? { sourceBaseUrl: slack.sourceBaseUrl } : {}),
    }),
    botUserId: () => {
      botUserId ??= api
        .authTest()
        .then((me) => me.userId)
        .catch(() => {
          botUserId = undefined;
          return undefined;
        });
      return botUserId;
    },
    maxAttempts: slackSettings.maxReceiveCount,
  };
}

/** How the worker's turns become Bedrock's request: the preset synth bundled, if there is one. */
function presetAnswering(file: string | undefined) {
  return file ? { configure: presetConfigurer(readConfigurationPreset(file)) } : undefined;
}
