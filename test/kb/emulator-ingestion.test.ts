import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BedrockAgentClient,
  ConflictException,
  GetDataSourceCommand,
  GetIngestionJobCommand,
  type IngestionJob,
  ListIngestionJobsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartIngestionJobCommand,
  StopIngestionJobCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient, RetrieveAndGenerateCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import {
  type BedrockEmulator,
  type EmulatorKnowledgeBase,
  type StartEmulatorOptions,
  startBedrockEmulator,
} from '../../local/bedrock-emulator/index.ts';
import { syncDataSource } from '../../local/bedrock-emulator/ingestion/sync.ts';
import { KnowledgeBase } from '../../local/bedrock-emulator/knowledge-base.ts';
import { rejection } from '../helpers/rejection.ts';
import { retrieve, waitForJob } from '../local/bedrock-emulator/ingestion/job-fixture.ts';

const KB = 'KBINGEST01';
const DS = 'DSDOCS0001';
const CONFLUENCE = 'DSCONF0001';
const SAMPLE_CONFLUENCE = join(import.meta.dirname, '..', '..', 'local', 'sample-confluence');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const REFUNDS = '# Refund policy\n\nAnnual plans are refunded within 30 days of purchase.\n';
const WEBHOOKS =
  '# Webhook retries\n\nBrambledesk retries a failed webhook delivery for 24 hours with growing pauses.\n';
const QUOKKA =
  '# Quokka export\n\nThe quokka exporter writes every conversation to a quokka archive each night.\n';

