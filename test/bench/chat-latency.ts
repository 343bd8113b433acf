import type { ApiClient } from '../helpers/local-stack.ts';
import { median, percentile } from './stats.ts';

export interface ChatLatency {
  readonly p50: number;
  readonly p95: number;
  readonly followUpP50: number;
}

/**
 * `POST /v1/chat` latency, sequential requests (concurrency 1), every other one a follow-up in the
 * previous session as in a real conversation. Medians of the per-round percentiles.
 */
export async function benchChatLatency(
  client: ApiClient,
  questions: readonly string[],
  options: { requests: number; rounds: number },
): Promise<ChatLatency> {
  for (let i = 0; i < 20; i++) await client.chat(questions[i % questions.length] ?? 'hello'); // warm-up
  const p50s: number[] = [];
  const p95s: number[] = [];
  const followUpP50s: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const all: number[] = [];
    const followUps: number[] = [];
    let sessionId: string | undefined;
    for (let i = 0; i < options.requests; i++) {
      const continuing = i % 2 === 1 ? sessionId : undefined;
      const started = performance.now();
      const res = await client.chat(questions[i % questions.length] ?? 'hello', continuing);
      const elapsed = performance.now() - started;
      if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}: ${res.text}`);
      all.push(elapsed);
      if (continuing) followUps.push(elapsed);
      sessionId = res.body.sessionId;
    }
    all.sort((a, b) => a - b);
    p50s.push(percentile(all, 0.5));
    p95s.push(percentile(all, 0.95));
    followUpP50s.push(median(followUps));
  }
  return { p50: median(p50s), p95: median(p95s), followUpP50: median(followUpP50s) };
}
