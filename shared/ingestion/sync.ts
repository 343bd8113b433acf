import { createHash } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { logger } from '../observability.ts';
import type { IngestionJobTracker } from './job-tracker.ts';
import {
  IngestionBusyError,
  IngestionJobNotFoundError,
  type KnowledgeBaseAdmin,
  type StartIngestionRequest,
} from './knowledge-base-admin.ts';
import { type IngestionJob, isTerminal } from './types.ts';

/** How kb-sync starts and follows jobs (see `config/ingestion.ts` for the deployed values). */
export interface SyncTiming {
  /** StartIngestionJob attempts while Bedrock answers 409/402. */
  readonly startAttempts: number;
  /** Backoff before the second attempt; it doubles each time up to `startBackoffMaxMs`, with jitter. */
  readonly startBackoffBaseMs: number;
  readonly startBackoffMaxMs: number;
  /** GetIngestionJob polling interval. */
  readonly pollIntervalMs: number;
  /** Give up waiting this long before the invocation's time runs out. */
  readonly followMarginMs: number;
}

/** The invocation's clock: time left (Lambda's context), and how to wait. */
export interface SyncRuntime {
  readonly remainingMs: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0..1, for jitter. */
  readonly random?: () => number;
}

/**
 * A client token for StartIngestionJob derived from what asked for the job (the SQS messages of a
 * batch, or a scheduled event's id): a redelivered batch or retried event gets the job it already
 * started, instead of a second one. Bedrock wants 33..256 letters, digits and hyphens.
 */
export function clientTokenFor(
  kind: 's3' | 'schedule',
  dataSourceId: string,
  origins: readonly string[],
): string {
  const digest = createHash('sha256')
    .update([kind, dataSourceId, ...[...origins].sort()].join('\n'))
    .digest('hex');
  return `lantern-${kind}-${digest}`;
}

/** The wait before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(
  attempt: number,
  timing: SyncTiming,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(timing.startBackoffMaxMs, timing.startBackoffBaseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Starts an ingestion job, backing off while Bedrock refuses because one is running (409) or the
 * account's quota is used up (402). Undefined when it is still busy after the last attempt, or when
 * the invocation has no time left for another wait: the caller lets its trigger retry later.
 */
export async function startWithBackoff(
  admin: Pick<KnowledgeBaseAdmin, 'startIngestionJob'>,
  request: StartIngestionRequest,
  timing: SyncTiming,
  runtime: SyncRuntime,
): Promise<IngestionJob | undefined> {
  const sleep = runtime.sleep ?? sleepFor;
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.startIngestionJob(request);
    } catch (error) {
      if (!(error instanceof IngestionBusyError)) throw error;
      const delay = backoffDelay(attempt, timing, runtime.random);
      const log = { dataSourceId: request.dataSourceId, reason: error.reason, attempt };
      if (attempt >= timing.startAttempts || runtime.remainingMs() - delay < timing.followMarginMs) {
        logger.warn('Bedrock is still busy; leaving the ingestion for a later retry', log);
        return undefined;
      }
      logger.info('Bedrock is busy; backing off before starting the ingestion job', {
        ...log,
        delayMs: delay,
      });
      await sleep(delay);
    }
  }
}

/**
 * Polls a job (Bedrock emits no ingestion events) until it finishes or the invocation is about to
 * run out of time, recording every view. Returns the last view: not terminal when time ran out.
 */
export async function followJob(
  admin: Pick<KnowledgeBaseAdmin, 'getIngestionJob'>,
  tracker: Pick<IngestionJobTracker, 'observed'>,
  job: IngestionJob,
  timing: SyncTiming,
  runtime: SyncRuntime,
): Promise<IngestionJob> {
  const sleep = runtime.sleep ?? sleepFor;
  let current = job;
  while (!isTerminal(current.status)) {
    if (runtime.remainingMs() - timing.pollIntervalMs < timing.followMarginMs) return current;
    await sleep(timing.pollIntervalMs);
    try {
      current = await admin.getIngestionJob(current.dataSourceId, current.jobId);
    } catch (error) {
      if (error instanceof IngestionJobNotFoundError) return current;
      // A throttled or failed poll is not the job failing: poll again while there is time.
      logger.warn('Could not read the ingestion job; polling again', {
        jobId: current.jobId,
        error: error instanceof Error ? error.name : String(error),
      });
      continue;
    }
    await tracker.observed(current);
  }
  return current;
}