const folders: string[] = [];
function docsFolder(files: Record<string, string> = { 'refunds.md': REFUNDS, 'webhooks.md': WEBHOOKS }) {
  const folder = mkdtempSync(join(tmpdir(), 'lantern-kb-ingest-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

async function emulatorWith(
  knowledgeBases: EmulatorKnowledgeBase[],
  options: Partial<StartEmulatorOptions> = {},
): Promise<{ emulator: BedrockEmulator; agent: BedrockAgentClient; runtime: BedrockAgentRuntimeClient }> {
  const emulator = await startBedrockEmulator({ port: 0, knowledgeBases, ...options });
  open.push(emulator);
  await emulator.ingest();
  const agent = new BedrockAgentClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  const runtime = new BedrockAgentRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  clients.push(agent, runtime);
  return { emulator, agent, runtime };
}

const open: Pick<BedrockEmulator, 'close'>[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(open.splice(0).map((emulator) => emulator.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Any user but root, which reads every file whatever its mode. */
const UNPRIVILEGED = { uid: 65534, gid: 65534 };

/**
 * The emulator in a child process, as an unprivileged user when this process is root; closed
 * after the test. Returns a bedrock-agent client for it.
 */
async function unprivilegedEmulator(knowledgeBases: EmulatorKnowledgeBase[]): Promise<BedrockAgentClient> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'support', 'emulator-process.ts'),
      JSON.stringify({ knowledgeBases }),
    ],
    {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      ...(process.getuid?.() === 0 ? UNPRIVILEGED : {}),
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  open.push({
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator process did not start in time')), 60_000);
    exited.then(() => reject(new Error('the emulator process exited before starting')));
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const agent = new BedrockAgentClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(agent);
  return agent;
}

const s3Source = (folder: string) => ({ dataSourceId: DS, type: 'S3' as const, folder, bucketName: 'docs' });

async function start(
  agent: BedrockAgentClient,
  dataSourceId = DS,
  clientToken?: string,
): Promise<IngestionJob> {
  const response = await agent.send(
    new StartIngestionJobCommand({
      knowledgeBaseId: KB,
      dataSourceId,
      ...(clientToken ? { clientToken } : {}),
    }),
  );
  expect(response.$metadata.httpStatusCode).toBe(202);
  if (!response.ingestionJob) throw new Error('no ingestion job');
  return response.ingestionJob;
}

async function sync(agent: BedrockAgentClient, dataSourceId = DS) {
  return (await waitForJob(agent, await start(agent, dataSourceId))).job;
}

async function answer(runtime: BedrockAgentRuntimeClient, text: string) {
  return runtime.send(
    new RetrieveAndGenerateCommand({
      input: { text },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: KB,
          modelArn: knowledgeBaseSettings.generationModelId,
        },
      },
    }),
  );
}

describe('ingestion jobs over the real bedrock-agent client', () => {
  it('answers StartIngestionJob with 202 STARTING, then runs IN_PROGRESS to COMPLETE with statistics', async () => {
    const folder = docsFolder();
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }], {
      ingestionPacing: { startDelayMs: 30, documentDelayMs: 100 },
    });
    writeFileSync(join(folder, 'quokka.md'), QUOKKA);
    const job = await start(agent);
    expect(job).toMatchObject({ knowledgeBaseId: KB, dataSourceId: DS, status: 'STARTING' });
    expect(job.ingestionJobId).toMatch(/^[0-9A-Z]{10}$/);
    expect(job.startedAt).toBeInstanceOf(Date);
    expect(job.updatedAt).toBeInstanceOf(Date);
    const { job: done, seen } = await waitForJob(agent, job);
    expect(seen).toEqual(['STARTING', 'IN_PROGRESS', 'COMPLETE']);
    expect(done.statistics).toEqual({
      numberOfDocumentsScanned: 3,
      numberOfMetadataDocumentsScanned: 0,
      numberOfNewDocumentsIndexed: 1,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfMetadataDocumentsModified: 0,
      numberOfDocumentsDeleted: 0,
      numberOfDocumentsFailed: 0,
      numberOfDocumentsSkipped: 0,
    });
    expect(done.failureReasons).toBeUndefined();
    expect(done.updatedAt?.getTime()).toBeGreaterThan(done.startedAt?.getTime() ?? Infinity);
  });

  it('refuses a second job on the same data source with a 409 ConflictException while one runs', async () => {
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(docsFolder())] }], {
      ingestionPacing: { startDelayMs: 600 },
    });
    const first = await start(agent);
    const error = await rejection(start(agent));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.$metadata?.httpStatusCode).toBe(409);
    await waitForJob(agent, first);
    // Once it has finished, a new job starts.
    expect((await sync(agent)).status).toBe('COMPLETE');
  });

  it('runs one job per knowledge base (409 on its other data source) and five per account (402)', async () => {
    const { agent } = await emulatorWith(
      [
        {
          knowledgeBaseId: KB,
          dataSources: [
            s3Source(docsFolder()),
            { dataSourceId: CONFLUENCE, type: 'CONFLUENCE', folder: SAMPLE_CONFLUENCE },
          ],
        },
        {
          knowledgeBaseId: 'KBOTHER001',
          dataSources: [{ ...s3Source(docsFolder()), dataSourceId: 'DSOTHER001' }],
        },
      ],
      { ingestionPacing: { startDelayMs: 600 }, ingestionLimits: { perAccount: 1 } },
    );
    const first = await start(agent);
    expect(await rejection(start(agent, CONFLUENCE))).toBeInstanceOf(ConflictException);
    const quota = await rejection(
      agent.send(new StartIngestionJobCommand({ knowledgeBaseId: 'KBOTHER001', dataSourceId: 'DSOTHER001' })),
    );
    expect(quota).toBeInstanceOf(ServiceQuotaExceededException);
    expect(quota.$metadata?.httpStatusCode).toBe(402);
    await waitForJob(agent, first);
  });

  it('returns the same job for the same clientToken, even after it finished', async () => {
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(docsFolder())] }], {
      ingestionPacing: { startDelayMs: 500 },
    });
    const token = 'lantern-test-0123456789abcdef0123456789abcdef';
    const first = await start(agent, DS, token);
    const again = await start(agent, DS, token);
    expect(again.ingestionJobId).toBe(first.ingestionJobId);
    await waitForJob(agent, first);
    const later = await start(agent, DS, token);
    expect(later).toMatchObject({ ingestionJobId: first.ingestionJobId, status: 'COMPLETE' });
    const other = await start(agent, DS, `${token}0`);
    expect(other.ingestionJobId).not.toBe(first.ingestionJobId);
    await waitForJob(agent, other);
  });

  it('validates like the model and answers 404 for unknown knowledge bases, data sources and jobs', async () => {
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(docsFolder())] }]);
    const send = (knowledgeBaseId: string, dataSourceId: string, clientToken?: string) =>
      rejection(
        agent.send(
          new StartIngestionJobCommand({
            knowledgeBaseId,
            dataSourceId,
            ...(clientToken ? { clientToken } : {}),
          }),
        ),
      );
    expect(await send('KBMISSING1', DS)).toBeInstanceOf(ResourceNotFoundException);
    expect(await send(KB, 'DSMISSING1')).toBeInstanceOf(ResourceNotFoundException);
    const invalid = await send('short', DS);
    expect(invalid).toBeInstanceOf(ValidationException);
    expect(invalid.message).toMatch(/knowledgeBaseId.*\[0-9a-zA-Z\]\{10\}/);
    expect(await send(KB, DS, 'too-short')).toBeInstanceOf(ValidationException);
    const unknownJob = await rejection(
      agent.send(
        new GetIngestionJobCommand({ knowledgeBaseId: KB, dataSourceId: DS, ingestionJobId: 'NOSUCHJOB1' }),
      ),
    );
    expect(unknownJob).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists jobs newest first, filters by status and pages with nextToken', async () => {
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(docsFolder())] }]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sync(agent)).ingestionJobId ?? '');
    const list = await agent.send(new ListIngestionJobsCommand({ knowledgeBaseId: KB, dataSourceId: DS }));
    const listed = list.ingestionJobSummaries ?? [];
    // Three jobs of ours, then the start-up ingestion.
    expect(listed.map((j) => j.ingestionJobId).slice(0, 3)).toEqual([...ids].reverse());
    expect(listed).toHaveLength(4);
    expect(listed[3]?.description).toBe('Emulator start-up ingestion');
    expect(listed[0]?.statistics?.numberOfDocumentsScanned).toBe(2);

    const page1 = await agent.send(
      new ListIngestionJobsCommand({
        knowledgeBaseId: KB,
        dataSourceId: DS,
        maxResults: 2,
        sortBy: { attribute: 'STARTED_AT', order: 'ASCENDING' },
      }),
    );
    expect(page1.ingestionJobSummaries).toHaveLength(2);
    const page2 = await agent.send(
      new ListIngestionJobsCommand({
        knowledgeBaseId: KB,
        dataSourceId: DS,
        maxResults: 2,
        sortBy: { attribute: 'STARTED_AT', order: 'ASCENDING' },
        nextToken: page1.nextToken,
      }),
    );
    expect(page2.nextToken).toBeUndefined();
    expect(page2.ingestionJobSummaries?.map((j) => j.ingestionJobId)).toEqual(ids.slice(1));
    const failed = await agent.send(
      new ListIngestionJobsCommand({
        knowledgeBaseId: KB,
        dataSourceId: DS,
        filters: [{ attribute: 'STATUS', operator: 'EQ', values: ['FAILED'] }],
      }),
    );
    expect(failed.ingestionJobSummaries).toEqual([]);
  });

  it('fails a job whose data source cannot be read, with the reason', async () => {
    const folder = docsFolder();
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }]);
    rmSync(folder, { recursive: true, force: true });
    const job = await sync(agent);
    expect(job.status).toBe('FAILED');
    expect(job.failureReasons?.[0]).toMatch(/bucket docs .*does not exist/);
  });

  it('stops a running job with StopIngestionJob', async () => {
    const { agent } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(docsFolder())] }], {
      ingestionPacing: { startDelayMs: 500 },
    });
    const job = await start(agent);
    const stopping = await agent.send(
      new StopIngestionJobCommand({
        knowledgeBaseId: KB,
        dataSourceId: DS,
        ingestionJobId: job.ingestionJobId,
      }),
    );
    expect(stopping.ingestionJob?.status).toBe('STOPPING');
    expect((await waitForJob(agent, job)).job.status).toBe('STOPPED');
  });

  it('describes S3 and Confluence data sources with GetDataSource', async () => {
    const { agent } = await emulatorWith([
      {
        knowledgeBaseId: KB,
        dataSources: [
          s3Source(docsFolder()),
          { dataSourceId: CONFLUENCE, type: 'CONFLUENCE', folder: SAMPLE_CONFLUENCE },
        ],
      },
    ]);
    const s3 = await agent.send(new GetDataSourceCommand({ knowledgeBaseId: KB, dataSourceId: DS }));
    expect(s3.dataSource).toMatchObject({
      knowledgeBaseId: KB,
      dataSourceId: DS,
      status: 'AVAILABLE',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::docs' } },
    });
    const confluence = await agent.send(
      new GetDataSourceCommand({ knowledgeBaseId: KB, dataSourceId: CONFLUENCE }),
    );
    expect(confluence.dataSource?.dataSourceConfiguration).toMatchObject({
      type: 'CONFLUENCE',
      confluenceConfiguration: {
        sourceConfiguration: { hostUrl: 'https://brambledesk.atlassian.net', hostType: 'SAAS' },
      },
    });
  });
});

