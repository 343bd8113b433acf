/**
 * `npm run bench`: latency of `POST /v1/chat` on the local stack (real gateway, handlers, dynalite
 * and the Bedrock emulator over loopback). Prints medians, not assertions: machines here are noisy.
 *
 *   npm run bench -- [--corpus coda|sample] [--requests 200] [--rounds 3]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apiClient, bootStack, CODA_HELP, SAMPLE_KB } from '../helpers/local-stack.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'coda' },
    requests: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
  },
});
const corpus = values.corpus === 'sample' ? 'sample' : 'coda';
const requests = Math.min(Math.max(Number(values.requests) || 200, 10), 5_000);
const rounds = Math.min(Math.max(Number(values.rounds) || 3, 1), 10);
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

const ingestStarted = performance.now();
const stack = await bootStack({ docsDir: corpus === 'sample' ? SAMPLE_KB : CODA_HELP });
const ingestMs = performance.now() - ingestStarted;
const client = apiClient(stack.url);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

for (let i = 0; i < 20; i++) await client.chat(questions[i % questions.length] ?? 'hello'); // warm-up

const p50s: number[] = [];
const p95s: number[] = [];
const followUpP50s: number[] = [];
for (let round = 0; round < rounds; round++) {
  const fresh: number[] = [];
  const followUps: number[] = [];
  let sessionId: string | undefined;
  for (let i = 0; i < requests; i++) {
    const question = questions[i % questions.length] ?? 'hello';
    // Every other request continues the previous session, as a real conversation would.
    const continuing = i % 2 === 1 ? sessionId : undefined;
    const started = performance.now();
    const res = await client.chat(question, continuing);
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}: ${res.text}`);
    (continuing ? followUps : fresh).push(ms);
    sessionId = res.body.sessionId;
  }
  const all = [...fresh, ...followUps].sort((a, b) => a - b);
  p50s.push(percentile(all, 0.5));
  p95s.push(percentile(all, 0.95));
  followUpP50s.push(median(followUps));
  console.log(
    `round ${round + 1}: p50 ${percentile(all, 0.5).toFixed(1)} ms, p95 ${percentile(all, 0.95).toFixed(1)} ms`,
  );
}
await stack.close();

console.log(`
POST /v1/chat on the local stack (${corpus === 'sample' ? 'sample knowledge base' : 'coda-help'}, ${requests} sequential requests x ${rounds} rounds)
| figure | median over rounds |
| --- | --- |
| ingestion + start | ${ingestMs.toFixed(0)} ms |
| p50 | ${median(p50s).toFixed(1)} ms |
| p95 | ${median(p95s).toFixed(1)} ms |
| p50, follow-up turns | ${median(followUpP50s).toFixed(1)} ms |`);
