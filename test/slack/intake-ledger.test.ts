import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../local/dynamodb.ts';
import { appMentionEnvelope } from '../../local/slack/signed-event.ts';
import { createDocumentClient } from '../../shared/aws/clients.ts';
import { parseConfig } from '../../shared/config.ts';
import { StaticSlackCredentials } from '../../shared/slack/credentials.ts';
import { SlackEventLedger } from '../../shared/slack/event-ledger.ts';
import { acceptSlackRequest, type SlackRequest } from '../../shared/slack/intake.ts';
import type { SlackJob, SlackJobQueue } from '../../shared/slack/job.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';

/**
 * The intake with the real DynamoDB ledger (dynalite): an events function that dies between
 * recording an event and queueing it must not make Slack's retries look like duplicates.
 */
const SECRET = 'intake-ledger-secret';
const TABLE = 'intake-ledger-test';
const workspace = { teamId: 'T0INTAKE', botUserId: 'U0BOT' };

let dynamo: LocalDynamoDb;
let ledger: SlackEventLedger;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  dynamo = await startLocalDynamoDb({ tableName: TABLE });
  const config = parseConfig({
    TABLE_NAME: TABLE,
    KNOWLEDGE_BASE_ID: 'KB1',
    MODEL_ARN: 'model',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
  });
  ledger = new SlackEventLedger(createDocumentClient(config), { tableName: TABLE, ttlSeconds: 86_400 });
});
afterAll(() => dynamo?.close());

function request(body: unknown, retryNum?: number): SlackRequest {
  const rawBody = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    rawBody,
    timestamp,
    signature: signSlackRequest(SECRET, timestamp, rawBody),
    ...(retryNum !== undefined ? { retryNum, retryReason: 'http_timeout' } : {}),
  };
}

const accept = (queue: SlackJobQueue, body: unknown, retryNum?: number) =>
  acceptSlackRequest(
    { credentials: new StaticSlackCredentials({ signingSecret: SECRET }), ledger, queue },
    request(body, retryNum),
  );

function recordingQueue() {
  const jobs: SlackJob[] = [];
  return { jobs, queue: { enqueue: async (job: SlackJob) => void jobs.push(job) } };
}

describe('Slack intake on the DynamoDB ledger', () => {
  it("queues Slack's retry of an event whose first delivery died after recording it and before queueing it", async () => {
    const envelope = appMentionEnvelope(workspace, { text: 'How do I export my data?' });
    // The first invocation records the event, then hangs in SendMessage until Lambda ends it.
    let reachedQueue: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      reachedQueue = resolve;
    });
    const dying: SlackJobQueue = {
      enqueue: () => {
        reachedQueue();
        return new Promise<never>(() => undefined);
      },
    };
    const first = accept(dying, envelope);
    await Promise.race([
      reached,
      first.then(() => {
        throw new Error('the first delivery ended without reaching the queue');
      }),
    ]);
    expect(await ledger.status(envelope.event_id)).toBe('received');

    const { jobs, queue } = recordingQueue();
    expect(await accept(queue, envelope, 1)).toEqual({ type: 'acknowledged' });
    expect(jobs).toEqual([{ version: 1, receivedAt: expect.any(String), envelope }]);
    expect(await ledger.status(envelope.event_id)).toBe('queued');

    // Once queued, Slack's later retries are acknowledged and dropped.
    for (const retry of [2, 3])
      expect(await accept(queue, envelope, retry)).toEqual({ type: 'acknowledged' });
    expect(jobs).toHaveLength(1);
  });

  it('queues an event once however often Slack delivers it after it was queued', async () => {
    const envelope = appMentionEnvelope(workspace, { text: 'Can I change my plan?' });
    const { jobs, queue } = recordingQueue();
    for (const retry of [undefined, 1, 2, 3]) {
      expect(await accept(queue, envelope, retry)).toEqual({ type: 'acknowledged' });
    }
    expect(jobs).toEqual([{ version: 1, receivedAt: expect.any(String), envelope }]);
  });

  it('leaves an event whose queueing failed unqueued, so the retry Slack sends after the 500 queues it', async () => {
    const envelope = appMentionEnvelope(workspace, { text: 'Why was I charged twice?' });
    const failing: SlackJobQueue = {
      enqueue: async () => {
        throw new Error('SQS is unavailable');
      },
    };
    await expect(accept(failing, envelope)).rejects.toThrow('SQS is unavailable');
    expect(await ledger.status(envelope.event_id)).toBe('received');
    const { jobs, queue } = recordingQueue();
    await accept(queue, envelope, 1);
    expect(jobs).toHaveLength(1);
  });
});