describe('incremental ingestion: statistics and no stale or orphan chunks', () => {
  let folder: string;
  let agent: BedrockAgentClient;
  let runtime: BedrockAgentRuntimeClient;
  let emulator: BedrockEmulator;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lantern-kb-incremental-'));
    cpSync(join(import.meta.dirname, '..', '..', 'local', 'sample-kb'), folder, { recursive: true });
    emulator = await startBedrockEmulator({
      port: 0,
      knowledgeBases: [{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }],
    });
    await emulator.ingest();
    agent = new BedrockAgentClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    runtime = new BedrockAgentRuntimeClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    agent?.destroy();
    runtime?.destroy();
    await emulator?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('re-ingests nothing when nothing changed', async () => {
    const job = await sync(agent);
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 26,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfDocumentsDeleted: 0,
      numberOfDocumentsFailed: 0,
    });
  });

  it('indexes an added document, which then answers', async () => {
    writeFileSync(join(folder, 'integrations', 'quokka-export.md'), QUOKKA);
    const job = await sync(agent);
    expect(job.statistics).toMatchObject({ numberOfDocumentsScanned: 27, numberOfNewDocumentsIndexed: 1 });
    const rag = await answer(runtime, 'How often does the quokka exporter run?');
    expect(rag.output?.text).toContain('quokka archive each night');
    expect(rag.citations?.[0]?.retrievedReferences?.[0]?.location?.s3Location?.uri).toBe(
      's3://docs/integrations/quokka-export.md',
    );
  });

  it('replaces a modified document: its old text is gone from Retrieve and RetrieveAndGenerate', async () => {
    // A shorter new version: fewer chunks than before must leave no chunk of the old one behind.
    const SSO = 's3://docs/account/single-sign-on.md';
    const before = (await retrieve(runtime, KB, 'single sign-on SAML identity provider')).filter(
      (r) => r.uri === SSO,
    );
    expect(before.some((r) => /SAML/.test(r.text))).toBe(true);
    writeFileSync(
      join(folder, 'account', 'single-sign-on.md'),
      '# Single sign-on\n\nSingle sign-on now works only through the Brambledesk passkey broker.\n',
    );
    const job = await sync(agent);
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 27,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 1,
      numberOfDocumentsDeleted: 0,
    });
    // Whatever the query, the document has exactly one chunk now: its new text.
    for (const query of ['single sign-on SAML identity provider Okta', 'passkey broker single sign-on']) {
      const chunks = (await retrieve(runtime, KB, query)).filter((r) => r.uri === SSO);
      expect(chunks.map((r) => r.text)).toEqual([
        'Single sign-on\nSingle sign-on now works only through the Brambledesk passkey broker.',
      ]);
    }
    const rag = await answer(runtime, 'How does single sign-on work?');
    expect(rag.output?.text).toContain('passkey broker');
    expect(rag.output?.text).not.toMatch(/SAML/);
  });

  it('drops every chunk of a deleted document', async () => {
    rmSync(join(folder, 'integrations', 'quokka-export.md'));
    rmSync(join(folder, 'billing', 'refund-policy.md'));
    const job = await sync(agent);
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 25,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfDocumentsDeleted: 2,
    });
    expect(
      (await retrieve(runtime, KB, 'quokka exporter archive')).filter((r) => /quokka/i.test(r.text)),
    ).toEqual([]);
    const uris = (await retrieve(runtime, KB, 'refund policy refunded money back')).map((r) => r.uri);
    expect(uris.length).toBeGreaterThan(0);
    expect(uris).not.toContain('s3://docs/billing/refund-policy.md');
    const rag = await answer(runtime, 'How often does the quokka exporter run?');
    expect(rag.citations ?? []).toEqual([]);
    expect(rag.output?.text).toBe(knowledgeBaseSettings.noAnswerText);
  });
});

