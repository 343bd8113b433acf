import diagnostics from 'node:diagnostics_channel';
import { RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localGuardrail } from '../../../config/guardrail.ts';
import { type BedrockEmulator, startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';
import { LOCAL_MODEL_ARN } from '../../../local/stack.ts';
import { BedrockGuardrail } from '../../../shared/aws/bedrock-guardrail.ts';
import { BedrockRag } from '../../../shared/aws/bedrock-rag.ts';
import { createAgentRuntimeClient, createRuntimeClient } from '../../../shared/aws/clients.ts';
import { parseConfig } from '../../../shared/config.ts';
import { SAMPLE_KB } from '../../helpers/local-stack.ts';

let emulator: BedrockEmulator;
/** Connections the emulator accepted (every TCP server of this process reports here). */
let connections = 0;
const countConnection = () => {
  connections += 1;
};

beforeAll(async () => {
  // The SDK's credential chain reads these; the emulator accepts any signature.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  emulator = await startBedrockEmulator({
    port: 0,
    knowledgeBases: [
      {
        knowledgeBaseId: 'KB12345678',
        dataSources: [{ dataSourceId: 'DS1', type: 'S3', folder: SAMPLE_KB, bucketName: 'docs' }],
      },
    ],
  });
  await emulator.ingest();
  diagnostics.subscribe('net.server.socket', countConnection);
});

afterAll(async () => {
  diagnostics.unsubscribe('net.server.socket', countConnection);
  vi.unstubAllEnvs();
  await emulator.close();
});

describe('Bedrock runtime clients', () => {
  const config = () =>
    parseConfig({
      TABLE_NAME: 't',
      KNOWLEDGE_BASE_ID: 'KB12345678',
      MODEL_ARN: 'm',
      BEDROCK_RUNTIME_ENDPOINT: emulator.url,
      BEDROCK_AGENT_RUNTIME_ENDPOINT: emulator.url,
    });

  const answerText = async (stream: Awaited<ReturnType<BedrockRag['stream']>>) => {
    let text = '';
    for await (const event of stream.events) if (event.type === 'text') text += event.text;
    return text;
  };

  // The SDK's default opens a connection (on AWS, a TLS handshake) per plain request and per event
  // stream, and every turn makes an ApplyGuardrail request before it may ask the knowledge base.
  it('answer turn after turn over one kept-alive connection per client', async () => {
    const guardrailClient = createRuntimeClient(config());
    const guardrail = new BedrockGuardrail(guardrailClient, {
      guardrailId: localGuardrail.id,
      guardrailVersion: localGuardrail.version,
    });
    const runtime = createAgentRuntimeClient(config());
    const rag = new BedrockRag(runtime, { knowledgeBaseId: 'KB12345678', modelArn: LOCAL_MODEL_ARN });
    try {
      const before = connections;
      for (let i = 0; i < 5; i++) {
        await guardrail.screenInput(`How do I reset my password? (${i})`);
        expect(await answerText(await rag.stream({ text: 'How do I reset my password?' }))).not.toBe('');
        await runtime.send(
          new RetrieveCommand({
            knowledgeBaseId: 'KB12345678',
            retrievalQuery: { text: 'reset my password' },
          }),
        );
      }
      expect(connections - before).toBe(2);
    } finally {
      guardrailClient.destroy();
      runtime.destroy();
    }
  });

  it('give up the connection of an abandoned answer and answer the next one on a new connection', async () => {
    const runtime = createAgentRuntimeClient(config());
    const rag = new BedrockRag(runtime, { knowledgeBaseId: 'KB12345678', modelArn: LOCAL_MODEL_ARN });
    try {
      const before = connections;
      const abort = new AbortController();
      const abandoned = await rag.stream({ text: 'How do I reset my password?' }, abort.signal);
      abort.abort();
      await expect(answerText(abandoned)).rejects.toThrow();
      expect(await answerText(await rag.stream({ text: 'How do I reset my password?' }))).not.toBe('');
      expect(connections - before).toBe(2);
    } finally {
      runtime.destroy();
    }
  });
});
