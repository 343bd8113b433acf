/** An emulator on port 0 over a tiny temporary docs folder, and a bedrock-runtime client for it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  type BedrockEmulator,
  type GuardrailOptions,
  startBedrockEmulator,
} from '../../../../local/bedrock-emulator/index.ts';

export const KNOWLEDGE_BASE_ID = 'GUARDKB';
export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface GuardrailFixture {
  readonly emulator: BedrockEmulator;
  close(): Promise<void>;
}

export async function startGuardrailEmulator(
  documents: Readonly<Record<string, string>> = { 'welcome.md': '# Welcome\n\nThis is the help center.\n' },
  guardrail?: GuardrailOptions,
): Promise<GuardrailFixture> {
  const folder = await mkdtemp(join(tmpdir(), 'lantern-guardrail-'));
  for (const [name, text] of Object.entries(documents)) await writeFile(join(folder, name), text);
  const emulator = await startBedrockEmulator({
    port: 0,
    knowledgeBases: [
      {
        knowledgeBaseId: KNOWLEDGE_BASE_ID,
        dataSources: [{ dataSourceId: 'GUARDDS', type: 'S3', folder, bucketName: 'guardrail-docs' }],
      },
    ],
    ...(guardrail === undefined ? {} : { guardrail }),
  });
  await emulator.ingest();
  return {
    emulator,
    close: async () => {
      await emulator.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export function runtimeClient(emulator: BedrockEmulator): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
}
