import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestionJobStore } from '../../shared/ingestion/job-store.ts';
import type { IngestionJob } from '../../shared/ingestion/types.ts';
import { startTestTable, type TestTable } from '../helpers/dynamodb.ts';

let table: TestTable;
let clock = new Date('2026-11-22T10:00:00Z');
let store: IngestionJobStore;

beforeAll(async () => {
  table = await startTestTable('jobs-test');
  store = new IngestionJobStore(table.db, { tableName: 'jobs-test', retentionDays: 1, now: () => clock });
});
afterAll(() => table?.close());

const job = (jobId: string, startedAt: string, changes: Partial<IngestionJob> = {}): IngestionJob => ({
  jobId,
  knowledgeBaseId: 'KBTEST0001',
  dataSourceId: 'DSDOCS0001',
  status: 'STARTING',
  statistics: { scanned: 0, new: 0, modified: 0, deleted: 0, failed: 0 },
  startedAt,
  updatedAt: startedAt,
  ...changes,
});

describe('IngestionJobStore on dynalite', () => {
  it('records a job once, moves it forward, and reports the move to a terminal status exactly once', async () => {
    const started = job('JOBAAAAAA1', '2026-11-22T10:00:00.000Z');
    expect(await store.record(started, { trigger: 'api', requestedBy: 'arn:aws:iam::1:user/ops' })).toEqual({
      created: true,
      becameTerminal: false,
    });
    // The same job again (a repeated client token) is not a new job.
    expect(await store.record(started, { trigger: 'api' })).toEqual({
      created: false,
      becameTerminal: false,
    });
    const running = { ...started, status: 'IN_PROGRESS' as const, updatedAt: '2026-11-22T10:00:05.000Z' };
    expect(await store.record(running)).toEqual({ created: false, becameTerminal: false });
    const failed = {
      ...started,
      status: 'FAILED' as const,
      updatedAt: '2026-11-22T10:00:09.000Z',
      statistics: { scanned: 3, new: 1, modified: 0, deleted: 0, failed: 2 },
      failureReasons: ['The bucket does not exist.'],
    };
    expect(await store.record(failed)).toEqual({ created: false, becameTerminal: true });
    expect(await store.record({ ...failed, updatedAt: '2026-11-22T10:00:10.000Z' })).toEqual({
      created: false,
      becameTerminal: false,
    });
    // An older view arriving late never moves the job back.
    expect(await store.record(running)).toEqual({ created: false, becameTerminal: false });
    expect(await store.get('JOBAAAAAA1')).toEqual({
      ...failed,
      trigger: 'api',
      requestedBy: 'arn:aws:iam::1:user/ops',
    });
  });

  it('does not record a status update for a job it never started', async () => {
    expect(await store.record(job('JOBUNKNOW1', '2026-11-22T09:00:00.000Z', { status: 'COMPLETE' }))).toEqual(
      {
        created: false,
        becameTerminal: false,
      },
    );
    expect(await store.get('JOBUNKNOW1')).toBeUndefined();
  });

  it('counts a job that is already finished when first recorded as finished', async () => {
    const done = job('JOBDONE001', '2026-11-22T10:01:00.000Z', { status: 'COMPLETE' });
    expect(await store.record(done, { trigger: 's3-event' })).toEqual({
      created: true,
      becameTerminal: true,
    });
  });

  it('lists newest first, page by page, and finds the unfinished ones', async () => {
    await store.record(job('JOBLIST001', '2026-11-22T10:02:00.000Z'), { trigger: 's3-event' });
    await store.record(job('JOBLIST002', '2026-11-22T10:03:00.000Z'), { trigger: 'schedule' });
    const first = await store.list({ limit: 2 });
    expect(first.jobs.map((j) => j.jobId)).toEqual(['JOBLIST002', 'JOBLIST001']);
    expect(first.cursor).toBeDefined();
    const rest = await store.list({ limit: 10, ...(first.cursor ? { cursor: first.cursor } : {}) });
    expect(rest.jobs.map((j) => j.jobId)).toEqual(['JOBDONE001', 'JOBAAAAAA1']);
    expect(rest.cursor).toBeUndefined();
    expect((await store.listUnfinished()).map((j) => j.jobId)).toEqual(['JOBLIST002', 'JOBLIST001']);
    await expect(store.list({ limit: 2, cursor: 'not-a-cursor' })).rejects.toThrow(/nextToken/);
  });

  it('forgets jobs past their retention, even before DynamoDB deletes them', async () => {
    const saved = clock;
    clock = new Date(saved.getTime() + 2 * 86_400_000);
    try {
      expect(await store.get('JOBLIST001')).toBeUndefined();
      expect((await store.list({ limit: 10 })).jobs).toEqual([]);
    } finally {
      clock = saved;
    }
  });
});