describe('Confluence data source', () => {
  it('ingests exported pages with their page URLs and titles, and counts pages missing from pages.json as failed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lantern-confluence-'));
    folders.push(folder);
    cpSync(SAMPLE_CONFLUENCE, folder, { recursive: true });
    const { agent, runtime } = await emulatorWith([
      { knowledgeBaseId: KB, dataSources: [{ dataSourceId: CONFLUENCE, type: 'CONFLUENCE', folder }] },
    ]);
    const rag = await answer(runtime, 'Who approves a refund over $1,000?');
    expect(rag.output?.text).toMatch(/Finance/);
    const reference = rag.citations?.[0]?.retrievedReferences?.[0];
    expect(reference?.location).toEqual({
      type: 'CONFLUENCE',
      confluenceLocation: {
        url: 'https://brambledesk.atlassian.net/wiki/spaces/SUP/pages/4128801/Refund+approval+runbook',
      },
    });
    expect(reference?.metadata?.title).toBe('Refund approval runbook');

    writeFileSync(join(folder, 'draft-page.md'), '# Draft\n\nNot exported with a URL.\n');
    const job = await sync(agent, CONFLUENCE);
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({ numberOfDocumentsScanned: 5, numberOfDocumentsFailed: 1 });
    expect(job.failureReasons).toEqual(['draft-page.md is not listed in pages.json.']);

    rmSync(join(folder, 'pages.json'));
    const failed = await sync(agent, CONFLUENCE);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReasons?.[0]).toMatch(/no pages\.json/);
  });
});

