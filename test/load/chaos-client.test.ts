/**
 * The chaos client's retry budget against a server on loopback that answers 409 (another attempt
 * holds the turn) a set number of times before answering: 409s within the claim wait do not use up
 * the attempts, and past it they do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, emptyTally, sendTurn, type TurnPlan } from './chaos-client.ts';

let server: Server;
let url: string;
/** 409s still to answer before the turn is answered, per clientMessageId. */
const conflictsLeft = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      const { clientMessageId } = JSON.parse(body) as { clientMessageId: string };
      const left = conflictsLeft.get(clientMessageId) ?? 0;
      if (left > 0) {
        conflictsLeft.set(clientMessageId, left - 1);
        res.writeHead(409, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(JSON.stringify({ error: { code: 'CONFLICT', message: 'still being answered' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sessionId: 's-1', messageId: 'm-1', answer: 'An answer.' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function plan(clientMessageId: string, conflicts: number): TurnPlan {
  conflictsLeft.set(clientMessageId, conflicts);
  return { index: 0, endpoint: 'chat', question: 'q', clientMessageId, hangUpOn: new Set() };
}

function options(claimWaitMs: number): ClientOptions {
  const tally = emptyTally();
  return {
    baseUrl: () => url,
    apiKey: 'test-key',
    maxAttempts: 2,
    claimWaitMs,
    maxRetryAfterMs: 1_000,
    attemptTimeoutMs: 10_000,
    deadline: AbortSignal.timeout(60_000),
    tally,
  };
}

describe('chaos client: 409s while a killed attempt holds the turn', () => {
  it('keeps retrying 409s within the claim wait without using up its attempts', async () => {
    const outcome = await sendTurn(plan('within-wait', 3), options(30_000));
    expect(outcome.result).toEqual({
      kind: 'answered',
      sessionId: 's-1',
      messageId: 'm-1',
      answer: 'An answer.',
    });
    expect(outcome.attempts).toBe(4);
  }, 30_000);

  it('counts 409s past the claim wait as attempts, and gives up after the last', async () => {
    const outcome = await sendTurn(plan('no-wait', 5), options(0));
    expect(outcome.result).toEqual({ kind: 'gave-up', reason: 'HTTP 409' });
    expect(outcome.attempts).toBe(2);
  }, 30_000);
});
