import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { formatLoadReport, runLoad } from '../load/load-run.ts';

let stack: LocalStack;

beforeAll(async () => {
  stack = await bootStack({ faultSettings: { throttle: 0.2 } });
});
afterAll(() => stack?.close());

describe('concurrent chats while Bedrock throttles (npm run load, small)', () => {
  it('loses and duplicates no message, answers only 200 or 503 with Retry-After', async () => {
    const report = await runLoad(stack.url, API_KEY, {
      chats: 40,
      sessions: 10,
      maxAttempts: 6,
      timeoutMs: 100_000,
    });
    console.info(`load (40 chats over 10 sessions, 20 % throttled):\n${formatLoadReport(report)}`);
    expect(report.problems.filter((p) => !/gave up|was not created/.test(p))).toEqual([]);
    expect(report).toMatchObject({
      sessionsCreated: 10,
      lost: 0,
      duplicated: 0,
      repeatedIds: 0,
      misordered: 0,
      mismatched: 0,
      otherServerErrors: 0,
      missingRetryAfter: 0,
      networkErrors: 0,
    });
    expect(Object.keys(report.statuses).every((status) => ['200', '409', '503'].includes(status))).toBe(true);
    expect(stack.emulator.faults.injected.throttle).toBeGreaterThan(0);
    // Clients retry 503s with the same clientMessageId: nearly every chat ends answered.
    expect(report.answered).toBeGreaterThanOrEqual(0.9 * (report.chats + report.sessions));
  }, 120_000);
});
