import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  makeKbSyncHandler as makeHandler,
  ScheduledSyncBusyError,
} from '../../functions/kb-sync/kb-sync-handler.ts';
import type { RecordOutcome } from '../../shared/ingestion/job-store.ts';
import { IngestionJobTracker } from '../../shared/ingestion/job-tracker.ts';
import {
  IngestionBusyError,
  type KnowledgeBaseAdmin,
  type StartIngestionRequest,
} from '../../shared/ingestion/knowledge-base-admin.ts';
import { KnowledgeBaseSync } from '../../shared/ingestion/knowledge-base-sync.ts';
import { backoffDelay, clientTokenFor, type SyncTiming } from '../../shared/ingestion/sync.ts';
import {
  type DataSourceDescription,
  type IngestionJob,
  type IngestionJobStatus,
  isTerminal,
  type RecordedIngestionJob,
} from '../../shared/ingestion/types.ts';
import type { LanternMetric } from '../../shared/observability.ts';

const events = join(import.meta.dirname, '..', '..', 'events', 'knowledge-base');
const sqsEvent = (): SQSEvent => JSON.parse(readFileSync(join(events, 'sqs-s3-changes.json'), 'utf8'));
const scheduled = (): ScheduledEvent =>
  JSON.parse(readFileSync(join(events, 'scheduled-confluence-sync.json'), 'utf8'));

const BUCKET = 'lantern-documents-123456789012';
const DOCS = 'DSDOCS0001';
const WIKI = 'DSCONF0001';
const timing: SyncTiming = {
  startAttempts: 4,
  startBackoffBaseMs: 1_000,
  startBackoffMaxMs: 3_000,
  pollIntervalMs: 500,
  followMarginMs: 2_000,
};

/** A Bedrock stand-in: answers 409/402 a number of times, then starts jobs that walk through `statuses`. */
class FakeAdmin implements KnowledgeBaseAdmin {
  readonly knowledgeBaseId = 'KBTEST0001';
  readonly starts: StartIngestionRequest[] = [];
  readonly polls: string[] = [];
  busy: ('conflict' | 'quota')[] = [];
  statuses: IngestionJobStatus[] = ['IN_PROGRESS', 'COMPLETE'];
  private readonly jobs = new Map<string, { job: IngestionJob; step: number }>();
  private readonly byToken = new Map<string, string>();
  private clock = Date.parse('2026-11-22T10:00:00Z');

  constructor(
    private readonly sources: DataSourceDescription[] = [
      { dataSourceId: DOCS, type: 'S3', bucketName: BUCKET },
      { dataSourceId: WIKI, type: 'CONFLUENCE' },
    ],
  ) {}

  async startIngestionJob(request: StartIngestionRequest): Promise<IngestionJob> {
    this.starts.push(request);
    const reason = this.busy.shift();
    if (reason) throw new IngestionBusyError(request.dataSourceId, reason);
    const earlier = request.clientToken ? this.byToken.get(request.clientToken) : undefined;
    if (earlier) return this.view(earlier);
    const jobId = `JOB${String(this.jobs.size + 1).padStart(7, '0')}`;
    const at = this.tick();
    this.jobs.set(jobId, {
      job: {
        jobId,
        knowledgeBaseId: this.knowledgeBaseId,
        dataSourceId: request.dataSourceId,
        status: 'STARTING',
        statistics: { scanned: 0, new: 0, modified: 0, deleted: 0, failed: 0 },
        startedAt: at,
        updatedAt: at,
      },
      step: 0,
    });
    if (request.clientToken) this.byToken.set(request.clientToken, jobId);
    return this.view(jobId);
  }

