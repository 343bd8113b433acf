/**
 * Ingestion jobs, as bedrock-agent runs them: StartIngestionJob answers at once with a job in
 * STARTING; the job then runs in the background (IN_PROGRESS, statistics growing document by
 * document) and ends COMPLETE, FAILED (the data source cannot be read) or STOPPED. Jobs are
 * incremental (see ingestion.ts). One job per data source and per knowledge base at a time (a
 * second start is a 409 ConflictException) and at most five in the account (402
 * ServiceQuotaExceededException); a repeated `clientToken` returns the job it started.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsServiceError, resourceNotFoundError, validationError } from '../errors.ts';
import type { IngestProgress, IngestResult, KnowledgeBase } from '../knowledge-base.ts';
import {
  type DataSourceConfig,
  type DataSourceScan,
  DataSourceUnavailableError,
  scanDataSource,
} from './data-sources.ts';
import { applyScan, emptyStatistics, type SyncStatistics, totals } from './sync.ts';

export type IngestionJobStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPING' | 'STOPPED';

const TERMINAL: ReadonlySet<IngestionJobStatus> = new Set(['COMPLETE', 'FAILED', 'STOPPED']);

/** An `IngestionJob` as it goes on the wire (timestamps are ISO 8601 strings). */
export interface IngestionJobShape {
  knowledgeBaseId: string;
  dataSourceId: string;
  ingestionJobId: string;
  description?: string;
  status: IngestionJobStatus;
  statistics: SyncStatistics;
  failureReasons?: string[];
  startedAt: string;
  updatedAt: string;
}

export interface IngestionLimits {
  /** Concurrent jobs per knowledge base (AWS quota: 1). @default 1 */
  readonly perKnowledgeBase?: number;
  /** Concurrent jobs in the account (AWS quota: 5). @default 5 */
  readonly perAccount?: number;
}

export interface IngestionPacing {
  /** How long a started job stays STARTING. @default 0 */
  readonly startDelayMs?: number;
  /** A pause after each document, so tests can watch IN_PROGRESS. @default 0 */
  readonly documentDelayMs?: number;
}

export interface ListIngestionJobsRequest {
  readonly filters?: readonly { attribute: 'STATUS'; operator: 'EQ'; values: readonly string[] }[];
  readonly sortBy?: { attribute: 'STATUS' | 'STARTED_AT'; order: 'ASCENDING' | 'DESCENDING' };
  readonly maxResults?: number;
  readonly nextToken?: string;
}

interface Job {
  readonly knowledgeBaseId: string;
  readonly dataSourceId: string;
  readonly ingestionJobId: string;
  readonly description?: string;
  readonly clientToken?: string;
  status: IngestionJobStatus;
  statistics: SyncStatistics;
  failureReasons: string[];
  readonly startedAt: Date;
  updatedAt: Date;
  stopRequested: boolean;
  done: Promise<void>;
}