describe('bad files never crash a job', () => {
  it('skips empty files and fails unreadable, binary and oversized ones, with reasons, and completes', async () => {
    const folder = docsFolder({
      'refunds.md': REFUNDS,
      'empty.md': '',
      'blank.txt': '  \n\n ',
      'folder.md/webhooks.md': WEBHOOKS,
    });
    writeFileSync(join(folder, 'binary.md'), Buffer.from([0x23, 0x20, 0x41, 0x00, 0x01, 0x02, 0xff, 0x0a]));
    writeFileSync(
      join(folder, 'latin1.txt'),
      Buffer.from(Array.from({ length: 200 }, (_, i) => 0xe0 + (i % 16))),
    );
    writeFileSync(join(folder, 'huge.md'), `# Huge\n\n${'All work and no play. '.repeat(500)}\n`);
    symlinkSync(join(folder, 'missing.md'), join(folder, 'dangling.md'));
    const { agent, runtime } = await emulatorWith([
      {
        knowledgeBaseId: KB,
        dataSources: [{ ...s3Source(folder), maxDocumentBytes: 4096 }],
      },
    ]);
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 9,
      numberOfNewDocumentsIndexed: 0,
      numberOfDocumentsFailed: 5,
      numberOfDocumentsSkipped: 2,
    });
    const reasons = job.failureReasons ?? [];
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^binary\.md: is binary/),
        expect.stringMatching(/^latin1\.txt: is not UTF-8 text/),
        expect.stringMatching(/^huge\.md: is 10\.\d KB, over the 4\.0 KB limit/),
        expect.stringMatching(/^dangling\.md: cannot be read: it is a link to a file that does not exist/),
        expect.stringMatching(/^folder\.md: is a folder, not a file/),
        'empty.md: the file is empty.',
        'blank.txt: the file is empty.',
      ]),
    );
    expect(reasons).toHaveLength(7);
    // The good documents (one of them inside the folder named like a document) answer.
    const uris = (await retrieve(runtime, KB, 'webhook delivery retries refunded annual plans')).map(
      (r) => r.uri,
    );
    expect(new Set(uris)).toEqual(new Set(['s3://docs/refunds.md', 's3://docs/folder.md/webhooks.md']));
  });

  it('fails a file it has no permission to read', async () => {
    const folder = docsFolder();
    // The emulator runs as an unprivileged user when this runs as root, so the mode is enforced.
    chmodSync(folder, 0o755);
    chmodSync(join(folder, 'refunds.md'), 0o644);
    chmodSync(join(folder, 'webhooks.md'), 0o000);
    const agent = await unprivilegedEmulator([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }]);
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 2,
      numberOfDocumentsFailed: 1,
      numberOfModifiedDocumentsIndexed: 0,
    });
    expect(job.failureReasons).toEqual(['webhooks.md: cannot be read: permission denied.']);
  });

  it('keeps the last good version of a file that turns binary, and drops one that turns empty', async () => {
    const folder = docsFolder();
    const { agent, runtime } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }]);
    writeFileSync(join(folder, 'refunds.md'), Buffer.from([0x00, 0x01, 0x02]));
    writeFileSync(join(folder, 'webhooks.md'), '');
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      numberOfDocumentsFailed: 1,
      numberOfDocumentsSkipped: 1,
      numberOfDocumentsDeleted: 1,
    });
    expect((await retrieve(runtime, KB, 'refunded annual plans')).map((r) => r.uri)).toContain(
      's3://docs/refunds.md',
    );
    expect((await retrieve(runtime, KB, 'webhook delivery retries')).map((r) => r.uri)).not.toContain(
      's3://docs/webhooks.md',
    );
  });

  it('caps failureReasons, saying how many more there were', async () => {
    const files: Record<string, string> = { 'refunds.md': REFUNDS };
    for (let i = 0; i < 60; i++) files[`empty-${String(i).padStart(2, '0')}.md`] = '';
    const { agent } = await emulatorWith([
      { knowledgeBaseId: KB, dataSources: [s3Source(docsFolder(files))] },
    ]);
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({ numberOfDocumentsSkipped: 60, numberOfDocumentsScanned: 61 });
    expect(job.failureReasons).toHaveLength(50);
    expect(job.failureReasons?.at(-1)).toBe('… and 11 more documents failed or were skipped.');
  });
});

