/**
 * DynamoDB requests per chat turn, counted (not timed): every HTTP request the handlers' SDK
 * client sends to dynalite is seen on Node's `http.client.request.start` diagnostics channel,
 * with its `X-Amz-Target` (`DynamoDB_20120810.PutItem`, …). The stack runs in this process.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { API_KEY, apiClient, bootStack } from '../helpers/local-stack.ts';
import { postSse } from '../helpers/sse.ts';
import { median } from './stats.ts';

export interface TurnCalls {
  readonly scenario: string;
  /** Median over repeats. */
  readonly total: number;
  /** Operation counts of a run with the median total, e.g. `{GetItem: 1, PutItem: 3}`. */
  readonly byOperation: Readonly<Record<string, number>>;
}

const CHANNEL = 'http.client.request.start';

/** Counts requests to one host (`127.0.0.1:PORT`) by DynamoDB operation while subscribed. */
export class DynamoDbCallCounter {
  private counts = new Map<string, number>();
  private readonly listener = (message: unknown) => {
    const request = (message as { request?: ClientRequest }).request;
    if (!request || request.getHeader('host') !== this.host) return;
    const target = String(request.getHeader('x-amz-target') ?? 'unknown');
    const operation = target.slice(target.indexOf('.') + 1);
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  };

  constructor(private readonly host: string) {
    subscribe(CHANNEL, this.listener);
  }

  reset(): void {
    this.counts = new Map();
  }

  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Waits until no request arrived for `quietMs` (writes after the response), at most `maxMs`. */
  async settle(quietMs = 150, maxMs = 2_000): Promise<void> {
    const deadline = Date.now() + maxMs;
    let last = this.total;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (this.total !== last) {
        last = this.total;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
    }
  }

  close(): void {
    unsubscribe(CHANNEL, this.listener);
  }
}

/** `GetItem 1, PutItem 2, UpdateItem 1` */
export const formatOperations = (calls: TurnCalls) =>
  Object.entries(calls.byOperation)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

export async function benchDynamoDbCalls(options: {
  readonly docsDir: string;
  readonly questions: readonly [string, string];
  readonly repeats: number;
}): Promise<TurnCalls[]> {
  const stack = await bootStack({ docsDir: options.docsDir });
  const counter = new DynamoDbCallCounter(new URL(stack.dynamoDbEndpoint).host);
  const client = apiClient(stack.url);
  const [question, followUp] = options.questions;
  const stream = async (message: string, sessionId?: string) => {
    const res = await postSse(
      `${stack.url}/v1/chat/stream`,
      { message, ...(sessionId ? { sessionId } : {}) },
      { 'x-api-key': API_KEY },
    );
    if (res.status !== 200) throw new Error(`/v1/chat/stream answered ${res.status}: ${res.text}`);
    return res.events.find((e) => e.event === 'session')?.data?.sessionId as string;
  };
  const rest = async (message: string, sessionId?: string) => {
    const res = await client.chat(message, sessionId);
    if (res.status !== 200) throw new Error(`/v1/chat answered ${res.status}: ${res.text}`);
    return res.body.sessionId as string;
  };
  const runs = new Map<string, { total: number; byOperation: Record<string, number> }[]>();
  const measure = async <T>(scenario: string, turn: () => Promise<T>): Promise<T> => {
    await counter.settle();
    counter.reset();
    const result = await turn();
    await counter.settle();
    runs.set(scenario, [
      ...(runs.get(scenario) ?? []),
      { total: counter.total, byOperation: counter.snapshot() },
    ]);
    return result;
  };
  try {
    for (let i = 0; i < options.repeats; i++) {
      const restSession = await measure('POST /v1/chat, new session', () => rest(question));
      await measure('POST /v1/chat, follow-up', () => rest(followUp, restSession));
      const streamSession = await measure('POST /v1/chat/stream, new session', () => stream(question));
      await measure('POST /v1/chat/stream, follow-up', () => stream(followUp, streamSession));
    }
  } finally {
    counter.close();
    await stack.close();
  }
  return [...runs.entries()].map(([scenario, samples]) => {
    const total = median(samples.map((s) => s.total));
    const typical = samples.find((s) => s.total === total) ?? samples[0];
    return { scenario, total, byOperation: typical?.byOperation ?? {} };
  });
}
