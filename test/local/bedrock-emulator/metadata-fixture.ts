/**
 * An emulator on port 0 over documents written to a temporary folder, each carrying metadata the
 * three ways Bedrock reads it: front matter, a sidecar with plain values, a sidecar with typed
 * values; and one document with none. Every document speaks of invoices, so one question reaches
 * them all and only a filter tells them apart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import {
  type BedrockEmulator,
  type EmulatorKnowledgeBase,
  type StartEmulatorOptions,
  startBedrockEmulator,
} from '../../../local/bedrock-emulator/index.ts';

export const KB_ID = 'META000001';
export const BUCKET = 'meta-docs';
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const MODEL_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0';

export const uriOf = (file: string) => `s3://${BUCKET}/${file}`;

export const DOCUMENTS: Readonly<Record<string, string>> = {
  'alpha-invoices.md': [
    '---',
    'title: Alpha invoices',
    'product: alpha',
    'year: 2023',
    'tags: [billing, invoices]',
    'audience: admin',
    'published: true',
    '---',
    '# Alpha invoices',
    '',
    'Every invoice in Alpha lists the invoice number, the invoice date and the invoice total. Download an invoice from the Billing page.',
  ].join('\n'),
  'beta-invoices.md':
    '# Beta invoices\n\nBeta sends an invoice by email at the start of each month. Ask the account owner to forward the invoice.\n',
  'beta-invoices.md.metadata.json': JSON.stringify({
    metadataAttributes: { product: 'beta', year: 2024, tags: ['billing'], published: true },
  }),
  'gamma-exports.md':
    '# Gamma exports\n\nGamma exports an invoice report as CSV. Open Reports, choose Invoice report and click Export.\n',
  'gamma-exports.md.metadata.json': JSON.stringify({
    metadataAttributes: {
      product: { value: { type: 'STRING', stringValue: 'gamma' }, includeForEmbedding: true },
      year: { value: { type: 'NUMBER', numberValue: 2025 }, includeForEmbedding: true },
      tags: { value: { type: 'STRING_LIST', stringListValue: ['export', 'reports'] } },
      published: { value: { type: 'BOOLEAN', booleanValue: false } },
    },
  }),
  'untagged-note.md': '# A note\n\nQuestions about an invoice go to the support team.\n',
};

export const ALL_FILES = ['alpha-invoices.md', 'beta-invoices.md', 'gamma-exports.md', 'untagged-note.md'];

export interface MetadataFixture {
  readonly emulator: BedrockEmulator;
  readonly client: BedrockAgentRuntimeClient;
  /** A client signing for another region (rerank models differ per region). */
  clientIn(region: string): BedrockAgentRuntimeClient;
  close(): Promise<void>;
}

export async function startMetadataEmulator(
  {
    nonFilterableMetadataKeys,
    vectorStore,
    ...options
  }: Partial<StartEmulatorOptions> &
    Pick<EmulatorKnowledgeBase, 'nonFilterableMetadataKeys' | 'vectorStore'> = {},
  documents: Readonly<Record<string, string>> = DOCUMENTS,
): Promise<MetadataFixture> {
  const folder = await mkdtemp(join(tmpdir(), 'lantern-metadata-'));
  for (const [name, text] of Object.entries(documents)) await writeFile(join(folder, name), text);
  const emulator = await startBedrockEmulator({
    port: 0,
    ...options,
    knowledgeBases: [
      {
        knowledgeBaseId: KB_ID,
        dataSources: [{ dataSourceId: 'METADS0001', type: 'S3', folder, bucketName: BUCKET }],
        ...(nonFilterableMetadataKeys ? { nonFilterableMetadataKeys } : {}),
        ...(vectorStore ? { vectorStore } : {}),
      },
    ],
  });
  await emulator.ingest();
  const clients: BedrockAgentRuntimeClient[] = [];
  const clientIn = (region: string) => {
    const client = new BedrockAgentRuntimeClient({
      endpoint: emulator.url,
      region,
      credentials,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  return {
    emulator,
    client: clientIn('us-east-1'),
    clientIn,
    close: async () => {
      for (const client of clients) client.destroy();
      await emulator.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** A raw JSON POST, for bodies the SDK would not send (two operators in one union member). */
export async function postJson(
  emulator: BedrockEmulator,
  path: string,
  body: unknown,
): Promise<{ status: number; errorType: string | null; message: string }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { message?: string };
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    message: json.message ?? '',
  };
}
