import { z } from 'zod';
import { ingestionSettings } from '../../config/ingestion.ts';
import type { NotStarted } from './admin-service.ts';
import type { RecordedIngestionJob } from './types.ts';

const dataSourceId = z.string().regex(/^[0-9a-zA-Z]{10}$/, 'must be a data source id (10 letters or digits)');

/** `POST /v1/admin/knowledge-base/sync`: every data source, or those named. */
export const syncRequestSchema = z.strictObject({
  dataSourceIds: z
    .array(dataSourceId)
    .min(1)
    .max(10)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a data source')
    .optional(),
});

/** `GET /v1/admin/knowledge-base/jobs?limit=&nextToken=`. */
export const listJobsQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(ingestionSettings.listMaxPageSize)
    .default(ingestionSettings.listPageSize),
  nextToken: z.string().min(1).max(1024).optional(),
});

/** Ingestion job ids are Bedrock's: ten letters or digits. */
export const JOB_ID_PATTERN = /^[0-9a-zA-Z]{10}$/;

/** A job in the admin API's responses. */
export interface JobView {
  readonly jobId: string;
  readonly dataSourceId: string;
  readonly status: RecordedIngestionJob['status'];
  readonly statistics: RecordedIngestionJob['statistics'];
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly failureReasons?: readonly string[];
  readonly trigger: RecordedIngestionJob['trigger'];
}

export function toJobView(job: RecordedIngestionJob): JobView {
  return {
    jobId: job.jobId,
    dataSourceId: job.dataSourceId,
    status: job.status,
    statistics: job.statistics,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    ...(job.failureReasons?.length ? { failureReasons: job.failureReasons } : {}),
    trigger: job.trigger,
  };
}

export interface SyncResponse {
  readonly jobs: readonly JobView[];
  readonly notStarted?: readonly NotStarted[];
}
