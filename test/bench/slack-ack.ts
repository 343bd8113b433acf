import { randomBytes } from 'node:crypto';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import { appMentionEnvelope } from '../../local/slack/signed-event.ts';
import type { LocalStack } from '../../local/stack.ts';
import type { SlackJob } from '../../shared/slack/job.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';
import { bootStack } from '../helpers/local-stack.ts';
import { mapPool } from './pool.ts';
import { median, percentile } from './stats.ts';

/**
 * While the acknowledgements are measured: `idle`, the worker answers nothing (the queued jobs are
 * held, then dropped unanswered); `answering`, the worker answers every event as it is queued, in
 * the same process as the events handler, as on the local stack.
 */
export type WorkerState = 'idle' | 'answering';

export interface AckLatency {
  readonly concurrency: number;
  readonly workers: WorkerState;
  /** Medians over rounds of each round's percentile, ms. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Median over rounds of each round's slowest acknowledgement, ms. */
  readonly max: number;
  /** Non-200 acknowledgements, all rounds together (excluded from the percentiles). */
  readonly errors: number;
  /** `answering`: median over rounds of the time from the last acknowledgement to the queue drained. */
  readonly drainMs?: number;
}

export interface SlackAckOptions {
  readonly docsDir: string;
  readonly questions: readonly string[];
  /** Events per round, level and worker state. */
  readonly requests: number;
  readonly rounds: number;
  readonly levels: readonly number[];
  readonly onProgress?: (message: string) => void;
}

export interface SlackAckResult {
  readonly levels: AckLatency[];
  /** Replies the fake Slack received against events the worker was let answer (must be equal). */
  readonly replies: number;
  readonly answered: number;
}

const BOT_TOKEN = `xoxb-bench-${randomBytes(8).toString('hex')}`;

/**
 * Acknowledgement latency of `POST /v1/slack/events` (request sent → 200 received) for correctly
 * signed `app_mention`s, each a new event in its own thread. The local stack runs in this process
 * (its in-process queue is what tells when the worker is done) with a fake Slack Web API on
 * loopback; signing happens before the clock starts, as Slack signs before it sends.
 */
export async function benchSlackAck(options: SlackAckOptions): Promise<SlackAckResult> {
  const signingSecret = randomBytes(32).toString('hex');
  const slack = await startFakeSlackApi({ token: BOT_TOKEN });
  let stack: LocalStack | undefined;
  try {
    stack = await bootStack({
      docsDir: options.docsDir,
      slack: { signingSecret, botToken: BOT_TOKEN, apiUrl: slack.url },
    });
    const local = stack;
    const eventsUrl = `${local.url}/v1/slack/events`;
    const queue = local.slack.queue;
    const enqueue = queue.enqueue.bind(queue);
    let holding = false;
    let answered = 0;
    // The events handler calls `queue.enqueue`; while holding, a job is serialized (as the real
    // queue does) and kept from the worker.
    queue.enqueue = async (job: SlackJob) => {
      if (!holding) {
        answered++;
        return enqueue(job);
      }
      JSON.stringify(job);
    };
    let teams = 0;
    const round = async (concurrency: number, workers: WorkerState) => {
      holding = workers === 'idle';
      const workspace = { teamId: `T0BENCH${++teams}`, botUserId: slack.botUserId };
      const latencies: number[] = [];
      let errors = 0;
      await mapPool(
        Array.from({ length: options.requests }, (_, i) => i),
        concurrency,
        async (i) => {
          const envelope = appMentionEnvelope(workspace, {
            text: options.questions[i % options.questions.length] ?? 'hello',
            channel: `C0BENCH${i % 50}`,
          });
          const raw = JSON.stringify(envelope);
          const timestamp = String(Math.floor(Date.now() / 1000));
          const headers = {
            'content-type': 'application/json',
            'x-slack-request-timestamp': timestamp,
            'x-slack-signature': signSlackRequest(signingSecret, timestamp, raw),
          };
          const started = performance.now();
          const response = await fetch(eventsUrl, {
            method: 'POST',
            headers,
            body: raw,
            signal: AbortSignal.timeout(30_000),
          });
          await response.arrayBuffer();
          const elapsed = performance.now() - started;
          if (response.status === 200) latencies.push(elapsed);
          else errors++;
        },
      );
      const drainStarted = performance.now();
      await queue.idle(600_000);
      const drainMs = performance.now() - drainStarted;
      holding = false;
      latencies.sort((a, b) => a - b);
      return {
        p50: percentile(latencies, 0.5),
        p95: percentile(latencies, 0.95),
        p99: percentile(latencies, 0.99),
        max: latencies.at(-1) ?? Number.NaN,
        errors,
        drainMs,
      };
    };

    // Warm-up: JIT, connections, the worker's first answers.
    await round(4, 'answering');
    await round(4, 'idle');
    const levels: AckLatency[] = [];
    for (const workers of ['idle', 'answering'] as const) {
      for (const concurrency of options.levels) {
        const rounds = [];
        for (let r = 0; r < options.rounds; r++) {
          options.onProgress?.(
            `Slack acks, workers ${workers}, concurrency ${concurrency}, round ${r + 1}/${options.rounds}`,
          );
          rounds.push(await round(concurrency, workers));
        }
        levels.push({
          concurrency,
          workers,
          p50: median(rounds.map((x) => x.p50)),
          p95: median(rounds.map((x) => x.p95)),
          p99: median(rounds.map((x) => x.p99)),
          max: median(rounds.map((x) => x.max)),
          errors: rounds.reduce((sum, x) => sum + x.errors, 0),
          ...(workers === 'answering' ? { drainMs: median(rounds.map((x) => x.drainMs)) } : {}),
        });
      }
    }
    return { levels, replies: countReplies(slack), answered };
  } finally {
    await stack?.close();
    await slack.close();
  }
}

function countReplies(slack: FakeSlackApi): number {
  return slack.messages.filter((m) => m.threadTs !== undefined && !m.streaming).length;
}
