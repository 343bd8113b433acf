import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { slackSettings } from '../../config/slack.ts';
import { createDocumentClient } from '../aws/clients.ts';
import { createConversationEngine } from '../chat/wiring.ts';
import { ConfigError, type LanternConfig, type SlackConfig } from '../config.ts';
import { tracer } from '../observability.ts';
import { answerSourceFor, type SlackEngine } from './answer-stream.ts';
import {
  SecretsManagerSlackCredentials,
  SlackCredentialsError,
  type SlackCredentialsProvider,
  StaticSlackCredentials,
} from './credentials.ts';
import { SlackEventLedger } from './event-ledger.ts';
import type { SlackEventsDeps } from './intake.ts';
import type { SlackJobQueue } from './job.ts';
import type { SlackWorkerDeps } from './question-worker.ts';
import { SlackResponder } from './responder.ts';
import { SlackApi } from './slack-api.ts';
import { SqsSlackJobQueue } from './sqs-queue.ts';

/** Secrets Manager when `SLACK_SECRET_ARN` is set (it wins), else the plain variables. */
export function createSlackCredentials(slack: SlackConfig): SlackCredentialsProvider {
  if (slack.secretArn) {
    return new SecretsManagerSlackCredentials(
      tracer.captureAWSv3Client(new SecretsManagerClient({ region: slack.region })),
      slack.secretArn,
    );
  }
  return new StaticSlackCredentials({
    ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
    ...(slack.botToken ? { botToken: slack.botToken } : {}),
  });
}

export function createSlackEventLedger(config: LanternConfig): SlackEventLedger {
  return new SlackEventLedger(createDocumentClient(config), {
    tableName: config.tableName,
    ttlSeconds: slackSettings.eventDedupeTtlSeconds,
  });
}

/**
 * The intake's adapters: SQS from `SLACK_QUEUE_URL`, or the `queue` given (the local stack's
 * in-process one). Without either the function fails at cold start, not on Slack's first event.
 */
export function createSlackEventsDeps(
  config: LanternConfig,
  slack: SlackConfig,
  queue?: SlackJobQueue,
): SlackEventsDeps {
  return {
    credentials: createSlackCredentials(slack),
    ledger: createSlackEventLedger(config),
    queue: queue ?? createSqsQueue(slack),
  };
}

function createSqsQueue(slack: SlackConfig): SlackJobQueue {
  if (!slack.queueUrl)
    throw new ConfigError(
      'SLACK_QUEUE_URL is not set: the Slack events function has no queue to hand events to',
    );
  return new SqsSlackJobQueue(
    tracer.captureAWSv3Client(new SQSClient({ region: slack.region })),
    slack.queueUrl,
  );
}

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
  return {
    answers: answerSourceFor(overrides.engine ?? createConversationEngine(config)),
    ledger: createSlackEventLedger(config),
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
