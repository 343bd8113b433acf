/**
 * One ingestion in a process of its own, so its memory high-water mark (`maxRSS`) is the
 * ingestion's: starts the Bedrock emulator on `folder`, ingests it, and, with `--queries N`, times
 * N Retrieve calls through the real SDK client. Prints one JSON line (`IngestionRun`).
 *
 *   node --import tsx test/bench/ingestion-process.ts <folder> [--queries N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startBedrockEmulator } from '../../local/bedrock-emulator/index.ts';
import { prng } from './ingestion.ts';
import { percentileOf } from './stats.ts';

export interface IngestionRun {
  readonly documents: number;
  readonly chunks: number;
  readonly ms: number;
  /** Peak resident set size of the process by the end of the ingestion, in bytes. */
  readonly maxRssBytes: number;
  /** The same after the Retrieve calls too (retrieval allocates on its own account). */
  readonly maxRssAfterRetrieveBytes: number;
  /** Retrieve latencies over the SDK client after the ingestion, when queries were asked for. */
  readonly retrieve?: Latencies;
}

export interface Latencies {
  readonly queries: number;
  readonly p50: number;
  readonly p95: number;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { queries: { type: 'string', default: '0' } },
});
const folder = positionals[0];
if (folder === undefined) throw new Error('usage: ingestion-process.ts <folder> [--queries N]');

const KB = 'BENCHKB001';
const emulator = await startBedrockEmulator({
  port: 0,
  knowledgeBases: [
    {
      knowledgeBaseId: KB,
      dataSources: [{ dataSourceId: 'BENCHDS001', type: 'S3', folder, bucketName: 'bench-documents' }],
    },
  ],
});
try {
  const started = performance.now();
  const { documents, chunks } = await emulator.ingest();
  const ms = performance.now() - started;
  // maxRSS is in kilobytes.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const queries = Number(values.queries);
  const retrieve = queries > 0 ? await timeRetrieve(queries) : undefined;
  const run: IngestionRun = {
    documents,
    chunks,
    ms,
    maxRssBytes,
    maxRssAfterRetrieveBytes: process.resourceUsage().maxRSS * 1024,
    ...(retrieve === undefined ? {} : { retrieve }),
  };
  console.log(JSON.stringify(run));
} finally {
  await emulator.close();
}

/** Times `count` Retrieve calls through the SDK client, after 20 to warm the client and the JIT. */
async function timeRetrieve(count: number): Promise<Latencies> {
  const client = new BedrockAgentRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    // Lantern's own runtime client's transport (HTTP/1.1 kept alive), so the figure is its Retrieve.
    requestHandler: new NodeHttpHandler(),
  });
  try {
    const times: number[] = [];
    for (const [i, text] of questionsFrom(folder as string, count + 20).entries()) {
      const started = performance.now();
      await client.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text } }));
      if (i >= 20) times.push(performance.now() - started);
    }
    return latencies(times);
  } finally {
    client.destroy();
  }
}

function latencies(times: number[]): Latencies {
  return { queries: times.length, p50: percentileOf(times, 0.5), p95: percentileOf(times, 0.95) };
}

/**
 * Customer-style questions about the corpus: a few words of a sentence of a random document, in
 * "how do I …?" form, so each query has real matches. Same folder, same questions.
 */
function questionsFrom(dir: string, count: number): string[] {
  const files = (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));
  const random = prng(7);
  const questions: string[] = [];
  while (questions.length < count && files.length > 0) {
    const file = files[Math.floor(random() * files.length)] as string;
    const words =
      readFileSync(file, 'utf8')
        .toLowerCase()
        .match(/[a-z]{3,}/g) ?? [];
    if (words.length < 5) continue;
    const at = Math.floor(random() * (words.length - 4));
    questions.push(`How do I ${words.slice(at, at + 2 + Math.floor(random() * 3)).join(' ')}?`);
  }
  return questions;
}
