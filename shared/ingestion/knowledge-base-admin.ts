import { LanternError } from '../errors.ts';
import type { DataSourceDescription, IngestionJob } from './types.ts';

export interface StartIngestionRequest {
  readonly dataSourceId: string;
  /**
   * Idempotency: the same token returns the job it started instead of starting another (33..256
   * characters, letters, digits and inner hyphens). Without one a fresh token is used.
   */
  readonly clientToken?: string;
  /** Shown with the job in the Bedrock console (1..200 characters). */
  readonly description?: string;
}

/**
 * The knowledge base's control plane as reload needs it: start and follow ingestion jobs, and
 * describe data sources. Implemented over bedrock-agent by `BedrockKnowledgeBaseAdmin`.
 */
export interface KnowledgeBaseAdmin {
  readonly knowledgeBaseId: string;
  /** Starts a job; throws `IngestionBusyError` while Bedrock refuses another (409/402). */
  startIngestionJob(request: StartIngestionRequest): Promise<IngestionJob>;
  /** Throws `IngestionJobNotFoundError` when Bedrock does not know the job. */
  getIngestionJob(dataSourceId: string, jobId: string): Promise<IngestionJob>;
  describeDataSource(dataSourceId: string): Promise<DataSourceDescription>;
}

/**
 * Bedrock will not start a job now: one is running on the data source or the knowledge base (409
 * ConflictException), or the account's concurrent jobs are used up (402 ServiceQuotaExceededException).
 * Retry later.
 */
export class IngestionBusyError extends LanternError {
  override readonly name = 'IngestionBusyError';
  constructor(
    readonly dataSourceId: string,
    readonly reason: 'conflict' | 'quota',
    options?: ErrorOptions,
  ) {
    super(
      409,
      'CONFLICT',
      reason === 'conflict'
        ? `An ingestion job is already running on data source ${dataSourceId} or its knowledge base; retry when it has finished.`
        : `Too many ingestion jobs are running in the account to start one on data source ${dataSourceId}; retry later.`,
      options,
    );
  }
}

export class IngestionJobNotFoundError extends LanternError {
  override readonly name = 'IngestionJobNotFoundError';
  constructor(jobId: string, options?: ErrorOptions) {
    super(404, 'NOT_FOUND', `Ingestion job ${jobId} was not found`, options);
  }
}
