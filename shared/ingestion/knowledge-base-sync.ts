import { logger } from '../observability.ts';
import type { S3Change, ScheduledSync } from './events.ts';
import type { IngestionJobStore } from './job-store.ts';
import type { IngestionJobTracker } from './job-tracker.ts';
import type { KnowledgeBaseAdmin } from './knowledge-base-admin.ts';
import { clientTokenFor, followJob, type SyncRuntime, type SyncTiming, startWithBackoff } from './sync.ts';
import { type DataSourceDescription, type IngestionJob, isTerminal } from './types.ts';

export interface KnowledgeBaseSyncOptions {
  /** The knowledge base's data sources (`KNOWLEDGE_BASE_DATA_SOURCE_IDS`). */
  readonly dataSourceIds: readonly string[];
  readonly timing: SyncTiming;
  /** How long data source descriptions are cached in the container. @default 5 minutes */
  readonly describeTtlMs?: number;
  /** How many recorded unfinished jobs one invocation re-checks. @default 10 */
  readonly reconcileLimit?: number;
}

/** What became of one data source's sync. */
export interface DataSourceSync {
  readonly dataSourceId: string;
  /** The job, in its last known state; absent when Bedrock stayed busy. */
  readonly job?: IngestionJob;
  /** The trigger should be retried: Bedrock stayed busy, or the job was still running at the deadline. */
  readonly retry: boolean;
  /** S3 changes: the SQS messages that asked for this sync (what to hand back when `retry`). */
  readonly messageIds?: readonly string[];
}

/**
 * The kb-sync function's domain: S3 changes become one ingestion job per data source they touch,
 * a schedule syncs the crawled data sources (Confluence), each job is started with a client token
 * derived from its trigger, after backing off while Bedrock is busy, then followed with
 * GetIngestionJob and recorded (with its metrics) until it finishes or the invocation's time runs out.
 */
export class KnowledgeBaseSync {
  private described?: { readonly at: number; readonly sources: readonly DataSourceDescription[] };

  constructor(
    private readonly admin: KnowledgeBaseAdmin,
    private readonly store: Pick<IngestionJobStore, 'listUnfinished'>,
    private readonly tracker: Pick<IngestionJobTracker, 'started' | 'observed'>,
    private readonly options: KnowledgeBaseSyncOptions,
  ) {}

  /** Syncs the S3 data sources the changes belong to; returns one outcome per data source. */
  async syncChanges(changes: readonly S3Change[], runtime: SyncRuntime): Promise<DataSourceSync[]> {
    const sources = (await this.dataSources()).filter((source) => source.type === 'S3');
    const groups = new Map<string, S3Change[]>();
    for (const change of changes) {
      const owners = sources.filter((source) => covers(source, change));
      if (owners.length === 0) {
        logger.info('S3 change outside every data source; ignored', { bucket: change.bucket });
      }
      for (const owner of owners)
        groups.set(owner.dataSourceId, [...(groups.get(owner.dataSourceId) ?? []), change]);
    }
    const outcomes: DataSourceSync[] = [];
    for (const [dataSourceId, group] of groups) {
      const buckets = [...new Set(group.map((change) => change.bucket))].join(', ');
      const messageIds = [...new Set(group.map((change) => change.messageId))];
      const outcome = await this.sync(
        dataSourceId,
        {
          clientToken: clientTokenFor('s3', dataSourceId, messageIds),
          description: `Lantern kb-sync: ${group.length} S3 change${group.length === 1 ? '' : 's'} in ${buckets}`,
        },
        's3-event',
        runtime,
      );
      outcomes.push({ ...outcome, messageIds });
    }
    return outcomes;
  }

  /** A scheduled sync: the data sources the event names, else every one that is not S3. */
  async syncScheduled(event: ScheduledSync, runtime: SyncRuntime): Promise<DataSourceSync[]> {
    const ids =
      event.dataSourceIds ??
      (await this.dataSources())
        .filter((source) => source.type !== 'S3')
        .map((source) => source.dataSourceId);
    const outcomes: DataSourceSync[] = [];
    for (const dataSourceId of ids) {
      if (!this.options.dataSourceIds.includes(dataSourceId)) {
        logger.warn('Scheduled sync names a data source that is not configured; skipped', { dataSourceId });
        continue;
      }
      outcomes.push(
        await this.sync(
          dataSourceId,
          {
            clientToken: clientTokenFor('schedule', dataSourceId, [event.eventId]),
            description: 'Lantern kb-sync: scheduled sync',
          },
          'schedule',
          runtime,
        ),
      );
    }
    return outcomes;
  }

  /**
   * Re-checks recorded jobs nobody saw finish (their function ran out of time, or nobody asked
   * since), so a job that failed late still raises its metric.
   */
  async reconcile(runtime: SyncRuntime): Promise<void> {
    for (const job of await this.store.listUnfinished(this.options.reconcileLimit ?? 10)) {
      if (runtime.remainingMs() < this.options.timing.followMarginMs * 2) return;
      try {
        await this.tracker.observed(await this.admin.getIngestionJob(job.dataSourceId, job.jobId));
      } catch (error) {
        logger.warn('Could not re-check a recorded ingestion job', {
          jobId: job.jobId,
          error: error instanceof Error ? error.name : String(error),
        });
      }
    }
  }

  private async sync(
    dataSourceId: string,
    request: { clientToken: string; description: string },
    trigger: 's3-event' | 'schedule',
    runtime: SyncRuntime,
  ): Promise<DataSourceSync> {
    const started = await startWithBackoff(
      this.admin,
      { dataSourceId, ...request },
      this.options.timing,
      runtime,
    );
    if (!started) return { dataSourceId, retry: true };
    await this.tracker.started(started, { trigger });
    const job = await followJob(this.admin, this.tracker, started, this.options.timing, runtime);
    if (!isTerminal(job.status)) {
      logger.info('Ingestion job still running at the deadline; its trigger will be retried to follow it', {
        jobId: job.jobId,
        dataSourceId,
        status: job.status,
      });
    }
    return { dataSourceId, job, retry: !isTerminal(job.status) };
  }

  /** The configured data sources, described by Bedrock (cached: they rarely change). */
  async dataSources(): Promise<readonly DataSourceDescription[]> {
    const ttl = this.options.describeTtlMs ?? 300_000;
    if (this.described && Date.now() - this.described.at < ttl) return this.described.sources;
    if (this.options.dataSourceIds.length === 0) {
      throw new Error('No data sources are configured: set KNOWLEDGE_BASE_DATA_SOURCE_IDS.');
    }
    const sources = await Promise.all(
      this.options.dataSourceIds.map((id) => this.admin.describeDataSource(id)),
    );
    this.described = { at: Date.now(), sources };
    return sources;
  }
}

/** An S3 data source covers a change in its bucket, under one of its inclusion prefixes if it has any. */
function covers(source: DataSourceDescription, change: S3Change): boolean {
  if (source.bucketName !== change.bucket) return false;
  return (
    !source.inclusionPrefixes?.length ||
    source.inclusionPrefixes.some((prefix) => change.key.startsWith(prefix))
  );
}
