import {
  type BedrockAgentClient,
  type IngestionJob as BedrockIngestionJob,
  ConflictException,
  GetDataSourceCommand,
  GetIngestionJobCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { toServiceError } from '../aws/service-errors.ts';
import { UpstreamError } from '../errors.ts';
import {
  IngestionBusyError,
  IngestionJobNotFoundError,
  type KnowledgeBaseAdmin,
  type StartIngestionRequest,
} from './knowledge-base-admin.ts';
import type { DataSourceDescription, IngestionJob, IngestionJobStatus } from './types.ts';

const WHAT = 'The knowledge base control plane';

/**
 * `KnowledgeBaseAdmin` over bedrock-agent (`StartIngestionJob`, `GetIngestionJob`, `GetDataSource`).
 * Locally the same client talks to the Bedrock emulator; only its endpoint differs.
 */
export class BedrockKnowledgeBaseAdmin implements KnowledgeBaseAdmin {
  constructor(
    private readonly client: BedrockAgentClient,
    readonly knowledgeBaseId: string,
  ) {}

  async startIngestionJob(request: StartIngestionRequest): Promise<IngestionJob> {
    try {
      const { ingestionJob } = await this.client.send(
        new StartIngestionJobCommand({
          knowledgeBaseId: this.knowledgeBaseId,
          dataSourceId: request.dataSourceId,
          ...(request.clientToken ? { clientToken: request.clientToken } : {}),
          ...(request.description ? { description: request.description.slice(0, 200) } : {}),
        }),
      );
      return toIngestionJob(ingestionJob);
    } catch (error) {
      if (error instanceof ConflictException)
        throw new IngestionBusyError(request.dataSourceId, 'conflict', { cause: error });
      if (error instanceof ServiceQuotaExceededException)
        throw new IngestionBusyError(request.dataSourceId, 'quota', { cause: error });
      throw this.translate(error, `data source ${request.dataSourceId}`);
    }
  }

  async getIngestionJob(dataSourceId: string, jobId: string): Promise<IngestionJob> {
    try {
      const { ingestionJob } = await this.client.send(
        new GetIngestionJobCommand({
          knowledgeBaseId: this.knowledgeBaseId,
          dataSourceId,
          ingestionJobId: jobId,
        }),
      );
      return toIngestionJob(ingestionJob);
    } catch (error) {
      if (error instanceof ResourceNotFoundException)
        throw new IngestionJobNotFoundError(jobId, { cause: error });
      throw toServiceError(error, WHAT);
    }
  }

  async describeDataSource(dataSourceId: string): Promise<DataSourceDescription> {
    try {
      const { dataSource } = await this.client.send(
        new GetDataSourceCommand({ knowledgeBaseId: this.knowledgeBaseId, dataSourceId }),
      );
      const configuration = dataSource?.dataSourceConfiguration;
      const s3 = configuration?.s3Configuration;
      return {
        dataSourceId,
        type: configuration?.type ?? 'UNKNOWN',
        ...(s3?.bucketArn ? { bucketName: s3.bucketArn.replace(/^arn:[^:]+:s3:::/, '') } : {}),
        ...(s3?.inclusionPrefixes?.length ? { inclusionPrefixes: s3.inclusionPrefixes } : {}),
      };
    } catch (error) {
      throw this.translate(error, `data source ${dataSourceId}`);
    }
  }

  /** A missing knowledge base or data source is Lantern's misconfiguration, not the caller's: 502. */
  private translate(error: unknown, what: string): Error {
    if (error instanceof ResourceNotFoundException) {
      return new UpstreamError(`Bedrock does not know ${what} of knowledge base ${this.knowledgeBaseId}.`, {
        cause: error,
      });
    }
    return toServiceError(error, WHAT);
  }
}

function toIngestionJob(job: BedrockIngestionJob | undefined): IngestionJob {
  if (!job?.ingestionJobId || !job.dataSourceId || !job.status) {
    throw new UpstreamError(`${WHAT} returned an ingestion job without its id, data source or status.`);
  }
  const s = job.statistics ?? {};
  const startedAt = isoString(job.startedAt);
  return {
    jobId: job.ingestionJobId,
    knowledgeBaseId: job.knowledgeBaseId ?? '',
    dataSourceId: job.dataSourceId,
    status: job.status as IngestionJobStatus,
    statistics: {
      scanned: s.numberOfDocumentsScanned ?? 0,
      new: s.numberOfNewDocumentsIndexed ?? 0,
      modified: s.numberOfModifiedDocumentsIndexed ?? 0,
      deleted: s.numberOfDocumentsDeleted ?? 0,
      failed: s.numberOfDocumentsFailed ?? 0,
    },
    startedAt,
    updatedAt: job.updatedAt ? isoString(job.updatedAt) : startedAt,
    ...(job.failureReasons?.length ? { failureReasons: job.failureReasons } : {}),
    ...(job.description ? { description: job.description } : {}),
  };
}

function isoString(value: Date | undefined): string {
  return (value ?? new Date()).toISOString();
}
