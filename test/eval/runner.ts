/**
 * Runs an evaluation dataset against Lantern's public API and builds the report. `startLocalTarget`
 * boots the whole local stack in this process (random loopback port) for `--docs` runs.
 */
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { mapPool } from '../bench/pool.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { type ChatOptions, chatTurn, type LanternTarget } from './client.ts';
import type { EvalCase } from './dataset.ts';
import { type CaseAnswer, type CaseResult, type EvalReport, scoreCase, summarize } from './scoring.ts';

export interface RunEvalOptions extends ChatOptions {
  readonly cases: readonly EvalCase[];
  readonly target: LanternTarget;
  /** Dataset name for the report (usually the file name). */
  readonly dataset: string;
  /** What the report calls the target (default: its URL). */
  readonly targetLabel?: string;
  /** Cases in flight at once (default 1, so latencies are not skewed by the eval itself). */
  readonly concurrency?: number;
  /** The knowledge base's no-answer reply (default: `config/knowledge-base.ts`). */
  readonly noAnswerText?: string;
  /** Called after each case, in completion order. */
  readonly onResult?: (result: CaseResult, done: number, total: number) => void;
}

/** Asks every turn of a case in one session; an error ends the case. */
async function askCase(target: LanternTarget, c: EvalCase, options: ChatOptions): Promise<CaseAnswer> {
  const latencies: number[] = [];
  let sessionId: string | undefined;
  for (const [index, message] of c.turns.entries()) {
    try {
      const turn = await chatTurn(target, message, sessionId, options);
      latencies.push(turn.latencyMs);
      sessionId = turn.body.sessionId;
      if (index === c.turns.length - 1) {
        return {
          ok: true,
          sessionId,
          answer: turn.body.answer,
          citations: turn.body.citations,
          guardrail: turn.body.guardrail,
          turnLatenciesMs: latencies,
        };
      }
    } catch (error) {
      const where = c.turns.length > 1 ? ` (turn ${index + 1} of ${c.turns.length})` : '';
      return { ok: false, error: `${(error as Error).message}${where}`, turnLatenciesMs: latencies };
    }
  }
  return { ok: false, error: 'the case has no turns', turnLatenciesMs: latencies };
}

export async function runEval(options: RunEvalOptions): Promise<EvalReport> {
  const startedAt = new Date();
  const started = performance.now();
  const noAnswerText = options.noAnswerText ?? knowledgeBaseSettings.noAnswerText;
  const concurrency = Math.min(Math.max(Math.floor(options.concurrency ?? 1), 1), 32);
  const chatOptions: ChatOptions = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
  };
  let done = 0;
  const results = await mapPool(options.cases, concurrency, async (c) => {
    const result = scoreCase(c, await askCase(options.target, c, chatOptions), noAnswerText);
    options.onResult?.(result, ++done, options.cases.length);
    return result;
  });
  return {
    version: 1,
    run: {
      dataset: options.dataset,
      target: options.targetLabel ?? options.target.url,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      concurrency,
      noAnswerText,
    },
    summary: summarize(results),
    results,
  };
}

export interface LocalTarget {
  readonly target: LanternTarget;
  readonly documents: number;
  close(): Promise<void>;
}

/** Boots the local stack on `docsDir` (in this process, any free loopback port) and waits for ingestion. */
export async function startLocalTarget(
  docsDir: string,
  onIngestProgress?: (progress: { done: number; total: number; file: string }) => void,
): Promise<LocalTarget> {
  const stack = await bootStack({ docsDir, ...(onIngestProgress ? { onIngestProgress } : {}) });
  const { documents } = await stack.ingestion;
  return { target: { url: stack.url, apiKey: API_KEY }, documents, close: () => stack.close() };
}