/** Jobs kept per data source for Get/List; the oldest finished ones are forgotten first. */
const MAX_JOBS_PER_DATA_SOURCE = 1000;
/** Bedrock reports failed documents in `failureReasons`; a long list is cut here. */
const MAX_FAILURE_REASONS = 50;
const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class IngestionJobs {
  readonly #knowledgeBases: ReadonlyMap<string, KnowledgeBase>;
  readonly #limits: Required<IngestionLimits>;
  readonly #pacing: Required<IngestionPacing>;
  /** Per `kbId/dsId`, oldest first. */
  readonly #jobs = new Map<string, Job[]>();
  /** Per `kbId/dsId/clientToken`. */
  readonly #byToken = new Map<string, Job>();
  readonly #running = new Set<Job>();
  readonly #createdAt = new Date();
  #closed = false;

  constructor(
    knowledgeBases: ReadonlyMap<string, KnowledgeBase>,
    options: { limits?: IngestionLimits; pacing?: IngestionPacing } = {},
  ) {
    this.#knowledgeBases = knowledgeBases;
    this.#limits = { perKnowledgeBase: 1, perAccount: 5, ...options.limits };
    this.#pacing = { startDelayMs: 0, documentDelayMs: 0, ...options.pacing };
  }

  /** When the data sources were "created" (the emulator's start), for GetDataSource. */
  get createdAt(): Date {
    return this.#createdAt;
  }

  /** The knowledge base and data source named, or a ResourceNotFoundException. */
  resolve(knowledgeBaseId: string, dataSourceId: string): { kb: KnowledgeBase; source: DataSourceConfig } {
    const kb = this.#knowledgeBases.get(knowledgeBaseId);
    if (kb === undefined) throw resourceNotFoundError(`Knowledge base ${knowledgeBaseId} does not exist.`);
    const source = kb.dataSources.find((s) => s.dataSourceId === dataSourceId);
    if (source === undefined) {
      throw resourceNotFoundError(
        `Data source ${dataSourceId} does not exist in knowledge base ${knowledgeBaseId}.`,
      );
    }
    return { kb, source };
  }

  /** StartIngestionJob. */
  start(
    knowledgeBaseId: string,
    dataSourceId: string,
    request: { clientToken?: string; description?: string } = {},
  ): IngestionJobShape {
    const { kb, source } = this.resolve(knowledgeBaseId, dataSourceId);
    const key = jobKey(knowledgeBaseId, dataSourceId);
    if (request.clientToken !== undefined) {
      const earlier = this.#byToken.get(`${key}/${request.clientToken}`);
      if (earlier !== undefined) return shape(earlier);
    }
    const running = [...this.#running];
    if (running.some((job) => job.knowledgeBaseId === knowledgeBaseId && job.dataSourceId === dataSourceId)) {
      throw new AwsServiceError(
        'ConflictException',
        `Data source ${dataSourceId} already has an ingestion job in progress. Wait for it to finish, then start another.`,
      );
    }
    if (
      running.filter((job) => job.knowledgeBaseId === knowledgeBaseId).length >= this.#limits.perKnowledgeBase
    ) {
      throw new AwsServiceError(
        'ConflictException',
        `Knowledge base ${knowledgeBaseId} already has an ingestion job in progress on another data source. Wait for it to finish, then start another.`,
      );
    }
    if (running.length >= this.#limits.perAccount) {
      throw new AwsServiceError(
        'ServiceQuotaExceededException',
        `The account already has ${running.length} ingestion jobs in progress, the most allowed at once.`,
        { status: 402 },
      );
    }
    const job = this.#launch(kb, source, {
      ...(request.clientToken === undefined ? {} : { clientToken: request.clientToken }),
      ...(request.description === undefined ? {} : { description: request.description }),
      pacing: this.#pacing,
    });
    return shape(job);
  }

  /** GetIngestionJob. */
  get(knowledgeBaseId: string, dataSourceId: string, ingestionJobId: string): IngestionJobShape {
    return shape(this.#find(knowledgeBaseId, dataSourceId, ingestionJobId));
  }

  /** StopIngestionJob: a running job stops after the document it is on. */
  stop(knowledgeBaseId: string, dataSourceId: string, ingestionJobId: string): IngestionJobShape {
    const job = this.#find(knowledgeBaseId, dataSourceId, ingestionJobId);
    if (job.status !== 'STARTING' && job.status !== 'IN_PROGRESS') {
      throw new AwsServiceError('ConflictException', `Ingestion job ${ingestionJobId} is ${job.status}.`);
    }
    job.stopRequested = true;
    update(job, { status: 'STOPPING' });
    return shape(job);
  }

  /** ListIngestionJobs: newest first unless `sortBy` says otherwise. */
  list(
    knowledgeBaseId: string,
    dataSourceId: string,
    request: ListIngestionJobsRequest,
  ): { ingestionJobSummaries: Omit<IngestionJobShape, 'failureReasons'>[]; nextToken?: string } {
    this.resolve(knowledgeBaseId, dataSourceId);
    let jobs = [...(this.#jobs.get(jobKey(knowledgeBaseId, dataSourceId)) ?? [])];
    for (const filter of request.filters ?? [])
      jobs = jobs.filter((job) => filter.values.includes(job.status));
    const sortBy = request.sortBy ?? { attribute: 'STARTED_AT', order: 'DESCENDING' };
    const direction = sortBy.order === 'ASCENDING' ? 1 : -1;
    jobs.sort((a, b) => {
      const byStatus = sortBy.attribute === 'STATUS' ? a.status.localeCompare(b.status) : 0;
      return direction * (byStatus || a.startedAt.getTime() - b.startedAt.getTime());
    });
    const offset = request.nextToken === undefined ? 0 : decodeToken(request.nextToken);
    const pageSize = request.maxResults ?? 100;
    const page = jobs.slice(offset, offset + pageSize);
    const next = offset + page.length;
    return {
      ingestionJobSummaries: page.map((job) => {
        const { failureReasons: _, ...summary } = shape(job);
        return summary;
      }),
      ...(next < jobs.length ? { nextToken: Buffer.from(`offset:${next}`).toString('base64url') } : {}),
    };
  }

  /**
   * The boot ingestion behind `emulator.ingest()`: one job per data source, one after another
   * (after any job already running on it), not paced, with progress over every document. Rejects
   * when a data source cannot be read.
   */
  async ingestAll(onProgress?: (progress: IngestProgress) => void): Promise<IngestResult> {
    const work: { kb: KnowledgeBase; source: DataSourceConfig; scan: DataSourceScan | Error }[] = [];
    for (const kb of this.#knowledgeBases.values()) {
      for (const source of kb.dataSources) {
        const scan = await scanDataSource(source).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        );
        work.push({ kb, source, scan });
      }
    }
    const total = work.reduce((sum, w) => sum + (w.scan instanceof Error ? 0 : w.scan.documents.length), 0);
    let done = 0;
    const failures: string[] = [];
    for (const { kb, source, scan } of work) {
      await this.#idleOn(kb.id, source.dataSourceId);
      const job = this.#launch(kb, source, {
        scan,
        description: 'Emulator start-up ingestion',
        onDocument: (file) => {
          done += 1;
          onProgress?.({ done, total, file });
        },
      });
      await job.done;
      if (job.status === 'FAILED') failures.push(...job.failureReasons);
    }
    if (failures.length > 0) throw new Error(`Ingestion failed: ${failures.join(' ')}`);
    return totals([...this.#knowledgeBases.values()]);
  }

  /** Stops every running job and waits (bounded) for them to end. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    for (const job of this.#running) job.stopRequested = true;
    await Promise.race([Promise.allSettled([...this.#running].map((job) => job.done)), sleep(timeoutMs)]);
  }

  #find(knowledgeBaseId: string, dataSourceId: string, ingestionJobId: string): Job {
    this.resolve(knowledgeBaseId, dataSourceId);
    const job = this.#jobs
      .get(jobKey(knowledgeBaseId, dataSourceId))
      ?.find((j) => j.ingestionJobId === ingestionJobId);
    if (job === undefined) {
      throw resourceNotFoundError(
        `Ingestion job ${ingestionJobId} does not exist for data source ${dataSourceId} in knowledge base ${knowledgeBaseId}.`,
      );
    }
    return job;
  }

  async #idleOn(knowledgeBaseId: string, dataSourceId: string): Promise<void> {
    for (;;) {
      const busy = [...this.#running].find(
        (job) => job.knowledgeBaseId === knowledgeBaseId && job.dataSourceId === dataSourceId,
      );
      if (busy === undefined) return;
      await busy.done;
    }
  }

  #launch(
    kb: KnowledgeBase,
    source: DataSourceConfig,
    options: {
      clientToken?: string;
      description?: string;
      pacing?: Required<IngestionPacing>;
      scan?: DataSourceScan | Error;
      onDocument?: (file: string) => void;
    },
  ): Job {
    const now = new Date();
    const key = jobKey(kb.id, source.dataSourceId);
    const job: Job = {
      knowledgeBaseId: kb.id,
      dataSourceId: source.dataSourceId,
      ingestionJobId: newJobId(),
      ...(options.description === undefined ? {} : { description: options.description }),
      ...(options.clientToken === undefined ? {} : { clientToken: options.clientToken }),
      status: 'STARTING',
      statistics: emptyStatistics(),
      failureReasons: [],
      startedAt: now,
      updatedAt: now,
      stopRequested: false,
      done: Promise.resolve(),
    };
    const jobs = this.#jobs.get(key) ?? [];
    jobs.push(job);
    this.#jobs.set(key, jobs);
    if (job.clientToken !== undefined) this.#byToken.set(`${key}/${job.clientToken}`, job);
    this.#forgetOldJobs(key, jobs);
    this.#running.add(job);
    job.done = this.#run(job, kb, source, options).finally(() => this.#running.delete(job));
    return job;
  }

  async #run(
    job: Job,
    kb: KnowledgeBase,
    source: DataSourceConfig,
    options: {
      pacing?: Required<IngestionPacing>;
      scan?: DataSourceScan | Error;
      onDocument?: (file: string) => void;
    },
  ): Promise<void> {
    const pacing = options.pacing;
    // Answer StartIngestionJob first: the work starts on a later turn of the event loop.
    await sleep(pacing?.startDelayMs ?? 0);
    if (job.stopRequested || this.#closed) return update(job, { status: 'STOPPED' });
    update(job, { status: 'IN_PROGRESS' });
    try {
      const scan = options.scan ?? (await scanDataSource(source));
      if (scan instanceof Error) throw scan;
      const outcome = await applyScan(kb, source, scan, {
        shouldStop: () => job.stopRequested,
        onDocument: async (file, statistics) => {
          update(job, { statistics: { ...job.statistics, ...statistics } });
          options.onDocument?.(file);
          if (pacing && pacing.documentDelayMs > 0) await sleep(pacing.documentDelayMs);
        },
      });
      update(job, {
        status: outcome.stopped ? 'STOPPED' : 'COMPLETE',
        statistics: { ...job.statistics, ...outcome.statistics },
        failureReasons: bounded(outcome.failures),
      });
    } catch (error) {
      const reason =
        error instanceof DataSourceUnavailableError
          ? error.message
          : `Ingestion failed: ${error instanceof Error ? error.message : String(error)}`;
      update(job, { status: 'FAILED', failureReasons: [reason] });
    }
  }

  #forgetOldJobs(key: string, jobs: Job[]): void {
    while (jobs.length > MAX_JOBS_PER_DATA_SOURCE) {
      const index = jobs.findIndex((job) => TERMINAL.has(job.status));
      if (index === -1) return;
      const [old] = jobs.splice(index, 1);
      if (old?.clientToken !== undefined) this.#byToken.delete(`${key}/${old.clientToken}`);
    }
  }
}

/** At most MAX_FAILURE_REASONS lines, the last saying how many more there were. */
function bounded(reasons: readonly string[]): string[] {
  if (reasons.length <= MAX_FAILURE_REASONS) return [...reasons];
  const kept = reasons.slice(0, MAX_FAILURE_REASONS - 1);
  return [...kept, `… and ${reasons.length - kept.length} more documents failed or were skipped.`];
}

function update(job: Job, changes: Partial<Pick<Job, 'status' | 'statistics' | 'failureReasons'>>): void {
  // A stop requested while the job works wins over IN_PROGRESS, not over how it ended.
  const status =
    changes.status === 'IN_PROGRESS' && job.stopRequested ? 'STOPPING' : (changes.status ?? job.status);
  Object.assign(job, changes, { status, updatedAt: new Date() });
}

function shape(job: Job): IngestionJobShape {
  return {
    knowledgeBaseId: job.knowledgeBaseId,
    dataSourceId: job.dataSourceId,
    ingestionJobId: job.ingestionJobId,
    ...(job.description === undefined ? {} : { description: job.description }),
    status: job.status,
    statistics: { ...job.statistics },
    ...(job.failureReasons.length > 0 ? { failureReasons: [...job.failureReasons] } : {}),
    startedAt: job.startedAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

function jobKey(knowledgeBaseId: string, dataSourceId: string): string {
  return `${knowledgeBaseId}/${dataSourceId}`;
}

/** Ten characters of `[0-9A-Z]`, like Bedrock's ids. */
function newJobId(): string {
  return Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

function decodeToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (match === null) throw validationError('The nextToken is not valid.');
  return Number(match[1]);
}
