/**
 * `npm run bench`: performance figures of the local stack (real gateway, handlers, dynalite and the
 * Bedrock emulator over loopback). Prints medians; nothing here asserts a time.
 *
 *   npm run bench -- [--corpus coda|sample] [--requests 200] [--rounds 3] [--stream-runs 100]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_KEY, apiClient, bootStack, CODA_HELP, SAMPLE_KB } from '../helpers/local-stack.ts';
import { benchChatLatency } from './chat-latency.ts';
import { ms } from './stats.ts';
import { benchStreamFirstByte } from './stream-first-byte.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'coda' },
    requests: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    'stream-runs': { type: 'string', default: '100' },
  },
});
const bounded = (value: string | undefined, fallback: number, max: number) =>
  Math.min(Math.max(Number(value) || fallback, 1), max);
const corpus = values.corpus === 'sample' ? 'sample' : 'coda';
const requests = bounded(values.requests, 200, 5_000);
const rounds = bounded(values.rounds, 3, 10);
const streamRuns = bounded(values['stream-runs'], 100, 2_000);
const questions: string[] = JSON.parse(
  readFileSync(
    join(
      import.meta.dirname,
      '..',
      'eval',
      corpus === 'sample' ? 'sample-kb-questions.json' : 'coda-help-questions.json',
    ),
    'utf8',
  ),
).questions.map((q: { question: string }) => q.question);

const started = performance.now();
const stack = await bootStack({ docsDir: corpus === 'sample' ? SAMPLE_KB : CODA_HELP });
const startMs = performance.now() - started;
try {
  const chat = await benchChatLatency(apiClient(stack.url), questions, { requests, rounds });
  const stream = await benchStreamFirstByte(stack, API_KEY, questions, streamRuns);
  console.log(`
Lantern local stack, ${corpus === 'sample' ? 'sample knowledge base' : 'coda-help corpus'}

| figure | value |
| --- | --- |
| start + ingestion | ${ms(startMs)} |
| POST /v1/chat p50 (concurrency 1, ${requests} requests × ${rounds} rounds, median of rounds) | ${ms(chat.p50)} |
| POST /v1/chat p95 | ${ms(chat.p95)} |
| POST /v1/chat p50, follow-up turns | ${ms(chat.followUpP50)} |
| first text event, /v1/chat/stream p50 (${streamRuns} runs) | ${ms(stream.lanternP50)} |
| first output event, direct SDK RetrieveAndGenerateStream p50 | ${ms(stream.directP50)} |
| streaming first-byte overhead p50 (paired difference) | ${ms(stream.overheadP50)} |`);
} finally {
  await stack.close();
}
