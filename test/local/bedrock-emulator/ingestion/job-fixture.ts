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
      let job = started.ingestionJob;
      for (let polls = 0; polls < 500; polls++) {
        if (job === undefined) throw new Error('no ingestion job');
        if (['COMPLETE', 'FAILED', 'STOPPED'].includes(job.status ?? '')) return job;
        await new Promise((resolve) => setTimeout(resolve, 10));
        const response = await agent.send(
          new GetIngestionJobCommand({
            knowledgeBaseId: KB,
            dataSourceId: DS,
            ingestionJobId: job.ingestionJobId,
          }),
        );
        job = response.ingestionJob;
      }
      throw new Error(`ingestion job ${job?.ingestionJobId} did not end`);
    },
    retrievedUris: async (text) => {
      const response = await runtime.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 50 } },
        }),
      );
      return (response.retrievalResults ?? []).map((result) => result.location?.s3Location?.uri ?? '');
    },
    close: async () => {
      agent.destroy();
      runtime.destroy();
      await emulator.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
