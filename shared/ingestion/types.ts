/** Knowledge-base reload: ingestion jobs as Lantern records and reports them. */

/** Bedrock's ingestion job statuses. */
export type IngestionJobStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED' | 'STOPPING' | 'STOPPED';

const TERMINAL_STATUSES: ReadonlySet<IngestionJobStatus> = new Set(['COMPLETE', 'FAILED', 'STOPPED']);

/** A job in one of these states will not change any more. */
export function isTerminal(status: IngestionJobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Document counts of a job (Bedrock's `IngestionJobStatistics`, named for the API). */
export interface IngestionStatistics {
  readonly scanned: number;
  readonly new: number;
  readonly modified: number;
  readonly deleted: number;
  readonly failed: number;
}

/** One ingestion job of one data source. Timestamps are ISO 8601 strings. */
export interface IngestionJob {
  readonly jobId: string;
  readonly knowledgeBaseId: string;
  readonly dataSourceId: string;
  readonly status: IngestionJobStatus;
  readonly statistics: IngestionStatistics;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly failureReasons?: readonly string[];
  readonly description?: string;
}

/** What started a job Lantern recorded. */
export type IngestionTrigger = 'api' | 's3-event' | 'schedule';

/** A job as Lantern keeps it: Bedrock's view plus what asked for it. */
export interface RecordedIngestionJob extends IngestionJob {
  readonly trigger: IngestionTrigger;
  /** The IAM ARN of the operator who asked (admin API only). */
  readonly requestedBy?: string;
}

/** How a data source gets its documents, as far as reload is concerned. */
export interface DataSourceDescription {
  readonly dataSourceId: string;
  /** Bedrock's data source type: `S3`, `CONFLUENCE`, `WEB`, `SHAREPOINT`, ... */
  readonly type: string;
  /** S3 only: the bucket, and the key prefixes it is limited to (none: the whole bucket). */
  readonly bucketName?: string;
  readonly inclusionPrefixes?: readonly string[];
}
