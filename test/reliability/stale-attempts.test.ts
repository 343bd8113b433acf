/**
 * An attempt that settles after its lease ran out (a Bedrock call answered late, a frozen function
 * resumed after the handler already answered 503) and a retry took the turn over: the engine on
 * the real DynamoDB stores (dynalite), with a knowledge base the test answers or fails by hand.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSessionStore } from '../../shared/aws/dynamodb-session-store.ts';
import { IdempotencyStore } from '../../shared/aws/idempotency-store.ts';
import { type ChatTurn, ConversationEngine } from '../../shared/chat/engine.ts';
import type { RagAnswer, RagGenerator, RagRequest, RagStream } from '../../shared/chat/ports.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import { ConflictError, ServiceUnavailableError } from '../../shared/errors.ts';
import { startTestTable, type TestTable } from '../helpers/dynamodb.ts';
import { waitFor } from './support.ts';

/** One `generate` call, held until the test answers or fails it. */
interface HeldCall {
  readonly request: RagRequest;
  readonly pending: boolean;
  answer(text: string): void;
  fail(error: Error): void;
}

/** A knowledge base whose every answer waits for the test: the order of settling is the test's. */
class HeldRag implements RagGenerator {
  readonly calls: HeldCall[] = [];
  /** Fails every new call at once: no request should get as far as Bedrock now. */
  refuse = false;

  generate(request: RagRequest): Promise<RagAnswer> {
    return new Promise((resolve, reject) => {
      const call = {
        request,
        pending: true,
        answer: (text: string) => {
          call.pending = false;
          resolve({ bedrockSessionId: 'bedrock-1', answer: text, citations: [], guardrailAction: 'NONE' });
        },
        fail: (error: Error) => {
          call.pending = false;
          reject(error);
        },
      };
      this.calls.push(call);
      if (this.refuse) call.fail(new Error('a request asked Bedrock while a retry held the turn'));
    });
  }

  stream(): Promise<RagStream> {
    throw new Error('not used here');
  }
}

const TABLE = 'stale-attempts';
const LEASE_MS = 1_000;
let table: TestTable;
/** The idempotency store's clock: a test moves it past a lease instead of waiting. */
const clock = { ms: Date.now() };
let engine: ConversationEngine;
const rag = new HeldRag();

beforeAll(async () => {
  table = await startTestTable(TABLE);
  engine = new ConversationEngine({
    store: new DynamoDbSessionStore(table.db, { tableName: TABLE, ttlDays: 1 }),
    idempotency: new IdempotencyStore(table.db, {
      tableName: TABLE,
      ttlSeconds: 600,
      now: () => new Date(clock.ms),
    }),
    rag,
  });
});
afterEach(() => {
  rag.refuse = false;
});
afterAll(() => table?.close());

let turns = 0;
const nextTurn = (): ChatTurn => ({
  owner: 'alice',
  message: `How do I export my data? (stale case ${++turns})`,
  clientMessageId: `stale-${turns}`,
  leaseMs: LEASE_MS,
});

/** The first attempt is waiting on Bedrock; its lease runs out and a retry takes the turn over. */
async function firstAttemptOutlived(turn: ChatTurn) {
  const asked = rag.calls.length;
  const first = engine.chat(turn);
  first.catch(() => undefined);
  const firstCall = await waitFor(() => rag.calls[asked]);
  clock.ms += LEASE_MS + 1;
  const retry = engine.chat(turn);
  const retryCall = await waitFor(() => rag.calls[asked + 1]);
  return { first, firstCall, retry, retryCall };
}

/** Every message item of the table stored for a clientMessageId, questions and answers alike. */
async function messagesOf(turn: ChatTurn) {
  const { Items = [] } = await table.db.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  const questions = Items.filter((item) => item.clientMessageId === turn.clientMessageId);
  const sessions = new Set(questions.map((item) => String(item.pk)));
  return Items.filter((item) => sessions.has(String(item.pk)) && String(item.sk).startsWith('MSG#'));
}

describe('an attempt that settles after a retry took its turn over', () => {
  it('fails late without freeing the key: a third request waits, and one turn is stored', async () => {
    const turn = nextTurn();
    const { first, firstCall, retry, retryCall } = await firstAttemptOutlived(turn);

    firstCall.fail(new ServiceUnavailableError('Bedrock is busy.', 1));
    await expect(first).rejects.toThrow(ServiceUnavailableError);
    rag.refuse = true;
    await expect(engine.chat(turn)).rejects.toThrow(ConflictError);

    retryCall.answer('Open Settings, then Export.');
    const answered = await retry;
    expect(await engine.chat(turn)).toEqual(answered);
    const stored = await messagesOf(turn);
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['user', turn.message],
      ['assistant', 'Open Settings, then Export.'],
    ]);
  });

  it('answers late without replacing the retry: repeats get the retry answer, and one turn is stored', async () => {
    const turn = nextTurn();
    const { first, firstCall, retry, retryCall } = await firstAttemptOutlived(turn);

    retryCall.answer('The retry answer.');
    const answered = await retry;
    firstCall.answer('The late answer.');
    const late = await first;

    expect(late.messageId).toBe(answered.messageId);
    expect(await engine.chat(turn)).toEqual(answered);
    const stored = await messagesOf(turn);
    expect(stored.map((m) => [m.role, m.text])).toEqual([
      ['user', turn.message],
      ['assistant', 'The retry answer.'],
    ]);
  });

  it('fails late after the retry failed too: the next retry completes the same turn', async () => {
    const turn = nextTurn();
    const { first, firstCall, retry, retryCall } = await firstAttemptOutlived(turn);

    retryCall.fail(new ServiceUnavailableError('Bedrock is busy.', 1));
    await expect(retry).rejects.toThrow(ServiceUnavailableError);
    firstCall.fail(new ServiceUnavailableError('Bedrock is busy.', 1));
    await expect(first).rejects.toThrow(ServiceUnavailableError);

    const third = engine.chat(turn);
    (await waitFor(() => (rag.calls.at(-1)?.pending ? rag.calls.at(-1) : undefined))).answer('Third time.');
    const answered: ChatAnswer = await third;
    expect(await engine.chat(turn)).toEqual(answered);
    expect((await messagesOf(turn)).map((m) => [m.role, m.text])).toEqual([
      ['user', turn.message],
      ['assistant', 'Third time.'],
    ]);
  });
});

describe('a retry that finds its session deleted', () => {
  it('forgets the key, so no claim naming the deleted session is left behind', async () => {
    const asked = rag.calls.length;
    const opened = engine.chat({
      owner: 'alice',
      message: `Where are invoices kept? (stale case ${++turns})`,
    });
    (await waitFor(() => rag.calls[asked])).answer('In Billing.');
    const { sessionId } = await opened;
    const turn: ChatTurn = { ...nextTurn(), sessionId };
    // The first attempt dies waiting on Bedrock (it never settles); then the session is deleted.
    engine.chat(turn).catch(() => undefined);
    const firstCall = await waitFor(() => rag.calls[asked + 1]);
    await engine.deleteSession(sessionId, 'alice');
    clock.ms += LEASE_MS + 1;
    await expect(engine.chat(turn)).rejects.toMatchObject({ status: 404 });

    const { Items = [] } = await table.db.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
    expect(Items.filter((item) => JSON.stringify(item).includes(sessionId))).toEqual([]);
    firstCall.fail(new ServiceUnavailableError('Bedrock is busy.', 1));
  });
});
