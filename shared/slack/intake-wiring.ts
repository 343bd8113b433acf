import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { slackSettings } from '../../config/slack.ts';
import { createDocumentClient } from '../aws/clients.ts';
import {
  ConfigError,
  type SessionTableConfig,
  type SlackConfig,
  type SlackIntakeSettings,
} from '../config.ts';
import {
  SecretsManagerSlackCredentials,
  type SlackCredentialsProvider,
  StaticSlackCredentials,
} from './credentials.ts';
import { SlackEventClaims, SlackEventLedger } from './event-ledger.ts';
import type { SlackEventsDeps } from './intake.ts';
import type { SlackJobQueue } from './job.ts';
import { SqsSlackJobQueue } from './sqs-queue.ts';

/**
 * The intake's adapters, and the pieces the worker shares with it. Nothing here reaches the Slack
 * Web API client or the conversation engine: the events function only verifies, records and queues,
 * and its cold start is what Slack's 3-second acknowledgement waits for.
 */

/** Secrets Manager when `SLACK_SECRET_ARN` is set (it wins), else the plain variables. */
export function createSlackCredentials(
  slack: Pick<SlackConfig, 'signingSecret' | 'botToken' | 'secretArn' | 'region'>,
): SlackCredentialsProvider {
  if (slack.secretArn) {
    return new SecretsManagerSlackCredentials(
      new SecretsManagerClient({ region: slack.region }),
      slack.secretArn,
    );
  }
  return new StaticSlackCredentials({
    ...(slack.signingSecret ? { signingSecret: slack.signingSecret } : {}),
    ...(slack.botToken ? { botToken: slack.botToken } : {}),
  });
}

/** The worker's claims in the same ledger, through `db` (the worker shares its engine's client). */
export function createSlackEventClaims(
  config: SessionTableConfig,
  db: DynamoDBDocumentClient,
): SlackEventClaims {
  return new SlackEventClaims(db, ledgerOptions(config));
}

const ledgerOptions = (config: SessionTableConfig) => ({
  tableName: config.tableName,
  ttlSeconds: slackSettings.eventDedupeTtlSeconds,
});

/**
 * The intake's adapters: SQS from `SLACK_QUEUE_URL`, or the `queue` given (the local stack's
 * in-process one). Without either the function fails at cold start, not on Slack's first event.
 */
export function createSlackEventsDeps(
  config: SessionTableConfig,
  slack: SlackIntakeSettings,
  queue?: SlackJobQueue,
): SlackEventsDeps {
  return {
    credentials: createSlackCredentials(slack),
    ledger: new SlackEventLedger(createDocumentClient(config), ledgerOptions(config)),
    queue: queue ?? createSqsQueue(slack),
  };
}

function createSqsQueue(slack: SlackIntakeSettings): SlackJobQueue {
  if (!slack.queueUrl)
    throw new ConfigError(
      'SLACK_QUEUE_URL is not set: the Slack events function has no queue to hand events to',
    );
  return new SqsSlackJobQueue(new SQSClient({ region: slack.region }), slack.queueUrl);
}
