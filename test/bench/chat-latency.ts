import { median, percentile } from './stats.ts';

export interface LatencyTarget {
  readonly url: string;
  readonly apiKey: string;
}

export interface LevelLatency {
  readonly concurrency: number;
  /** Medians over rounds of each round's percentile, ms. */
  readonly p50: number;
  readonly p95: number;
  /** Median over rounds of requests per second. */
  readonly throughput: number;
  /** Non-200 answers, all rounds together (they are excluded from the percentiles). */
  readonly errors: number;
}

export interface ChatLatencyOptions {
  readonly levels: readonly number[];
  /** Requests per round and level. */
  readonly requests: number;
  readonly rounds: number;
  readonly onProgress?: (message: string) => void;
}

async function postChat(target: LatencyTarget, message: string, sessionId: string | undefined) {
  const started = performance.now();
  const response = await fetch(`${target.url}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': target.apiKey },
    body: JSON.stringify({ message, ...(sessionId ? { sessionId } : {}) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  const body = response.status === 200 ? (JSON.parse(text) as { sessionId?: string }) : undefined;
  return { status: response.status, elapsed, sessionId: body?.sessionId };
}

/**
 * One round: `requests` `POST /v1/chat` calls from `concurrency` clients at once (a bounded pool
 * over `fetch`). Each client alternates a new question and a follow-up in the session it just
 * opened, as a conversation does.
 */
async function round(
  target: LatencyTarget,
  questions: readonly string[],
  concurrency: number,
  requests: number,
) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    let sessionId: string | undefined;
    let turn = 0;
    while (next < requests) {
      const index = next++;
      const continuing = turn++ % 2 === 1 ? sessionId : undefined;
      const res = await postChat(target, questions[index % questions.length] ?? 'hello', continuing);
      if (res.status === 200) {
        latencies.push(res.elapsed);
        sessionId = res.sessionId;
      } else {
        errors++;
        sessionId = undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    throughput: requests / seconds,
    errors,
  };
}

/** `POST /v1/chat` latency at each concurrency level: medians over rounds, after a warm-up. */
export async function benchChatLatency(
  target: LatencyTarget,
  questions: readonly string[],
  options: ChatLatencyOptions,
): Promise<LevelLatency[]> {
  await round(target, questions, 4, 40); // warm-up: JIT, connection pools, emulator caches
  const results: LevelLatency[] = [];
  for (const concurrency of options.levels) {
    const rounds = [];
    for (let r = 0; r < options.rounds; r++) {
      options.onProgress?.(`POST /v1/chat at concurrency ${concurrency}, round ${r + 1}/${options.rounds}`);
      rounds.push(await round(target, questions, concurrency, options.requests));
    }
    results.push({
      concurrency,
      p50: median(rounds.map((x) => x.p50)),
      p95: median(rounds.map((x) => x.p95)),
      throughput: median(rounds.map((x) => x.throughput)),
      errors: rounds.reduce((sum, x) => sum + x.errors, 0),
    });
  }
  return results;
}
