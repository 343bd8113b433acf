import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/bedrock-emulator/index.ts';
import { lambdaContext } from '../../local/gateway/proxy-event.ts';
import { s3ObjectEvent, sqsRecord } from '../../local/knowledge-base/s3-events.ts';
import {
  LOCAL_CONFLUENCE_DATA_SOURCE_ID,
  LOCAL_DATA_SOURCE_ID,
  LOCAL_DOCUMENTS_BUCKET,
  type LocalStack,
} from '../../local/stack.ts';
import {
  ADMIN_KEY,
  API_KEY,
  type ApiClient,
  apiClient,
  bootStack,
  SAMPLE_KB,
  tempDir,
} from '../helpers/local-stack.ts';

const SAMPLE_CONFLUENCE = join(import.meta.dirname, '..', '..', 'local', 'sample-confluence');
const TERMINAL = ['COMPLETE', 'FAILED', 'STOPPED'];

let stack: LocalStack;
let admin: ApiClient;
let docs: string;
let confluence: string;
/** StartIngestionJob calls the emulator answers with 402 before letting one through. */
let quotaRefusals = 0;
let startCalls = 0;

beforeAll(async () => {
  docs = tempDir('admin-docs');
  cpSync(SAMPLE_KB, docs, { recursive: true });
  confluence = tempDir('admin-confluence');
  cpSync(SAMPLE_CONFLUENCE, confluence, { recursive: true });
  stack = await bootStack({
    docsDir: docs,
    confluenceDir: confluence,
    watchDocs: false,
    // Long enough in STARTING for a second request to meet the first job.
    ingestionPacing: { startDelayMs: 800 },
    faults: ({ operation }) => {
      if (operation !== 'StartIngestionJob') return;
      startCalls += 1;
      if (quotaRefusals > 0) {
        quotaRefusals -= 1;
        throw new AwsServiceError('ServiceQuotaExceededException', 'Too many ingestion jobs.', {
          status: 402,
        });
      }
    },
  });
  admin = apiClient(stack.url, null);
});
afterAll(async () => {
  await stack?.close();
  rmSync(docs, { recursive: true, force: true });
  rmSync(confluence, { recursive: true, force: true });
});

const asAdmin = { 'x-admin-key': ADMIN_KEY };

async function waitUntilDone(jobId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin.request('GET', `/v1/admin/knowledge-base/jobs/${jobId}`, undefined, asAdmin);
    expect(res.status).toBe(200);
    if (TERMINAL.includes(res.body.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('admin API: who may call it', () => {
  it("refuses a request without credentials as API Gateway refuses an unsigned one: 403 'Missing Authentication Token'", async () => {
    const res = await admin.request('POST', '/v1/admin/knowledge-base/sync', {});
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: 'Missing Authentication Token' } });
  });

  it('refuses the chat API key on every admin route', async () => {
    const chat = apiClient(stack.url, API_KEY);
    for (const [method, path] of [
      ['POST', '/v1/admin/knowledge-base/sync'],
      ['GET', '/v1/admin/knowledge-base/jobs'],
      ['GET', '/v1/admin/knowledge-base/jobs/ABCDEFGHIJ'],
    ] as const) {
      const res = await chat.request(method, path, method === 'POST' ? {} : undefined);
      // An x-api-key is no signature: unsigned, as API Gateway sees it.
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({ code: 'FORBIDDEN', message: 'Missing Authentication Token' });
    }
  });

  it('refuses a wrong admin key', async () => {
    const res = await admin.request('GET', '/v1/admin/knowledge-base/jobs', undefined, {
      'x-admin-key': 'nope-nope',
    });
    expect(res.status).toBe(403);
  });
});

