import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../shared/aws/dynamodb-session-store.ts';
import { SessionExistsError, SessionGoneError } from '../../../shared/chat/ports.ts';
import { ServiceUnavailableError } from '../../../shared/errors.ts';
import { startTestTable, type TestTable } from '../../helpers/dynamodb.ts';

let table: TestTable;
let clock = new Date('2026-11-22T10:00:00Z');
let store: DynamoDbSessionStore;

beforeAll(async () => {
  table = await startTestTable('store-test');
  store = new DynamoDbSessionStore(table.db, { tableName: 'store-test', ttlDays: 1, now: () => clock });
});
afterAll(() => table?.close());

const message = (messageId: string, createdAt: string, role: 'user' | 'assistant' = 'user') => ({
  messageId,
  role,
  text: `text of ${messageId}`,
  status: 'complete' as const,
  createdAt,
  sortKey: `${createdAt}#${messageId}`,
});

/** Collects the client message ids a delete forgets. */
function recorder() {
  const ids: string[] = [];
  return { ids, forget: async (forgotten: readonly string[]) => void ids.push(...forgotten) };
}
/** For deletes whose forgotten ids the test does not look at. */
const ignoreIds = async () => {};

describe('DynamoDbSessionStore on dynalite', () => {
  it('creates a session once: a second create with the same id is refused, not overwritten', async () => {
    await store.createSession('s-dup', 'alice', 'bedrock-1');
    await expect(store.createSession('s-dup', 'mallory')).rejects.toThrow();
    expect(await store.getSession('s-dup', 'alice')).toMatchObject({
      owner: 'alice',
      bedrockSessionId: 'bedrock-1',
    });
  });

  it('returns a session only to its owner', async () => {
    await store.createSession('s-owner', 'alice');
    expect(await store.getSession('s-owner', 'bob')).toBeUndefined();
    expect(await store.getSession('s-owner', 'alice')).toMatchObject({ sessionId: 's-owner' });
  });

  it('lists messages by time, then id, and keeps the first copy of a message written twice', async () => {
    await store.createSession('s-order', 'alice');
    const t = '2026-11-22T10:00:01.000Z';
    await store.saveMessage('s-order', message('b', t));
    await store.saveMessage('s-order', message('a', t));
    await store.saveMessage('s-order', message('c', '2026-11-22T10:00:00.500Z'));
    const again = await store.saveMessage('s-order', { ...message('a', t), text: 'another text' });
    expect(again.text).toBe('text of a');
    const messages = await store.listMessages('s-order');
    expect(messages.map((m) => [m.messageId, m.text])).toEqual([
      ['c', 'text of c'],
      ['a', 'text of a'],
      ['b', 'text of b'],
    ]);
  });

  it('replaces an incomplete answer with the retry answer, and keeps a finished one', async () => {
    await store.createSession('s-retry', 'alice');
    const t = '2026-11-22T10:00:02.000Z';
    const cut = { ...message('r', t, 'assistant'), text: 'half an ans', status: 'incomplete' as const };
    await store.saveMessage('s-retry', cut);
    await store.saveMessage('s-retry', {
      ...cut,
      text: 'half an answer, then all of it',
      status: 'complete',
    });
    await store.saveMessage('s-retry', { ...cut, text: 'a third attempt', status: 'complete' });
    expect((await store.listMessages('s-retry')).map((m) => [m.text, m.status])).toEqual([
      ['half an answer, then all of it', 'complete'],
    ]);
  });

  it('lists messages by their sort key, whatever time they were written with', async () => {
    await store.createSession('s-sort', 'alice');
    await store.saveMessage('s-sort', {
      ...message('late', '2026-11-22T10:09:00.000Z', 'assistant'),
      sortKey: '2026-11-22T10:00:00.000Z#early#2',
    });
    await store.saveMessage('s-sort', message('early', '2026-11-22T10:00:00.000Z'));
    const messages = await store.listMessages('s-sort');
    expect(messages.map((m) => [m.messageId, m.createdAt])).toEqual([
      ['early', '2026-11-22T10:00:00.000Z'],
      ['late', '2026-11-22T10:09:00.000Z'],
    ]);
    const feedback = { rating: 'up', createdAt: '2026-11-22T10:10:00.000Z' } as const;
    expect(await store.setFeedback('s-sort', 'late', feedback)).toBe(true);
    expect((await store.listMessages('s-sort')).map((m) => m.feedback)).toEqual([undefined, feedback]);
  });

  it('filters expired sessions and messages on read, though DynamoDB has not deleted them yet', async () => {
    clock = new Date('2026-11-22T10:00:00Z');
    await store.createSession('s-ttl', 'alice');
    await store.saveMessage('s-ttl', message('m1', clock.toISOString()));
    clock = new Date('2026-11-23T10:00:01Z'); // one day and a second later
    expect(await store.getSession('s-ttl', 'alice')).toBeUndefined();
    expect(await store.listMessages('s-ttl')).toEqual([]);
    expect(await store.deleteSession('s-ttl', 'alice', ignoreIds)).toBe(false);
    clock = new Date('2026-11-22T10:00:00Z');
  });

  it('extends the session on use and records the new Bedrock session id', async () => {
    await store.createSession('s-touch', 'alice', 'bedrock-old');
    const before = await store.getSession('s-touch', 'alice');
    clock = new Date('2026-11-22T20:00:00Z');
    await store.touchSession('s-touch', 'bedrock-new');
    const after = await store.getSession('s-touch', 'alice');
    expect(after?.bedrockSessionId).toBe('bedrock-new');
    expect(after?.expiresAt).toBeGreaterThan(before?.expiresAt ?? Infinity);
    clock = new Date('2026-11-22T10:00:00Z');
  });

  it('refuses to touch a session that does not exist (no item is created)', async () => {
    await expect(store.touchSession('s-missing', 'bedrock-x')).rejects.toThrow(SessionGoneError);
    expect(await store.getSession('s-missing', 'alice')).toBeUndefined();
  });

  it('deletes a session and all its messages for the owner only', async () => {
    await store.createSession('s-del', 'alice');
    await store.saveMessage('s-del', {
      ...message('m1', '2026-11-22T10:00:01.000Z'),
      clientMessageId: 'c-1',
    });
    await store.saveMessage('s-del', message('m2', '2026-11-22T10:00:01.001Z', 'assistant'));
    expect(await store.deleteSession('s-del', 'bob', ignoreIds)).toBe(false);
    expect(await store.listMessages('s-del')).toHaveLength(2);
    const forgotten = recorder();
    expect(await store.deleteSession('s-del', 'alice', forgotten.forget)).toBe(true);
    expect(forgotten.ids).toEqual(['c-1']);
    expect(await store.getSession('s-del', 'alice')).toBeUndefined();
    expect(await store.listMessages('s-del')).toEqual([]);
  });
});

