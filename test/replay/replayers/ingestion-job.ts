import { expect } from 'vitest';
import { createAgentClient } from '../../../shared/aws/clients.ts';
import { BedrockKnowledgeBaseAdmin } from '../../../shared/ingestion/bedrock-knowledge-base-admin.ts';
import type { IngestionJob } from '../../../shared/ingestion/types.ts';
import { matchesOperation } from '../aws-model.ts';
import type { ReplayContext, Replayer } from '../context.ts';
import type { Recording } from '../recordings.ts';

type Json = Record<string, unknown>;

/**
 * A printed datetime as the wire carries it (ISO 8601 date-time): notebooks printed
 * `2025-12-19 04:44:44.730774+00:00` or, with the offset lost, a naive time taken here as UTC.
 */
function wireTimestamp(printed: unknown): unknown {
  if (typeof printed !== 'string') return printed;
  const iso = printed.trim().replace(' ', 'T');
  return /(?:Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`;
}

/** The recordings hold `response.ingestionJob`; the body wraps it again, with wire timestamps. */
function wireBody(job: Json): Json {
  return {
    ingestionJob: {
      ...job,
      startedAt: wireTimestamp(job.startedAt),
      updatedAt: wireTimestamp(job.updatedAt),
    },
  };
}

function expectJob(mapped: IngestionJob, job: Json): void {
  const statistics = (job.statistics as Record<string, number> | undefined) ?? {};
  expect(mapped).toMatchObject({
    jobId: job.ingestionJobId,
    knowledgeBaseId: job.knowledgeBaseId,
    dataSourceId: job.dataSourceId,
    status: job.status,
    statistics: {
      scanned: statistics.numberOfDocumentsScanned ?? 0,
      new: statistics.numberOfNewDocumentsIndexed ?? 0,
      modified: statistics.numberOfModifiedDocumentsIndexed ?? 0,
      deleted: statistics.numberOfDocumentsDeleted ?? 0,
      failed: statistics.numberOfDocumentsFailed ?? 0,
    },
  });
  // The wire carries microseconds; a JavaScript date keeps milliseconds.
  for (const key of ['startedAt', 'updatedAt'] as const) {
    const recorded = Date.parse(String(wireTimestamp(job[key])));
    expect(Math.abs(Date.parse(mapped[key]) - recorded)).toBeLessThan(1);
  }
  const reasons = job.failureReasons as string[] | undefined;
  expect(mapped.failureReasons).toEqual(reasons?.length ? reasons : undefined);
}

async function replay(
  recording: Recording,
  context: ReplayContext,
  operation: 'StartIngestionJob' | 'GetIngestionJob',
): Promise<readonly string[]> {
  const { wire, config } = context;
  const job = recording.payload;
  const admin = new BedrockKnowledgeBaseAdmin(createAgentClient(config), String(job.knowledgeBaseId));
  wire.replyJson(wireBody(job));
  const mapped =
    operation === 'StartIngestionJob'
      ? await admin.startIngestionJob({ dataSourceId: String(job.dataSourceId) })
      : await admin.getIngestionJob(String(job.dataSourceId), String(job.ingestionJobId));
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-agent', operation, request)).toBe(true);
  expect(request?.path).toContain(`/knowledgebases/${job.knowledgeBaseId}/datasources/${job.dataSourceId}/`);
  expectJob(mapped, job);
  return ['as recorded'];
}

/** `StartIngestionJob` through `BedrockKnowledgeBaseAdmin.startIngestionJob`. */
export const replayStartIngestionJob: Replayer = (recording, context) =>
  replay(recording, context, 'StartIngestionJob');

/** `GetIngestionJob` through `BedrockKnowledgeBaseAdmin.getIngestionJob`. */
export const replayGetIngestionJob: Replayer = (recording, context) =>
  replay(recording, context, 'GetIngestionJob');
