import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../shared/session-store.ts';
import { startTestTable, type TestTable } from '../helpers/dynamodb.ts';

let table: TestTable;
let clock = new Date('2026-11-22T10:00:00Z');
let store: SessionStore;

beforeAll(async () => {
  table = await startTestTable('store-test');
  store = new SessionStore(table.db, { tableName: 'store-test', ttlDays: 1, now: () => clock });
});
afterAll(() => table?.close());

const message = (messageId: string, createdAt: string, role: 'user' | 'assistant' = 'user') => ({
  messageId,
  role,
  text: `text of ${messageId}`,
  status: 'complete' as const,
  createdAt,
});

describe('SessionStore on dynalite', () => {
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

  it('lists messages by time, then id, and refuses a duplicate message id', async () => {
    await store.createSession('s-order', 'alice');
    const t = '2026-11-22T10:00:01.000Z';
    await store.appendMessage('s-order', message('b', t));
    await store.appendMessage('s-order', message('a', t));
    await store.appendMessage('s-order', message('c', '2026-11-22T10:00:00.500Z'));
    await expect(store.appendMessage('s-order', message('a', t))).rejects.toThrow();
    expect((await store.listMessages('s-order')).map((m) => m.messageId)).toEqual(['c', 'a', 'b']);
  });

  it('filters expired sessions and messages on read, though DynamoDB has not deleted them yet', async () => {
    clock = new Date('2026-11-22T10:00:00Z');
    await store.createSession('s-ttl', 'alice');
    await store.appendMessage('s-ttl', message('m1', clock.toISOString()));
    clock = new Date('2026-11-23T10:00:01Z'); // one day and a second later
    expect(await store.getSession('s-ttl', 'alice')).toBeUndefined();
    expect(await store.listMessages('s-ttl')).toEqual([]);
    expect(await store.deleteSession('s-ttl', 'alice')).toBe(false);
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
    await expect(store.touchSession('s-missing', 'bedrock-x')).rejects.toThrow();
    expect(await store.getSession('s-missing', 'alice')).toBeUndefined();
  });

  it('deletes a session and all its messages for the owner only', async () => {
    await store.createSession('s-del', 'alice');
    await store.appendMessage('s-del', message('m1', '2026-11-22T10:00:01.000Z'));
    expect(await store.deleteSession('s-del', 'bob')).toBe(false);
    expect(await store.listMessages('s-del')).toHaveLength(1);
    expect(await store.deleteSession('s-del', 'alice')).toBe(true);
    expect(await store.getSession('s-del', 'alice')).toBeUndefined();
    expect(await store.listMessages('s-del')).toEqual([]);
  });
});
