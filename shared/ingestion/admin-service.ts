import { ConflictError, LanternError, ValidationError } from '../errors.ts';
import { logger } from '../observability.ts';
import type { IngestionJobStore, JobPage } from './job-store.ts';
import type { IngestionJobTracker } from './job-tracker.ts';
import {
  IngestionBusyError,
  IngestionJobNotFoundError,
  type KnowledgeBaseAdmin,
} from './knowledge-base-admin.ts';
import { isTerminal, type RecordedIngestionJob } from './types.ts';

/** A data source the sync could not start a job on, and why. */
export interface NotStarted {
  readonly dataSourceId: string;
  readonly code: 'CONFLICT';
  readonly message: string;
}

export interface SyncResult {
  readonly jobs: readonly RecordedIngestionJob[];
  readonly notStarted: readonly NotStarted[];
}

/**
 * The admin API's domain: start ingestion jobs on request and report the jobs Lantern recorded.
 * Jobs not yet finished are refreshed from Bedrock when read (and recorded, so a failure seen here
 * raises its metric too).
 */
export class KnowledgeBaseAdminService {
  constructor(
    private readonly admin: KnowledgeBaseAdmin,
    private readonly store: Pick<IngestionJobStore, 'get' | 'list'>,
    private readonly tracker: Pick<IngestionJobTracker, 'started' | 'observed'>,
    private readonly dataSourceIds: readonly string[],
  ) {}

  /**
   * Starts one job per data source (all configured ones, or those named), one after another.
   * Bedrock allows one job per knowledge base at a time, so with several data sources the later
   * ones may be refused: they are reported in `notStarted`. Refused everywhere: 409.
   */
  async sync(request: { dataSourceIds?: readonly string[]; requestedBy: string }): Promise<SyncResult> {
    if (this.dataSourceIds.length === 0) {
      throw new LanternError(
        500,
        'INTERNAL_ERROR',
        'No data sources are configured (KNOWLEDGE_BASE_DATA_SOURCE_IDS).',
      );
    }
    const ids = request.dataSourceIds ?? this.dataSourceIds;
    const unknown = ids.filter((id) => !this.dataSourceIds.includes(id));
    if (unknown.length > 0) {
      throw new ValidationError(
        `dataSourceIds: unknown data source ${unknown.join(', ')} (this knowledge base has ${this.dataSourceIds.join(', ')})`,
      );
    }
    const jobs: RecordedIngestionJob[] = [];
    const notStarted: NotStarted[] = [];
    for (const dataSourceId of ids) {
      try {
        const job = await this.admin.startIngestionJob({
          dataSourceId,
          description: `Lantern admin sync requested by ${request.requestedBy}`,
        });
        await this.tracker.started(job, { trigger: 'api', requestedBy: request.requestedBy });
        jobs.push({ ...job, trigger: 'api', requestedBy: request.requestedBy });
      } catch (error) {
        if (!(error instanceof IngestionBusyError)) throw error;
        notStarted.push({ dataSourceId, code: 'CONFLICT', message: error.message });
      }
    }
    if (jobs.length === 0) {
      throw new ConflictError(
        ids.length === 1
          ? (notStarted[0]?.message ?? 'An ingestion job is already running.')
          : 'An ingestion job is already running on every requested data source or their knowledge base; retry when it has finished.',
      );
    }
    return { jobs, notStarted };
  }

  /** Recorded jobs, newest first, those still running refreshed. */
  async listJobs(options: { limit: number; cursor?: string }): Promise<JobPage> {
    const page = await this.store.list(options);
    return { ...page, jobs: await Promise.all(page.jobs.map((job) => this.refresh(job))) };
  }

  /** One recorded job, refreshed when still running; `NOT_FOUND` when Lantern never recorded it. */
  async getJob(jobId: string): Promise<RecordedIngestionJob> {
    const job = await this.store.get(jobId);
    if (!job) throw new IngestionJobNotFoundError(jobId);
    return this.refresh(job);
  }

  /** Best effort: when Bedrock cannot be asked, the recorded state is still an answer. */
  private async refresh(job: RecordedIngestionJob): Promise<RecordedIngestionJob> {
    if (isTerminal(job.status)) return job;
    try {
      const fresh = await this.admin.getIngestionJob(job.dataSourceId, job.jobId);
      await this.tracker.observed(fresh);
      return {
        ...fresh,
        trigger: job.trigger,
        ...(job.requestedBy ? { requestedBy: job.requestedBy } : {}),
      };
    } catch (error) {
      logger.warn('Could not refresh an ingestion job; answering with its recorded state', {
        jobId: job.jobId,
        error: error instanceof Error ? error.name : String(error),
      });
      return job;
    }
  }
}