/** Every item under a session's partition key, expired or not: what is really left in the table. */
async function itemsOf(sessionId: string): Promise<string[]> {
  const { Items = [] } = await table.db.send(
    new QueryCommand({
      TableName: 'store-test',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SESSION#${sessionId}` },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.sk));
}

/**
 * The real document client, except that BatchWriteItem behaves as DynamoDB does under throttling:
 * it writes only the first `processed` requests of each call and hands the rest back as
 * UnprocessedItems, or (`processed: 'throw'`) fails as a throttled request that outlasted the SDK's retries.
 */
function throttledBatchWrites(processed: number | 'throw'): DynamoDBDocumentClient {
  const send = async (command: unknown) => {
    if (!(command instanceof BatchWriteCommand)) return table.db.send(command as never);
    if (processed === 'throw')
      throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    const requests = command.input.RequestItems?.['store-test'] ?? [];
    const now = requests.slice(0, processed);
    if (now.length > 0) await table.db.send(new BatchWriteCommand({ RequestItems: { 'store-test': now } }));
    const rest = requests.slice(processed);
    return { UnprocessedItems: rest.length > 0 ? { 'store-test': rest } : {} };
  };
  return new Proxy(table.db, {
    get: (target, property, receiver) =>
      property === 'send' ? send : Reflect.get(target, property, receiver),
  });
}

/** A session of `turns` turns, each question with a clientMessageId. */
async function sessionWithTurns(target: DynamoDbSessionStore, sessionId: string, turns: number) {
  await target.createSession(sessionId, 'alice');
  for (let turn = 0; turn < turns; turn++) {
    const at = `2026-11-22T10:00:${String(turn).padStart(2, '0')}.000Z`;
    await target.saveMessage(sessionId, { ...message(`q${turn}`, at), clientMessageId: `c-${turn}` });
    await target.saveMessage(sessionId, {
      ...message(`a${turn}`, at, 'assistant'),
      sortKey: `${at}#a${turn}`,
    });
  }
}

describe('deleting a session while DynamoDB leaves batch writes unprocessed', () => {
  it('fails as temporary (503) while messages remain, and the owner’s retry deletes the rest', async () => {
    await sessionWithTurns(store, 's-unprocessed', 6);
    const throttled = new DynamoDbSessionStore(throttledBatchWrites(1), {
      tableName: 'store-test',
      ttlDays: 1,
      now: () => clock,
    });
    const firstTry = recorder();
    const failure = await throttled
      .deleteSession('s-unprocessed', 'alice', firstTry.forget)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure).toMatchObject({ status: 503, retryAfterSeconds: 2 });
    // Five tries of one item each; seven messages and the session item are still there, and the
    // turns' client message ids were forgotten before any message went.
    expect(await itemsOf('s-unprocessed')).toHaveLength(8);
    expect(firstTry.ids).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5']);

    // Half-deleted, the session is gone for every reader and turn, and for anyone else's DELETE.
    expect(await store.getSession('s-unprocessed', 'alice')).toBeUndefined();
    expect(
      (await store.listSessions('alice', { limit: 100 })).sessions.map((s) => s.sessionId),
    ).not.toContain('s-unprocessed');
    await expect(store.touchSession('s-unprocessed', 'bedrock-x')).rejects.toThrow(SessionGoneError);
    await expect(store.createSession('s-unprocessed', 'alice')).rejects.toThrow(SessionExistsError);
    expect(await store.deleteSession('s-unprocessed', 'bob', ignoreIds)).toBe(false);
    expect(await itemsOf('s-unprocessed')).toHaveLength(8);

    const retried = recorder();
    expect(await store.deleteSession('s-unprocessed', 'alice', retried.forget)).toBe(true);
    expect(retried.ids).toEqual(['c-2', 'c-3', 'c-4', 'c-5']);
    expect(await itemsOf('s-unprocessed')).toEqual([]);
    expect(await store.deleteSession('s-unprocessed', 'alice', ignoreIds)).toBe(false);
  });

  it('answers a throttled BatchWriteItem as temporary (503) and leaves the session for the retry to finish', async () => {
    await sessionWithTurns(store, 's-batch-error', 2);
    const failing = new DynamoDbSessionStore(throttledBatchWrites('throw'), {
      tableName: 'store-test',
      ttlDays: 1,
      now: () => clock,
    });
    const failure = await failing
      .deleteSession('s-batch-error', 'alice', ignoreIds)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(await store.getSession('s-batch-error', 'alice')).toBeUndefined();
    const retried = recorder();
    expect(await store.deleteSession('s-batch-error', 'alice', retried.forget)).toBe(true);
    expect(retried.ids).toEqual(['c-0', 'c-1']);
    expect(await itemsOf('s-batch-error')).toEqual([]);
  });

  it('fails a turn’s clean-up as temporary (503) rather than report messages removed that are not', async () => {
    await sessionWithTurns(store, 's-remove', 1);
    const throttled = new DynamoDbSessionStore(throttledBatchWrites(0), {
      tableName: 'store-test',
      ttlDays: 1,
      now: () => clock,
    });
    const turn = [message('q0', '2026-11-22T10:00:00.000Z'), message('a0', '2026-11-22T10:00:00.000Z')];
    await expect(throttled.removeMessages('s-remove', turn)).rejects.toThrow(ServiceUnavailableError);
    expect(await store.listMessages('s-remove')).toHaveLength(2);
  });
});

describe('message retention', () => {
  const day = 86_400_000;
  const start = new Date('2026-11-22T10:00:00Z').getTime();
  let now = new Date(start);
  let timed: DynamoDbSessionStore;
  beforeAll(() => {
    timed = new DynamoDbSessionStore(table.db, { tableName: 'store-test', ttlDays: 30, now: () => now });
  });
  const turn = async (sessionId: string, name: string, dayOfSession: number) => {
    now = new Date(start + dayOfSession * day);
    await timed.touchSession(sessionId, undefined);
    const at = now.toISOString();
    await timed.saveMessage(sessionId, { ...message(name, at), clientMessageId: `c-${name}` });
  };

  it('keeps each message ttlDays after it was written, while its session lives ttlDays after its last turn', async () => {
    now = new Date(start);
    await timed.createSession('s-retention', 'alice');
    await turn('s-retention', 'day0', 0);
    await turn('s-retention', 'day20', 20);
    now = new Date(start + 33 * day);
    expect(await timed.getSession('s-retention', 'alice')).toMatchObject({
      expiresAt: (start + 50 * day) / 1000,
    });
    expect((await timed.listMessages('s-retention')).map((m) => m.messageId)).toEqual(['day20']);
    now = new Date(start + 50 * day + 1000);
    expect(await timed.getSession('s-retention', 'alice')).toBeUndefined();
    expect(await timed.listMessages('s-retention')).toEqual([]);
  });

  it('deletes a session’s expired messages that DynamoDB has not swept yet along with it', async () => {
    now = new Date(start);
    await timed.createSession('s-expired-delete', 'alice');
    await turn('s-expired-delete', 'day0', 0);
    await turn('s-expired-delete', 'day20', 20);
    now = new Date(start + 33 * day);
    expect(await itemsOf('s-expired-delete')).toHaveLength(3);
    const forgotten = recorder();
    expect(await timed.deleteSession('s-expired-delete', 'alice', forgotten.forget)).toBe(true);
    expect(forgotten.ids).toEqual(['c-day0', 'c-day20']);
    expect(await itemsOf('s-expired-delete')).toEqual([]);
  });
});

describe('DynamoDB failing past the SDK retries', () => {
  it('answers as temporary (503) whichever call failed: reads, writes and each step of a delete', async () => {
    const throttled = new DynamoDbSessionStore(
      {
        send: async () => {
          throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
        },
      } as never,
      { tableName: 'store-test', ttlDays: 1 },
    );
    for (const call of [
      () => throttled.getSession('s', 'alice'),
      () => throttled.listMessages('s'),
      () => throttled.deleteSession('s', 'alice', ignoreIds),
    ])
      await expect(call()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