  async getIngestionJob(_dataSourceId: string, jobId: string): Promise<IngestionJob> {
    this.polls.push(jobId);
    const entry = this.jobs.get(jobId);
    if (!entry) throw new Error('unknown job');
    const status = this.statuses[Math.min(entry.step, this.statuses.length - 1)] ?? 'COMPLETE';
    entry.step += 1;
    entry.job = {
      ...entry.job,
      status,
      updatedAt: this.tick(),
      statistics: { scanned: 26, new: 1, modified: 1, deleted: 1, failed: status === 'FAILED' ? 1 : 0 },
      ...(status === 'FAILED' ? { failureReasons: ['The bucket does not exist.'] } : {}),
    };
    return this.view(jobId);
  }

  async describeDataSource(dataSourceId: string): Promise<DataSourceDescription> {
    const source = this.sources.find((s) => s.dataSourceId === dataSourceId);
    if (!source) throw new Error(`unknown data source ${dataSourceId}`);
    return source;
  }

  /** A second later than the last timestamp handed out. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private view(jobId: string): IngestionJob {
    const entry = this.jobs.get(jobId);
    if (!entry) throw new Error('unknown job');
    return entry.job;
  }
}

/** The store's contract, in memory: status never moves back, terminal is reported once. */
class MemoryJobStore {
  readonly jobs = new Map<string, RecordedIngestionJob>();
  async record(
    job: IngestionJob,
    origin?: { trigger: RecordedIngestionJob['trigger'] },
  ): Promise<RecordOutcome> {
    const known = this.jobs.get(job.jobId);
    if (!known) {
      if (!origin) return { created: false, becameTerminal: false };
      this.jobs.set(job.jobId, { ...job, trigger: origin.trigger });
      return { created: true, becameTerminal: isTerminal(job.status) };
    }
    if (isTerminal(known.status) || known.updatedAt > job.updatedAt)
      return { created: false, becameTerminal: false };
    this.jobs.set(job.jobId, { ...known, ...job });
    return { created: false, becameTerminal: isTerminal(job.status) };
  }
  async listUnfinished(): Promise<RecordedIngestionJob[]> {
    return [...this.jobs.values()].filter((job) => !isTerminal(job.status));
  }
}

function setup(options: { remainingMs?: number; admin?: FakeAdmin } = {}) {
  const admin = options.admin ?? new FakeAdmin();
  const store = new MemoryJobStore();
  const metrics: LanternMetric[] = [];
  const tracker = new IngestionJobTracker(store, (name) => metrics.push(name));
  const sync = new KnowledgeBaseSync(admin, store, tracker, { dataSourceIds: [DOCS, WIKI], timing });
  const sleeps: number[] = [];
  let remaining = options.remainingMs ?? 300_000;
  const runtime = {
    remainingMs: () => remaining,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      remaining -= ms;
    },
    random: () => 0.5,
  };
  const handler = makeHandler(sync, runtime);
  const context = { getRemainingTimeInMillis: () => remaining, awsRequestId: 'test' } as unknown as Context;
  return { admin, store, metrics, sleeps, handler, context, sync };
}

