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
  /** Retrieve latencies over the SDK client once the index settled, when queries were asked for. */
  readonly retrieve?: Latencies;
  /** The same for the questions asked between the end of ingestion and the index settling. */
  readonly retrieveWhileSettling?: Latencies;
  /** From the end of ingestion until the index had scored its common terms ahead. */
  readonly settleMs?: number;
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
  let retrieve: Pick<IngestionRun, 'retrieve' | 'retrieveWhileSettling' | 'settleMs'> = {};
  if (queries > 0) retrieve = await timeRetrieve(queries);
  const run: IngestionRun = {
    documents,
    chunks,
    ms,
    maxRssBytes,
    maxRssAfterRetrieveBytes: process.resourceUsage().maxRSS * 1024,
    ...retrieve,
  };
  console.log(JSON.stringify(run));
} finally {
  await emulator.close();
}

/**
 * Times Retrieve calls through the SDK client: those asked while the index settles after the
 * ingestion (scoring its common terms ahead), then `count` more once it has settled.
 */
async function timeRetrieve(
  count: number,
): Promise<Pick<IngestionRun, 'retrieve' | 'retrieveWhileSettling' | 'settleMs'>> {
  const settleStarted = performance.now();
  let settleMs: number | undefined;
  const settled = emulator.settled().then(() => {
    settleMs = performance.now() - settleStarted;
  });
  const client = new BedrockAgentRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    const questions = questionsFrom(folder as string, 2 * count + 20);
    const timed = async (texts: string[], until?: () => boolean) => {
      const times: number[] = [];
      for (const text of texts) {
        if (until?.()) break;
        const started = performance.now();
        await client.send(new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text } }));
        times.push(performance.now() - started);
      }
      return times;
    };
    const whileSettling = await timed(questions.slice(0, count), () => settleMs !== undefined);
    await settled;
    await timed(questions.slice(count, count + 20)); // warm-up of the client and the JIT
    const after = await timed(questions.slice(count + 20));
    return {
      settleMs: settleMs ?? 0,
      retrieve: latencies(after),
      ...(whileSettling.length > 0 ? { retrieveWhileSettling: latencies(whileSettling) } : {}),
    };
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
