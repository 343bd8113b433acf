import { execFile } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local/bedrock-emulator/index.ts';
import { LOCAL_DATA_SOURCE_ID, type LocalStack } from '../../local/stack.ts';
import { ADMIN_KEY, bootStack, SAMPLE_KB, tempDir } from '../helpers/local-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');

let stack: LocalStack;
let docs: string;
/** StartIngestionJob calls the emulator refuses with 409 before letting one through. */
let conflicts = 0;

beforeAll(async () => {
  docs = tempDir('cli-docs');
  cpSync(SAMPLE_KB, docs, { recursive: true });
  stack = await bootStack({
    docsDir: docs,
    watchDocs: false,
    faults: ({ operation }) => {
      if (operation === 'StartIngestionJob' && conflicts > 0) {
        conflicts -= 1;
        throw new AwsServiceError('ConflictException', 'An ingestion job is already running.');
      }
    },
  });
});
afterAll(async () => {
  await stack?.close();
  rmSync(docs, { recursive: true, force: true });
});

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run kb:sync -- …`, i.e. `tsx local/knowledge-base/kb-sync-cli.ts …`, bounded. */
function kbSync(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['local/knowledge-base/kb-sync-cli.ts', '--url', stack.url, ...args],
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run kb:sync', () => {
  it('starts a sync, follows it to COMPLETE with its statistics, and exits 0', async () => {
    const run = await kbSync(['--admin-key', ADMIN_KEY, '--wait']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Started 1 ingestion job on http:\/\/127\.0\.0\.1:\d+:$/m);
    expect(run.stdout).toMatch(
      new RegExp(
        `[0-9A-Z]{10}  ${LOCAL_DATA_SOURCE_ID}  COMPLETE +scanned 26  new 0  modified 0  deleted 0  failed 0  \\(\\d+\\.\\d s\\)`,
      ),
    );
  });

  it('without --wait, prints the started job and exits; the key may come from LANTERN_ADMIN_KEY', async () => {
    const run = await kbSync(['--data-source', LOCAL_DATA_SOURCE_ID], { LANTERN_ADMIN_KEY: ADMIN_KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${LOCAL_DATA_SOURCE_ID}  STARTING`));
    // Let that job finish before the next test starts another.
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  it('exits 3 when Lantern is busy, and with --wait retries until the sync is accepted', async () => {
    conflicts = 1;
    const busy = await kbSync(['--admin-key', ADMIN_KEY]);
    expect(busy.code).toBe(3);
    expect(busy.stderr).toMatch(/Lantern is busy/);
    conflicts = 1;
    const waited = await kbSync(['--admin-key', ADMIN_KEY, '--wait']);
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/Busy \(.*\); retrying/);
    expect(waited.stdout).toMatch(/COMPLETE/);
  });

  it('exits 2 when the admin key is refused', async () => {
    const run = await kbSync(['--admin-key', 'not-the-admin-key']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HTTP 403 FORBIDDEN/);
  });

  it('exits 1 and prints the reasons when a job fails', async () => {
    rmSync(docs, { recursive: true, force: true });
    const run = await kbSync(['--admin-key', ADMIN_KEY, '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAILED/);
    expect(run.stderr).toMatch(/ended FAILED\n {2}The S3 bucket lantern-documents .* does not exist/);
  });
});