describe('kb-sync: S3 changes through SQS', () => {
  it('starts one job for the batch with a client token derived from its messages, follows it and records it', async () => {
    const { admin, store, metrics, handler, context, sleeps } = setup();
    const result = await handler(sqsEvent(), context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(admin.starts).toHaveLength(1);
    const messageIds = sqsEvent().Records.map((r) => r.messageId);
    expect(admin.starts[0]).toMatchObject({
      dataSourceId: DOCS,
      clientToken: clientTokenFor('s3', DOCS, messageIds),
      description: `Lantern kb-sync: 2 S3 changes in ${BUCKET}`,
    });
    expect(admin.starts[0]?.clientToken).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){32,255}$/);
    expect(sleeps).toEqual([timing.pollIntervalMs, timing.pollIntervalMs]);
    const [recorded] = store.jobs.values();
    expect(recorded).toMatchObject({ dataSourceId: DOCS, status: 'COMPLETE', trigger: 's3-event' });
    expect(metrics).toEqual(['IngestionJobStarted', 'IngestionJobCompleted']);
  });

  it('derives the same token for a redelivered batch, whatever the order, and another for another batch', () => {
    expect(clientTokenFor('s3', DOCS, ['a', 'b'])).toBe(clientTokenFor('s3', DOCS, ['b', 'a']));
    expect(clientTokenFor('s3', DOCS, ['a', 'b'])).not.toBe(clientTokenFor('s3', DOCS, ['a', 'c']));
    expect(clientTokenFor('s3', DOCS, ['a'])).not.toBe(clientTokenFor('s3', WIKI, ['a']));
  });

  it('backs off exponentially on 409 and 402, then starts the job', async () => {
    const { admin, sleeps, handler, context, metrics } = setup();
    admin.busy = ['conflict', 'quota', 'conflict'];
    expect(await handler(sqsEvent(), context)).toEqual({ batchItemFailures: [] });
    expect(admin.starts).toHaveLength(4);
    // Equal jitter at random() = 0.5: three quarters of 1 s, 2 s, then the 3 s cap.
    expect(sleeps.slice(0, 3)).toEqual([750, 1500, 2250]);
    expect(new Set(admin.starts.map((s) => s.clientToken)).size).toBe(1);
    expect(metrics).toEqual(['IngestionJobStarted', 'IngestionJobCompleted']);
  });

  it('gives up after the last attempt and hands the whole batch back to the queue', async () => {
    const { admin, sleeps, handler, context, store, metrics } = setup();
    admin.busy = ['conflict', 'conflict', 'conflict', 'conflict', 'conflict'];
    const result = await handler(sqsEvent(), context);
    expect(admin.starts).toHaveLength(timing.startAttempts);
    expect(sleeps).toHaveLength(timing.startAttempts - 1);
    expect(result?.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      sqsEvent()
        .Records.map((r) => r.messageId)
        .sort(),
    );
    expect(store.jobs.size).toBe(0);
    expect(metrics).toEqual([]);
  });

  it('does not wait past the deadline: a busy Bedrock with little time left means retry later', async () => {
    const { admin, sleeps, handler, context } = setup({ remainingMs: 2_500 });
    admin.busy = ['conflict'];
    const result = await handler(sqsEvent(), context);
    expect(admin.starts).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(result?.batchItemFailures).toHaveLength(2);
  });

  it('hands the batch back when its job is still running at the deadline, and finds the same job on redelivery', async () => {
    const admin = new FakeAdmin();
    admin.statuses = ['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'COMPLETE'];
    const first = setup({ admin, remainingMs: 3_600 });
    const result = await first.handler(sqsEvent(), first.context);
    expect(result?.batchItemFailures).toHaveLength(2);
    expect([...first.store.jobs.values()][0]?.status).toBe('IN_PROGRESS');

    const again = setup({ admin });
    // The redelivery gets a fresh container (no recorded jobs), the same client token, the same job.
    expect(await again.handler(sqsEvent(), again.context)).toEqual({ batchItemFailures: [] });
    expect(admin.starts.map((s) => s.clientToken)).toEqual([
      admin.starts[0]?.clientToken,
      admin.starts[0]?.clientToken,
    ]);
    expect(new Set(admin.polls)).toEqual(new Set(['JOB0000001']));
    expect([...again.store.jobs.values()][0]?.status).toBe('COMPLETE');
  });

  it('counts a FAILED job once, as IngestionJobFailed (the alarm metric)', async () => {
    const { admin, handler, context, metrics, store } = setup();
    admin.statuses = ['IN_PROGRESS', 'FAILED'];
    expect(await handler(sqsEvent(), context)).toEqual({ batchItemFailures: [] });
    expect(metrics).toEqual(['IngestionJobStarted', 'IngestionJobFailed']);
    expect([...store.jobs.values()][0]).toMatchObject({
      status: 'FAILED',
      failureReasons: ['The bucket does not exist.'],
    });
    // Seeing it again (reconcile, the admin API) does not count it again.
    const job = [...store.jobs.values()][0] as IngestionJob;
    await new IngestionJobTracker(store, (name) => metrics.push(name)).observed({
      ...job,
      updatedAt: new Date().toISOString(),
    });
    expect(metrics).toEqual(['IngestionJobStarted', 'IngestionJobFailed']);
  });

  it('ignores changes outside the data sources and drops messages that are not S3 events', async () => {
    const { admin, handler, context } = setup();
    const event = sqsEvent();
    const [created, deleted] = event.Records;
    if (!created || !deleted) throw new Error('sample event changed');
    created.body = created.body.replaceAll(BUCKET, 'some-other-bucket');
    deleted.body = '{"hello":"world"}';
    expect(await handler(event, context)).toEqual({ batchItemFailures: [] });
    expect(admin.starts).toEqual([]);
  });

  it('honours the inclusion prefixes of an S3 data source', async () => {
    const admin = new FakeAdmin([
      { dataSourceId: DOCS, type: 'S3', bucketName: BUCKET, inclusionPrefixes: ['billing/'] },
      { dataSourceId: WIKI, type: 'CONFLUENCE' },
    ]);
    const { handler, context } = setup({ admin });
    await handler(sqsEvent(), context);
    expect(admin.starts).toHaveLength(1);
    expect(admin.starts[0]?.description).toBe(`Lantern kb-sync: 1 S3 change in ${BUCKET}`);
  });

  it('hands the batch back when Bedrock cannot even describe the data sources', async () => {
    const admin = new FakeAdmin();
    admin.describeDataSource = async () => {
      throw new Error('ThrottlingException');
    };
    const { handler, context } = setup({ admin });
    expect((await handler(sqsEvent(), context))?.batchItemFailures).toHaveLength(2);
  });
});

