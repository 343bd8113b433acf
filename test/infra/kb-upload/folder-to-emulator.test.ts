import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BedrockAgentRuntimeClient,
  RetrieveAndGenerateCommand,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { type BedrockEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';
import { mapCitations, mapReference } from '../../../shared/chat/citations.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const KB = 'KBUPLOAD01';

const REFUNDS = `---
title: Refund policy
tenant: acme
---
# Refunds

Annual plans are refunded within thirty days of purchase.
`;
const WEBHOOKS = `+++
title = "Webhook retries"
url = "https://status.example.com/webhooks"
+++
# Webhooks

A failed webhook delivery is retried for twenty-four hours.
`;
const PLAIN = 'Exports run every night and land in the archive folder.\n';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'lantern-kb-upload-to-'));
  cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function kbUpload(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['infra/kb-upload/cli.ts', ...args],
      { cwd: ROOT, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    );
  });
}

async function emulatorOn(folder: string): Promise<BedrockAgentRuntimeClient> {
  const emulator: BedrockEmulator = await startBedrockEmulator({
    port: 0,
    knowledgeBases: [
      {
        knowledgeBaseId: KB,
        dataSources: [{ dataSourceId: 'DSUPLOAD01', type: 'S3', folder, bucketName: 'docs' }],
      },
    ],
  });
  cleanup.push(() => emulator.close());
  await emulator.ingest();
  const runtime = new BedrockAgentRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  cleanup.push(() => runtime.destroy());
  return runtime;
}

describe('kb:upload --to FOLDER, then the emulator ingesting it', () => {
  it('writes the documents and metadata files, and Retrieve and citations carry their title and public url', async () => {
    const source = tempFolder();
    mkdirSync(join(source, 'billing'));
    writeFileSync(join(source, 'billing', 'refunds.md'), REFUNDS);
    writeFileSync(join(source, 'webhooks.md'), WEBHOOKS);
    writeFileSync(join(source, 'exports.txt'), PLAIN);
    writeFileSync(
      join(source, 'exports.txt.metadata.json'),
      '{"metadataAttributes": {"title": "Nightly exports"}}',
    );
    const target = join(tempFolder(), 'prepared');

    const run = await kbUpload([source, '--to', target, '--url-template', 'https://help.example.com/{path}']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Uploaded 3 document\(s\) \(3 new, 0 replaced\) and 3 metadata file\(s\)/);
    expect(readFileSync(join(target, 'billing', 'refunds.md'), 'utf8')).toBe(REFUNDS);
    expect(existsSync(join(target, 'billing', 'refunds.md.metadata.json'))).toBe(true);

    const runtime = await emulatorOn(target);
    const retrieved = await runtime.send(
      new RetrieveCommand({
        knowledgeBaseId: KB,
        retrievalQuery: { text: 'refunded annual plans, webhook delivery retried, exports every night' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 10 } },
      }),
    );
    const byUri = new Map(
      (retrieved.retrievalResults ?? []).map((result) => [result.location?.s3Location?.uri, result]),
    );
    expect(byUri.get('s3://docs/billing/refunds.md')?.metadata).toMatchObject({
      title: 'Refund policy',
      tenant: 'acme',
      url: 'https://help.example.com/billing/refunds',
    });
    expect(byUri.get('s3://docs/webhooks.md')?.metadata).toMatchObject({
      title: 'Webhook retries',
      url: 'https://status.example.com/webhooks',
    });
    const exportsResult = byUri.get('s3://docs/exports.txt');
    expect(exportsResult?.metadata).toMatchObject({
      title: 'Nightly exports',
      url: 'https://help.example.com/exports',
    });
    expect(mapReference(exportsResult ?? {})).toMatchObject({
      sourceUri: 's3://docs/exports.txt',
      title: 'Nightly exports',
      url: 'https://help.example.com/exports',
    });

    const answered = await runtime.send(
      new RetrieveAndGenerateCommand({
        input: { text: 'How long is a failed webhook delivery retried?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: {
            knowledgeBaseId: KB,
            modelArn: knowledgeBaseSettings.generationModelId,
          },
        },
      }),
    );
    const references = mapCitations(answered.output?.text ?? '', answered.citations).flatMap(
      (c) => c.references,
    );
    expect(references.length).toBeGreaterThan(0);
    expect(references[0]).toMatchObject({
      sourceUri: 's3://docs/webhooks.md',
      title: 'Webhook retries',
      url: 'https://status.example.com/webhooks',
    });
  });
});
