import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../../shared/aws/dynamodb-session-store.ts';
import { SessionGoneError } from '../../../shared/chat/ports.ts';
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
    expect(await store.deleteSession('s-ttl', 'alice')).toBeUndefined();
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
    expect(await store.deleteSession('s-del', 'bob')).toBeUndefined();
    expect(await store.listMessages('s-del')).toHaveLength(2);
    expect(await store.deleteSession('s-del', 'alice')).toEqual({ clientMessageIds: ['c-1'] });
    expect(await store.getSession('s-del', 'alice')).toBeUndefined();
    expect(await store.listMessages('s-del')).toEqual([]);
  });
});
