/**
 * Ingestion throughput and peak memory of the local knowledge base (the Bedrock emulator's
 * ingestion job: read, chunk, index), and Retrieve latency at that size, on a real corpus and on a
 * synthetic one generated here (by default 5,000 articles of about 2 KB). Each run is a fresh
 * emulator in a fresh process (`ingestion-process.ts`).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestionRun, Latencies } from './ingestion-process.ts';
import { median } from './stats.ts';

export interface IngestionRate {
  readonly documents: number;
  readonly chunks: number;
  /** Median over runs. */
  readonly ms: number;
  readonly docsPerSecond: number;
  /** Highest peak RSS of the ingesting process over the runs, in bytes. */
  readonly peakRssBytes: number;
  /** Retrieve p50/p95 over the SDK client at this size (medians over runs). */
  readonly retrieve?: IngestionRun['retrieve'];
  /** Highest peak RSS over the runs once the Retrieve calls were made too. */
  readonly peakRssAfterRetrieveBytes?: number;
}

/**
 * Ingests `folder` `runs` times, each in a fresh process (a second ingestion in the same emulator
 * would skip unchanged documents, and a process of its own makes its peak RSS the ingestion's).
 * With `queries`, each run then times that many Retrieve calls.
 */
export async function benchIngestion(folder: string, runs: number, queries = 0): Promise<IngestionRate> {
  const results: IngestionRun[] = [];
  for (let run = 0; run < runs; run++) results.push(await ingestInChild(folder, queries));
  const ms = median(results.map((r) => r.ms));
  const { documents, chunks } = results[0] as IngestionRun;
  const picked = results.map((r) => r.retrieve).filter((l): l is Latencies => l !== undefined);
  const retrieve =
    picked.length === 0
      ? undefined
      : {
          queries: picked.reduce((sum, l) => sum + l.queries, 0),
          p50: median(picked.map((l) => l.p50)),
          p95: median(picked.map((l) => l.p95)),
        };
  return {
    documents,
    chunks,
    ms,
    docsPerSecond: documents / (ms / 1000),
    peakRssBytes: Math.max(...results.map((r) => r.maxRssBytes)),
    ...(retrieve
      ? { retrieve, peakRssAfterRetrieveBytes: Math.max(...results.map((r) => r.maxRssAfterRetrieveBytes)) }
      : {}),
  };
}

async function ingestInChild(folder: string, queries: number): Promise<IngestionRun> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'ingestion-process.ts'),
      folder,
      '--queries',
      String(queries),
    ],
    { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    output += data;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{'))
    throw new Error(`ingestion process exited with ${code}: ${output}`);
  return JSON.parse(line) as IngestionRun;
}

/** A small deterministic PRNG (mulberry32), so the synthetic corpus is the same on every machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FALLBACK_WORDS =
  'account admin billing workspace invoice password team member inbox ticket reply customer plan seat export import column table page doc share folder icon pack button formula sync setting report'.split(
    ' ',
  );

/** Distinct words (3+ letters) of the Markdown files below `folder`, for realistic-looking text. */
export function vocabularyOf(folder: string | undefined, limit = 3_000): string[] {
  if (!folder) return FALLBACK_WORDS;
  const words = new Set<string>();
  try {
    for (const name of (readdirSync(folder, { recursive: true }) as string[]).sort()) {
      if (!name.endsWith('.md')) continue;
      for (const word of readFileSync(join(folder, name), 'utf8')
        .toLowerCase()
        .match(/[a-z]{3,}/g) ?? []) {
        words.add(word);
        if (words.size >= limit) break;
      }
    }
  } catch {
    return FALLBACK_WORDS;
  }
  return words.size >= 100 ? [...words] : FALLBACK_WORDS;
}

/**
 * Writes `count` help-center-like Markdown articles into `dir`, in 10 topic folders: a title, an
 * introduction, then `##` sections of 1–3 paragraphs until the article reaches about
 * `averageBytes` (each article's target drawn from ±25 % around it). Same seed, same files.
 */
export function writeSyntheticCorpus(
  dir: string,
  count: number,
  words: readonly string[],
  seed = 42,
  averageBytes = 2_048,
): void {
  const random = prng(seed);
  const pick = () => words[Math.floor(random() * words.length)] ?? 'word';
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const phrase = (n: number) => Array.from({ length: n }, pick).join(' ');
  const sentence = () => {
    const text = phrase(between(8, 20));
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `topic-${i % 10}`);
    mkdirSync(folder, { recursive: true });
    const target = averageBytes * (0.75 + 0.5 * random());
    const lines = [
      `# ${phrase(between(3, 6))}`,
      '',
      Array.from({ length: between(2, 4) }, sentence).join(' '),
    ];
    let size = lines.join('\n').length;
    while (size < target) {
      const section = ['', `## ${phrase(between(2, 5))}`, ''];
      for (let p = between(1, 3); p > 0 && size + section.join('\n').length < target; p--)
        section.push(Array.from({ length: between(3, 6) }, sentence).join(' '), '');
      lines.push(...section);
      size += section.join('\n').length + 1;
    }
    writeFileSync(join(folder, `article-${String(i).padStart(4, '0')}.md`), `${lines.join('\n')}\n`);
  }
}
