import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalisePrefix } from '../../../infra/kb-upload/plan.ts';
import { type RunOptions, runUpload } from '../../../infra/kb-upload/run.ts';
import { s3Target } from '../../../infra/kb-upload/targets.ts';
import { PAGE_SIZE, type S3StandIn, startS3StandIn } from './support/s3-stand-in.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BUCKET = 'lantern-documents-test';

const RESET = `---
title: Reset your password
description: Get back into your account.
tags: [account, security]
tenant: acme
---
# Reset your password

Click Forgot password on the sign-in page.
`;
const REFUNDS = `+++
title = "Refund policy"
tenant = "globex"
year = 2025
permalink = "/billing/refunds/"
+++
# Refund policy

Annual plans are refunded within 30 days.
`;
const WRONG_TYPE = `---
title: Plans
year: next year
---
# Plans
`;

let s3: S3StandIn;
let client: S3Client;
let folder: string;

beforeAll(async () => {
  s3 = await startS3StandIn();
  client = new S3Client({
    endpoint: s3.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lantern-kb-upload-'));
  write('account/reset-your-password.md', RESET);
  write('billing/refunds.md', REFUNDS);
  write('billing/plans.md', WRONG_TYPE);
  write('guides/setup.pdf', '%PDF-1.4 not really a pdf');
  write(
    'guides/setup.pdf.metadata.json',
    JSON.stringify({ metadataAttributes: { title: 'Setup guide', tenant: 'acme' } }),
  );
  write('images/logo.png', 'png');
  write('.git/config', 'hidden');
  s3.buckets.set(BUCKET, new Map());
  s3.requests.length = 0;
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(join(folder, path, '..'), { recursive: true });
  writeFileSync(join(folder, path), text);
}

const declared = [
  { name: 'tenant', type: 'string' as const },
  { name: 'year', type: 'number' as const },
];

function upload(overrides: Partial<RunOptions> = {}, prefix = 'help') {
  return runUpload(
    {
      source: folder,
      prefix,
      declared,
      url: { template: 'https://help.example.com/{path}', keys: ['url', 'permalink'] },
      dryRun: false,
      deleteMissing: true,
      ...overrides,
    },
    s3Target(client, BUCKET, normalisePrefix(prefix)),
  );
}

const bucket = () => s3.buckets.get(BUCKET) as Map<string, { body: Buffer; contentType: string | undefined }>;
const keys = () => [...bucket().keys()].sort();
const sidecar = (key: string) => JSON.parse(bucket().get(`${key}.metadata.json`)?.body.toString() ?? 'null');
const writes = () => s3.requests.filter((request) => !request.startsWith('GET '));

describe('kb:upload to S3 through the real S3 client', () => {
  it('uploads each supported document with its metadata file and skips the rest with the reason', async () => {
    const plan = await upload();
    expect(keys()).toEqual([
      'help/account/reset-your-password.md',
      'help/account/reset-your-password.md.metadata.json',
      'help/billing/refunds.md',
      'help/billing/refunds.md.metadata.json',
      'help/guides/setup.pdf',
      'help/guides/setup.pdf.metadata.json',
    ]);
    expect(bucket().get('help/billing/refunds.md')?.body.toString()).toBe(REFUNDS);
    expect(bucket().get('help/billing/refunds.md')?.contentType).toBe('text/markdown; charset=utf-8');
    expect(sidecar('help/account/reset-your-password.md')).toEqual({
      metadataAttributes: {
        title: { value: { type: 'STRING', stringValue: 'Reset your password' }, includeForEmbedding: false },
        description: {
          value: { type: 'STRING', stringValue: 'Get back into your account.' },
          includeForEmbedding: false,
        },
        tags: {
          value: { type: 'STRING_LIST', stringListValue: ['account', 'security'] },
          includeForEmbedding: false,
        },
        tenant: { value: { type: 'STRING', stringValue: 'acme' }, includeForEmbedding: false },
        url: {
          value: { type: 'STRING', stringValue: 'https://help.example.com/account/reset-your-password' },
          includeForEmbedding: false,
        },
      },
    });
    // The page's own permalink (a path) is resolved against the template's site and wins over it.
    expect(sidecar('help/billing/refunds.md').metadataAttributes).toMatchObject({
      year: { value: { type: 'NUMBER', numberValue: 2025 } },
      url: { value: { type: 'STRING', stringValue: 'https://help.example.com/billing/refunds/' } },
    });
    // The hand-written metadata file is merged: its keys win, the URL is added.
    expect(sidecar('help/guides/setup.pdf').metadataAttributes).toEqual({
      title: { value: { type: 'STRING', stringValue: 'Setup guide' }, includeForEmbedding: false },
      tenant: { value: { type: 'STRING', stringValue: 'acme' }, includeForEmbedding: false },
      url: {
        value: { type: 'STRING', stringValue: 'https://help.example.com/guides/setup' },
        includeForEmbedding: false,
      },
    });
    expect(plan.skipped).toEqual([
      {
        relativePath: 'billing/plans.md',
        reason: 'its front-matter year is the text "next year", but the settings declare year a number',
      },
      {
        relativePath: 'images/logo.png',
        reason: expect.stringMatching(/^is not a format Bedrock knowledge bases read \(\.txt \.md/),
      },
    ]);
  });

  it('uploads nothing the second time, and only what changed after an edit', async () => {
    await upload();
    s3.requests.length = 0;
    const again = await upload();
    expect(again.puts).toEqual([]);
    expect(again.unchanged).toEqual([
      'account/reset-your-password.md',
      'billing/refunds.md',
      'guides/setup.pdf',
    ]);
    expect(writes()).toEqual([]);

    write('billing/refunds.md', REFUNDS.replace('30 days', '14 days'));
    write('guides/setup.pdf.metadata.json', JSON.stringify({ metadataAttributes: { tenant: 'globex' } }));
    s3.requests.length = 0;
    const edited = await upload();
    expect(edited.puts.map((put) => [put.change, put.key])).toEqual([
      ['replace', 'help/billing/refunds.md'],
      ['replace', 'help/guides/setup.pdf.metadata.json'],
    ]);
    expect(writes()).toHaveLength(2);
    expect(bucket().get('help/billing/refunds.md')?.body.toString()).toContain('14 days');
    expect(sidecar('help/guides/setup.pdf').metadataAttributes.tenant.value.stringValue).toBe('globex');
  });

  it('deletes the objects of removed documents with their metadata files, across listing pages, unless --no-delete', async () => {
    for (let n = 0; n < PAGE_SIZE * 3; n++)
      bucket().set(`help/old/page-${n}.md`, { body: Buffer.from('old'), contentType: undefined });
    bucket().set('help/old/page-0.md.metadata.json', { body: Buffer.from('{}'), contentType: undefined });
    bucket().set('elsewhere/kept.md', { body: Buffer.from('not under the prefix'), contentType: undefined });
    const kept = await upload({ deleteMissing: false });
    expect(kept.deletes).toEqual([]);
    expect(keys()).toContain('help/old/page-8.md');

    unlinkSync(join(folder, 'guides/setup.pdf'));
    const plan = await upload();
    expect(plan.deletes.map((d) => d.key).sort()).toEqual(
      [
        ...Array.from({ length: PAGE_SIZE * 3 }, (_, n) => `help/old/page-${n}.md`),
        'help/old/page-0.md.metadata.json',
        'help/guides/setup.pdf',
        'help/guides/setup.pdf.metadata.json',
      ].sort(),
    );
    expect(keys()).toEqual([
      'elsewhere/kept.md',
      'help/account/reset-your-password.md',
      'help/account/reset-your-password.md.metadata.json',
      'help/billing/refunds.md',
      'help/billing/refunds.md.metadata.json',
    ]);
    // The metadata file left behind by its deleted document is reported, not uploaded.
    expect(plan.skipped.map((s) => s.relativePath)).toContain('guides/setup.pdf.metadata.json');
  });

  it('changes nothing on a dry run and lists what it would do', async () => {
    bucket().set('help/gone.md', { body: Buffer.from('gone'), contentType: undefined });
    const plan = await upload({ dryRun: true });
    expect(writes()).toEqual([]);
    expect(keys()).toEqual(['help/gone.md']);
    expect(plan.puts.filter((put) => put.kind === 'document').map((put) => put.key)).toEqual([
      'help/account/reset-your-password.md',
      'help/billing/refunds.md',
      'help/guides/setup.pdf',
    ]);
    expect(plan.deletes).toEqual([{ key: 'help/gone.md' }]);
  });
});

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run kb:upload -- …`, bounded. */
function kbUpload(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['infra/kb-upload/cli.ts', ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, AWS_REGION: 'us-east-1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run kb:upload', () => {
  it("reads the bucket from the stack's DocumentsBucketName output and prints the summary", async () => {
    s3.stacks.set('Lantern-Stateful', { DocumentsBucketName: BUCKET, TableName: 't' });
    const settings = join(folder, '..', `${folder.split('/').at(-1)}-settings.json`);
    writeFileSync(settings, JSON.stringify({ attributes: declared }));
    try {
      const run = await kbUpload([
        folder,
        '--stack',
        'Lantern-Stateful',
        '--settings',
        settings,
        '--url-template',
        'https://help.example.com/{path}',
        '--endpoint',
        s3.url,
        '--cloudformation-endpoint',
        s3.url,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`kb:upload to s3://${BUCKET}/\n`);
      expect(run.stdout).toContain('  uploaded  billing/refunds.md.metadata.json\n');
      expect(run.stdout).toContain(
        '  skipped   billing/plans.md: its front-matter year is the text "next year", but the settings declare year a number\n',
      );
      expect(run.stdout).toMatch(
        /Uploaded 3 document\(s\) \(3 new, 0 replaced\) and 3 metadata file\(s\); 0 unchanged; deleted 0 object\(s\); skipped 2\.\n$/,
      );
      expect(keys()).toHaveLength(6);
    } finally {
      rmSync(settings, { force: true });
    }
  });

  it('exits 1 naming the problem for an unknown stack or bucket', async () => {
    const stack = await kbUpload([folder, '--stack', 'Nope', '--cloudformation-endpoint', s3.url]);
    expect(stack.code).toBe(1);
    expect(stack.stderr).toContain('Cannot read stack Nope: Stack with id Nope does not exist');
    const missing = await kbUpload([folder, '--bucket', 'no-such-bucket', '--endpoint', s3.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kb:upload failed: .*bucket does not exist/m);
  });

  it('exits 2 with the usage for bad options', async () => {
    for (const args of [
      [folder],
      [folder, '--bucket', BUCKET, '--to', '/tmp/x'],
      [folder, '--bucket', 'Not_A_Bucket'],
      [folder, '--bucket', BUCKET, '--url-template', 'https://help.example.com/{id}'],
      [folder, '--bucket', BUCKET, '--url-template', 'javascript:alert({path})'],
      [folder, '--to', join(folder, 'out')],
      [join(folder, 'nothing-here'), '--bucket', BUCKET],
      [folder, '--bucket', BUCKET, '--colour'],
    ]) {
      const run = await kbUpload(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/^error: .+\n\nnpm run kb:upload -- DIR/);
    }
    const help = await kbUpload(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('{path} (the path without its extension');
  });
});
