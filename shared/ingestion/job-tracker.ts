import { countMetric, type LanternMetric, logger } from '../observability.ts';
import type { IngestionJobStore } from './job-store.ts';
import type { IngestionJob, IngestionTrigger } from './types.ts';

export type CountMetric = (name: LanternMetric) => void;

/**
 * Records what Lantern learns about ingestion jobs and turns it into metrics, once per job:
 * `IngestionJobStarted` when a job is first recorded, `IngestionJobCompleted` or `IngestionJobFailed`
 * (the alarm's metric) when the store sees it finish. kb-sync and kb-admin both report here.
 */
export class IngestionJobTracker {
  constructor(
    private readonly store: Pick<IngestionJobStore, 'record'>,
    private readonly count: CountMetric = (name) => countMetric(name),
  ) {}

  /** A job StartIngestionJob returned (new, or the one a repeated client token names). */
  async started(
    job: IngestionJob,
    origin: { readonly trigger: IngestionTrigger; readonly requestedBy?: string },
  ): Promise<void> {
    const outcome = await this.store.record(job, origin);
    if (outcome.created) {
      this.count('IngestionJobStarted');
      logger.info('Ingestion job started', { ...describe(job), trigger: origin.trigger });
    }
    if (outcome.becameTerminal) this.finished(job);
  }

  /** A later view of a recorded job (GetIngestionJob). */
  async observed(job: IngestionJob): Promise<void> {
    const outcome = await this.store.record(job);
    if (outcome.becameTerminal) this.finished(job);
  }

  private finished(job: IngestionJob): void {
    if (job.status === 'COMPLETE') {
      this.count('IngestionJobCompleted');
      logger.info('Ingestion job complete', { ...describe(job), statistics: job.statistics });
    } else if (job.status === 'FAILED') {
      this.count('IngestionJobFailed');
      logger.error('Ingestion job failed', {
        ...describe(job),
        statistics: job.statistics,
        failureReasons: job.failureReasons ?? [],
      });
    } else {
      logger.warn('Ingestion job stopped', describe(job));
    }
  }
}

function describe(job: IngestionJob) {
  return { jobId: job.jobId, dataSourceId: job.dataSourceId, status: job.status };
}