describe('kb-sync: the schedule', () => {
  it('syncs the crawled (non-S3) data sources with a token from the event id', async () => {
    const { admin, handler, context, store } = setup();
    expect(await handler(scheduled(), context)).toBeUndefined();
    expect(admin.starts).toEqual([
      {
        dataSourceId: WIKI,
        clientToken: clientTokenFor('schedule', WIKI, [scheduled().id]),
        description: 'Lantern kb-sync: scheduled sync',
      },
    ]);
    expect([...store.jobs.values()][0]).toMatchObject({ trigger: 'schedule', status: 'COMPLETE' });
  });

  it('syncs the data sources a schedule names', async () => {
    const { admin, handler, context } = setup();
    await handler({ ...scheduled(), detail: { dataSourceIds: [DOCS] } }, context);
    expect(admin.starts.map((s) => s.dataSourceId)).toEqual([DOCS]);
  });

  it('throws when Bedrock stays busy, so Lambda retries the event', async () => {
    const { admin, handler, context } = setup();
    admin.busy = Array(timing.startAttempts).fill('quota');
    await expect(handler(scheduled(), context)).rejects.toThrow(ScheduledSyncBusyError);
  });
});

describe('kb-sync: reconciliation', () => {
  it('re-checks recorded jobs nobody saw finish, and counts their outcome', async () => {
    const admin = new FakeAdmin();
    admin.statuses = ['IN_PROGRESS', 'IN_PROGRESS', 'FAILED'];
    const first = setup({ admin, remainingMs: 3_000 });
    await first.handler(sqsEvent(), first.context);
    expect(first.metrics).toEqual(['IngestionJobStarted']);
    // Next invocation (here: the schedule) looks at the unfinished job first.
    const { metrics, sync } = first;
    await sync.reconcile({ remainingMs: () => 300_000 });
    expect(metrics).toEqual(['IngestionJobStarted', 'IngestionJobFailed']);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with up to half of it random', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, timing, () => 0))).toEqual([500, 1000, 1500, 1500]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, timing, () => 1))).toEqual([1000, 2000, 3000, 3000]);
  });
});