describe('links out of the data source folder', () => {
  const SECRET = '# Vault codes\n\nThe narwhal vault opens with the code walrus-nine-nine.\n';
  const MANUAL = '# Pelican manual\n\nThe pelican console reboots when the lever is pulled twice.\n';

  /** A docs folder with links out of it (file, folder, chain, absolute) and links that stay inside. */
  function folderWithLinks() {
    const outside = docsFolder({ 'vault.md': SECRET, 'manuals/pelican.md': MANUAL });
    const folder = docsFolder({ 'refunds.md': REFUNDS, 'guides/webhooks.md': WEBHOOKS });
    symlinkSync(join(outside, 'vault.md'), join(folder, 'vault.md'));
    symlinkSync(join(outside, 'manuals'), join(folder, 'manuals'));
    symlinkSync(join(outside, 'vault.md'), join(folder, 'relay'));
    symlinkSync('relay', join(folder, 'chain.md'));
    symlinkSync('/etc/passwd', join(folder, 'passwd.txt'));
    symlinkSync(join(folder, 'missing.md'), join(folder, 'dangling.md'));
    symlinkSync('refunds.md', join(folder, 'alias.md'));
    symlinkSync('guides', join(folder, 'shortcut'));
    return folder;
  }

  const refusals = [
    'chain.md: is a link to a file outside the data source folder; it is not read.',
    'dangling.md: cannot be read: it is a link to a file that does not exist.',
    'manuals: is a link to a folder outside the data source folder; nothing in it is ingested.',
    'passwd.txt: is a link to a file outside the data source folder; it is not read.',
    'vault.md: is a link to a file outside the data source folder; it is not read.',
  ];

  async function everything(runtime: BedrockAgentRuntimeClient) {
    const found = [];
    for (const text of [
      'narwhal vault code walrus',
      'pelican console lever reboots',
      'root bin bash nologin',
    ])
      found.push(...(await retrieve(runtime, KB, text)));
    return found;
  }

  it('never ingests what a link outside points to, and lists each refusal in the job', async () => {
    const folder = folderWithLinks();
    const { agent, runtime } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }]);
    const leaked = (found: { uri: string; text: string }[]) =>
      found.filter((r) => /walrus|pelican|root:/.test(r.text) || !/^s3:\/\/docs\//.test(r.uri));
    expect(leaked(await everything(runtime))).toEqual([]);

    writeFileSync(join(folder, 'refunds.md'), `${REFUNDS}Monthly plans are never refunded.\n`);
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect([...(job.failureReasons ?? [])].sort()).toEqual(refusals);
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 8,
      numberOfDocumentsFailed: 5,
      numberOfModifiedDocumentsIndexed: 2,
    });
    expect(leaked(await everything(runtime))).toEqual([]);
    // Links that stay inside are fine; a linked folder's documents come once, from where they are.
    const uris = (await retrieve(runtime, KB, 'webhook delivery retries refunded annual monthly plans')).map(
      (r) => r.uri,
    );
    expect(new Set(uris)).toEqual(
      new Set(['s3://docs/refunds.md', 's3://docs/alias.md', 's3://docs/guides/webhooks.md']),
    );
  });

  it('refuses a document swapped for a link outside, keeping only what it had indexed from inside', async () => {
    const folder = docsFolder();
    const outside = docsFolder({ 'vault.md': SECRET });
    const { agent, runtime } = await emulatorWith([{ knowledgeBaseId: KB, dataSources: [s3Source(folder)] }]);
    rmSync(join(folder, 'webhooks.md'));
    symlinkSync(join(outside, 'vault.md'), join(folder, 'webhooks.md'));
    const job = await sync(agent);
    expect(job.failureReasons).toEqual([
      'webhooks.md: is a link to a file outside the data source folder; it is not read.',
    ]);
    expect(
      (await retrieve(runtime, KB, 'narwhal vault code walrus')).map((r) => r.text).join('\n'),
    ).not.toMatch(/walrus/);
  });

  it('refuses, in a Confluence export, a page and a pages.json that are links outside', async () => {
    const folder = docsFolder({});
    cpSync(SAMPLE_CONFLUENCE, folder, { recursive: true });
    const outside = docsFolder({ 'vault.md': SECRET });
    const manifest = JSON.parse(readFileSync(join(folder, 'pages.json'), 'utf8')) as { pages: unknown[] };
    manifest.pages.push({ file: 'vault.md', url: '/wiki/spaces/SUP/pages/1/Vault' });
    writeFileSync(join(folder, 'pages.json'), JSON.stringify(manifest));
    writeFileSync(join(outside, 'pages.json'), JSON.stringify(manifest));
    symlinkSync(join(outside, 'vault.md'), join(folder, 'vault.md'));
    const { agent, runtime } = await emulatorWith([
      { knowledgeBaseId: KB, dataSources: [{ dataSourceId: CONFLUENCE, type: 'CONFLUENCE', folder }] },
    ]);
    const job = await sync(agent, CONFLUENCE);
    expect(job.status).toBe('COMPLETE');
    expect(job.failureReasons).toEqual([
      'vault.md: is a link to a file outside the data source folder; it is not read.',
    ]);
    expect(JSON.stringify(await answer(runtime, 'What code opens the narwhal vault?'))).not.toMatch(/walrus/);

    rmSync(join(folder, 'pages.json'));
    symlinkSync(join(outside, 'pages.json'), join(folder, 'pages.json'));
    const failed = await sync(agent, CONFLUENCE);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReasons).toEqual([
      `pages.json in ${folder} is a link to a file outside the data source folder; it is not read.`,
    ]);
  });

  it('follows a data source folder that is itself a link, and what stays inside its target', async () => {
    const target = docsFolder({ 'refunds.md': REFUNDS });
    const parent = docsFolder({});
    symlinkSync(target, join(parent, 'docs'));
    symlinkSync('refunds.md', join(target, 'alias.md'));
    const { agent, runtime } = await emulatorWith([
      { knowledgeBaseId: KB, dataSources: [s3Source(join(parent, 'docs'))] },
    ]);
    const job = await sync(agent);
    expect(job.status).toBe('COMPLETE');
    expect(job.failureReasons).toBeUndefined();
    expect(new Set((await retrieve(runtime, KB, 'refunded annual plans')).map((r) => r.uri))).toEqual(
      new Set(['s3://docs/refunds.md', 's3://docs/alias.md']),
    );
  });
});