describe('admin API: sync and jobs', () => {
  let firstJobId: string;

  it('starts a sync of one data source: 202 with the job; a second request while it runs: 409', async () => {
    const res = await admin.request(
      'POST',
      '/v1/admin/knowledge-base/sync',
      { dataSourceIds: [LOCAL_DATA_SOURCE_ID] },
      asAdmin,
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      jobs: [
        {
          jobId: expect.stringMatching(/^[0-9A-Z]{10}$/),
          dataSourceId: LOCAL_DATA_SOURCE_ID,
          status: 'STARTING',
          statistics: { scanned: 0, new: 0, modified: 0, deleted: 0, failed: 0 },
          startedAt: expect.any(String),
          updatedAt: expect.any(String),
          trigger: 'api',
        },
      ],
    });
    firstJobId = res.body.jobs[0].jobId;
    const again = await admin.request('POST', '/v1/admin/knowledge-base/sync', {}, asAdmin);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const done = await waitUntilDone(firstJobId);
    expect(done).toMatchObject({
      jobId: firstJobId,
      dataSourceId: LOCAL_DATA_SOURCE_ID,
      status: 'COMPLETE',
      statistics: { scanned: 26, new: 0, modified: 0, deleted: 0, failed: 0 },
    });
    expect(Date.parse(done.updatedAt)).toBeGreaterThan(Date.parse(done.startedAt));
  });

  it('syncs every data source; those Bedrock refuses while the knowledge base is busy are reported', async () => {
    const res = await admin.request('POST', '/v1/admin/knowledge-base/sync', undefined, asAdmin);
    expect(res.status).toBe(202);
    expect(res.body.jobs.map((j: { dataSourceId: string }) => j.dataSourceId)).toEqual([
      LOCAL_DATA_SOURCE_ID,
    ]);
    expect(res.body.notStarted).toEqual([
      { dataSourceId: LOCAL_CONFLUENCE_DATA_SOURCE_ID, code: 'CONFLICT', message: expect.any(String) },
    ]);
    await waitUntilDone(res.body.jobs[0].jobId);
    const confluence = await admin.request(
      'POST',
      '/v1/admin/knowledge-base/sync',
      { dataSourceIds: [LOCAL_CONFLUENCE_DATA_SOURCE_ID] },
      asAdmin,
    );
    expect(confluence.status).toBe(202);
    const done = await waitUntilDone(confluence.body.jobs[0].jobId);
    expect(done).toMatchObject({ status: 'COMPLETE', statistics: { scanned: 4, failed: 0 } });
  });

  it('lists jobs newest first, with status, statistics and start time, page by page', async () => {
    const res = await admin.request('GET', '/v1/admin/knowledge-base/jobs', undefined, asAdmin);
    expect(res.status).toBe(200);
    const jobs = res.body.jobs as { jobId: string; startedAt: string }[];
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    for (const job of jobs) {
      expect(job).toMatchObject({
        jobId: expect.any(String),
        status: expect.any(String),
        statistics: expect.any(Object),
        startedAt: expect.any(String),
      });
    }
    const times = jobs.map((j) => Date.parse(j.startedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(jobs.at(-1)?.jobId).toBe(firstJobId);

    const page1 = await admin.request('GET', '/v1/admin/knowledge-base/jobs?limit=2', undefined, asAdmin);
    expect(page1.body.jobs).toHaveLength(2);
    expect(page1.body.nextToken).toEqual(expect.any(String));
    const page2 = await admin.request(
      'GET',
      `/v1/admin/knowledge-base/jobs?limit=2&nextToken=${encodeURIComponent(page1.body.nextToken)}`,
      undefined,
      asAdmin,
    );
    expect(page2.body.jobs[0].jobId).toBe(jobs[2]?.jobId);
  });

  it('gets one job; an unknown or malformed id is 404', async () => {
    const res = await admin.request('GET', `/v1/admin/knowledge-base/jobs/${firstJobId}`, undefined, asAdmin);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['dataSourceId', 'jobId', 'startedAt', 'statistics', 'status', 'trigger', 'updatedAt'].sort(),
    );
    for (const id of ['NOSUCHJOB1', 'not-a-job-id']) {
      const missing = await admin.request('GET', `/v1/admin/knowledge-base/jobs/${id}`, undefined, asAdmin);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('validates the sync request', async () => {
    const unknown = await admin.request(
      'POST',
      '/v1/admin/knowledge-base/sync',
      { dataSourceIds: ['NOSUCHDS01'] },
      asAdmin,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/NOSUCHDS01/),
    });
    for (const body of ['{"dataSourceIds":', { dataSourceIds: 'LOCALDS001' }, { extra: true }]) {
      const res = await admin.request('POST', '/v1/admin/knowledge-base/sync', body, asAdmin);
      expect(res.status).toBe(400);
    }
    const badLimit = await admin.request('GET', '/v1/admin/knowledge-base/jobs?limit=0', undefined, asAdmin);
    expect(badLimit.status).toBe(400);
  });
});

describe('kb-sync on the local stack', () => {
  it('backs off while Bedrock answers 402, then starts, follows and records the job', async () => {
    quotaRefusals = 2;
    const callsBefore = startCalls;
    const event = {
      Records: [
        sqsRecord(
          JSON.stringify(s3ObjectEvent(LOCAL_DOCUMENTS_BUCKET, 'billing/refund-policy.md', 'created')),
        ),
      ],
    };
    const result = await stack.knowledgeBase.syncHandler(
      event,
      lambdaContext('lantern-kb-sync', 60_000, 'kb-sync-test'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(startCalls - callsBefore).toBe(3);
    const jobs = await admin.request('GET', '/v1/admin/knowledge-base/jobs?limit=1', undefined, asAdmin);
    expect(jobs.body.jobs[0]).toMatchObject({
      dataSourceId: LOCAL_DATA_SOURCE_ID,
      status: 'COMPLETE',
      trigger: 's3-event',
      statistics: { scanned: 26 },
    });
  });
});
