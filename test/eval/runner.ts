/**
 * Runs an evaluation dataset against Lantern's public API and builds the report. `startLocalTarget`
 * boots the whole local stack in this process (random loopback port) for `--docs` runs.
 */
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { mapPool } from '../bench/pool.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { type ChatOptions, chatTurn, type LanternTarget } from './client.ts';
import type { EvalCase } from './dataset.ts';
import { type ProfileRun, type ProfilesReport, UNPROFILED } from './profiles.ts';
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
  /** The answer profiles of the settings file and the local API key of each (`default`: the dev key). */
  readonly profileKeys: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export interface LocalTargetOptions {
  /** An answer settings file (`npm start -- --profiles FILE`): its profiles answer their `localApiKey`. */
  readonly answerSettingsFile?: string;
  readonly onIngestProgress?: (progress: { done: number; total: number; file: string }) => void;
}

/** Boots the local stack on `docsDir` (in this process, any free loopback port) and waits for ingestion. */
export async function startLocalTarget(
  docsDir: string,
  options: LocalTargetOptions = {},
): Promise<LocalTarget> {
  const stack = await bootStack({
    docsDir,
    ...(options.answerSettingsFile ? { answerSettingsFile: options.answerSettingsFile } : {}),
    ...(options.onIngestProgress ? { onIngestProgress: options.onIngestProgress } : {}),
  });
  const { documents } = await stack.ingestion;
  // A key without a profile answers with the deployment's defaults, as on AWS.
  const profileKeys = new Map([
    [UNPROFILED, API_KEY],
    ...stack.profiles.map(({ profile, apiKey }): [string, string] => [profile, apiKey]),
  ]);
  return { target: { url: stack.url, apiKey: API_KEY }, documents, profileKeys, close: () => stack.close() };
}

export interface RunProfilesOptions extends Omit<RunEvalOptions, 'target' | 'onResult'> {
  readonly url: string;
  /** Profile name → API key, in the order to run them. */
  readonly profiles: ReadonlyMap<string, string>;
  readonly onResult?: (profile: string, result: CaseResult, done: number, total: number) => void;
}

/** Runs the dataset once per profile, one after the other so their latencies do not mix. */
export async function runProfiles(options: RunProfilesOptions): Promise<ProfilesReport> {
  const startedAt = new Date();
  const started = performance.now();
  const runs: ProfileRun[] = [];
  for (const [profile, apiKey] of options.profiles) {
    const { onResult, profiles: _profiles, url, ...rest } = options;
    const report = await runEval({
      ...rest,
      target: { url, apiKey },
      targetLabel: `${options.targetLabel ?? url} (profile ${profile})`,
      ...(onResult ? { onResult: (result, done, total) => onResult(profile, result, done, total) } : {}),
    });
    runs.push({ profile, ...report });
  }
  const first = runs[0];
  return {
    version: 1,
    run: {
      dataset: options.dataset,
      target: options.targetLabel ?? options.url,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      concurrency: first?.run.concurrency ?? 1,
      noAnswerText: first?.run.noAnswerText ?? options.noAnswerText ?? knowledgeBaseSettings.noAnswerText,
    },
    profiles: runs,
  };
}