describe('several syncs: the index matches the folder exactly', () => {
  it('follows documents added, modified and deleted over several syncs', async () => {
    const folder = docsFolder({});
    const source = s3Source(folder);
    const kb = new KnowledgeBase(KB, [source]);
    // Each document has a word of its own and a version word, so retrieval tells exactly which
    // version of which document is indexed.
    const words = ['aardvark', 'bison', 'cheetah', 'dingo', 'ermine', 'ferret', 'gazelle', 'hyena'];
    const write = (word: string, version: number) =>
      writeFileSync(
        join(folder, `${word}.md`),
        `# The ${word} guide\n\nThe ${word} feature is in release v${version}x of Brambledesk.\n\n${'Filler sentence about nothing in particular. '.repeat(version * 40)}\n`,
      );
    const expected = new Map<string, number>();
    const steps: { add?: string[]; modify?: string[]; remove?: string[] }[] = [
      { add: ['aardvark', 'bison', 'cheetah', 'dingo'] },
      { add: ['ermine'], modify: ['bison'], remove: ['cheetah'] },
      { add: ['ferret', 'cheetah'], modify: ['bison', 'ermine'], remove: ['aardvark'] },
      { add: ['gazelle', 'hyena'], modify: ['dingo'], remove: ['bison', 'ferret', 'ermine'] },
      { remove: ['dingo', 'gazelle'] },
    ];
    for (const [n, step] of steps.entries()) {
      for (const word of [...(step.add ?? []), ...(step.modify ?? [])]) {
        const version = (expected.get(word) ?? 0) + 1 + n;
        write(word, version);
        expected.set(word, version);
      }
      for (const word of step.remove ?? []) {
        rmSync(join(folder, `${word}.md`));
        expected.delete(word);
      }
      const outcome = await syncDataSource(kb, source);
      expect(outcome.statistics).toMatchObject({
        numberOfDocumentsScanned: expected.size,
        numberOfNewDocumentsIndexed: step.add?.length ?? 0,
        numberOfModifiedDocumentsIndexed: step.modify?.length ?? 0,
        numberOfDocumentsDeleted: step.remove?.length ?? 0,
        numberOfDocumentsFailed: 0,
      });
      expect(kb.documentUris(DS).sort()).toEqual([...expected.keys()].map((w) => `s3://docs/${w}.md`).sort());
      for (const word of words) {
        const hits = kb
          .retrieve({ text: `${word} feature release` }, 50)
          .filter((h) => h.chunk.text.includes(word));
        const version = expected.get(word);
        if (version === undefined) {
          expect(hits).toEqual([]);
          continue;
        }
        // Only the current version: no chunk of an earlier one is left.
        expect(hits.length).toBeGreaterThan(0);
        expect(hits.every((h) => h.chunk.sourceUri === `s3://docs/${word}.md`)).toBe(true);
        const versions = new Set(hits.map((h) => /release v(\d+)x/.exec(h.chunk.text)?.[1]).filter(Boolean));
        expect([...versions]).toEqual([String(version)]);
        expect(hits[0]?.relevant).toBe(true);
      }
    }
  });
});
