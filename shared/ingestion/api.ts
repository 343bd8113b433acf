import { ingestionSettings } from '../../config/ingestion.ts';
import * as z from '../validation.ts';
import type { NotStarted } from './admin-service.ts';
import type { RecordedIngestionJob } from './types.ts';

const dataSourceId = z
  .string()
  .check(z.regex(/^[0-9a-zA-Z]{10}$/, 'must be a data source id (10 letters or digits)'));

/** `POST /v1/admin/knowledge-base/sync`: every data source, or those named. */
export const syncRequestSchema = z.strictObject({
  dataSourceIds: z.optional(
    z.array(dataSourceId).check(
      z.minLength(1),
      z.maxLength(10),
      z.refine((ids) => new Set(ids).size === ids.length, 'must not repeat a data source'),
    ),
  ),
});

/** `GET /v1/admin/knowledge-base/jobs?limit=&nextToken=`. */
export const listJobsQuerySchema = z.object({
  limit: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(ingestionSettings.listMaxPageSize)),
    ingestionSettings.listPageSize,
  ),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
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
