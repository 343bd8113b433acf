/**
 * An emulator on port 0 over an S3 data source folder written for the test, with real
 * bedrock-agent and bedrock-agent-runtime clients, and `sync()`: StartIngestionJob, then
 * GetIngestionJob until the job ends (bounded).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  BedrockAgentClient,
  GetIngestionJobCommand,
  type IngestionJob,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { type BedrockEmulator, startBedrockEmulator } from '../../../../local/bedrock-emulator/index.ts';

export const KB = 'INGESTKB01';
export const DS = 'INGESTDS01';
export const BUCKET = 'docs';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface JobFixture {
  readonly folder: string;
  readonly emulator: BedrockEmulator;
  readonly agent: BedrockAgentClient;
  readonly runtime: BedrockAgentRuntimeClient;
  /** Writes (or, with `undefined`, deletes) files below the folder. */
  write(files: Readonly<Record<string, string | undefined>>): Promise<void>;
  /** Runs one ingestion job to its end and returns it as GetIngestionJob last described it. */
  sync(): Promise<IngestionJob>;
  /** The source URIs Retrieve returns for a question (up to 50 chunks). */
  retrievedUris(text: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startJobEmulator(files: Readonly<Record<string, string>>): Promise<JobFixture> {
  const folder = await mkdtemp(join(tmpdir(), 'lantern-ingestion-'));
  const write = async (changes: Readonly<Record<string, string | undefined>>) => {
    for (const [name, text] of Object.entries(changes)) {
      const path = join(folder, name);
      if (text === undefined) await rm(path, { force: true });
      else {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, text);
      }
    }
  };
  await write(files);
  const emulator = await startBedrockEmulator({
    port: 0,
    knowledgeBases: [
      { knowledgeBaseId: KB, dataSources: [{ dataSourceId: DS, type: 'S3', folder, bucketName: BUCKET }] },
    ],
  });
  const options = { endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 };
  const agent = new BedrockAgentClient(options);
  const runtime = new BedrockAgentRuntimeClient(options);
  return {
    folder,
    emulator,
    agent,
    runtime,
    write,
    sync: async () => {
      const started = await agent.send(
        new StartIngestionJobCommand({ knowledgeBaseId: KB, dataSourceId: DS }),
      );
      if (!started.ingestionJob) throw new Error('no ingestion job');
      return (await waitForJob(agent, started.ingestionJob)).job;
    },
    retrievedUris: async (text) => (await retrieve(runtime, KB, text)).map((chunk) => chunk.uri),
    close: async () => {
      agent.destroy();
      runtime.destroy();
      await emulator.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Polls GetIngestionJob until the job is terminal (bounded); returns every status seen. */
export async function waitForJob(
  agent: BedrockAgentClient,
  job: IngestionJob,
  timeoutMs = 10_000,
): Promise<{ job: IngestionJob; seen: string[] }> {
  const seen: string[] = [job.status ?? ''];
  const deadline = Date.now() + timeoutMs;
  let current = job;
  while (!['COMPLETE', 'FAILED', 'STOPPED'].includes(current.status ?? '')) {
    if (Date.now() > deadline) throw new Error(`job ${job.ingestionJobId} still ${current.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const response = await agent.send(
      new GetIngestionJobCommand({
        knowledgeBaseId: job.knowledgeBaseId ?? '',
        dataSourceId: job.dataSourceId ?? '',
        ingestionJobId: job.ingestionJobId ?? '',
      }),
    );
    current = response.ingestionJob ?? current;
    if (seen.at(-1) !== current.status) seen.push(current.status ?? '');
  }
  return { job: current, seen };
}

/** Every retrieved chunk (up to 50) as its source URI and text. */
export async function retrieve(runtime: BedrockAgentRuntimeClient, knowledgeBaseId: string, text: string) {
  const response = await runtime.send(
    new RetrieveCommand({
      knowledgeBaseId,
      retrievalQuery: { text },
      retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 50 } },
    }),
  );
  return (response.retrievalResults ?? []).map((r) => ({
    uri: r.location?.s3Location?.uri ?? '',
    text: r.content?.text ?? '',
  }));
}
