/**
 * Answer-quality evaluation over the public API of the local stack.
 *
 *   npm run eval                       # coda-help corpus (../shared/corpora/coda-help)
 *   npm run eval -- --corpus sample    # the bundled sample knowledge base
 *
 * Prints, per question, whether the answer cites the expected article, then the shares: right
 * article cited (any citation, and first citation), follow-ups understood, off-topic declined.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { apiClient, bootStack, CODA_HELP, SAMPLE_KB } from '../helpers/local-stack.ts';

interface QuestionSet {
  questions: { question: string; expected: string | string[] }[];
  followUps: { turns: string[]; expected: string | string[] }[];
  offTopic: string[];
}

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: 'coda' }, verbose: { type: 'boolean' } },
});
const corpus = values.corpus === 'sample' ? 'sample' : 'coda';
const docsDir = corpus === 'sample' ? SAMPLE_KB : CODA_HELP;
const set: QuestionSet = JSON.parse(
  readFileSync(
    join(import.meta.dirname, corpus === 'sample' ? 'sample-kb-questions.json' : 'coda-help-questions.json'),
    'utf8',
  ),
);

const stack = await bootStack({ docsDir });
const client = apiClient(stack.url);
// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely here
const cited = (body: any): string[] =>
  (body?.citations ?? []).flatMap((c: { references: { sourceUri: string }[] }) =>
    c.references.map((r) => r.sourceUri),
  );
const matches = (uri: string | undefined, expected: string | string[]) =>
  uri !== undefined && [expected].flat().some((e) => uri.endsWith(`/${e}`));

let anyHits = 0;
let firstHits = 0;
for (const { question, expected } of set.questions) {
  const { body } = await client.chat(question);
  const uris = cited(body);
  const any = uris.some((u) => matches(u, expected));
  const first = matches(uris[0], expected);
  anyHits += any ? 1 : 0;
  firstHits += first ? 1 : 0;
  if (values.verbose || !any)
    console.log(`${any ? 'ok  ' : 'MISS'} ${question} → ${uris[0] ?? '(no citation)'} (want ${expected})`);
}

let followUpHits = 0;
for (const { turns, expected } of set.followUps) {
  let sessionId: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  let last: any;
  for (const turn of turns) {
    last = (await client.chat(turn, sessionId)).body;
    sessionId = last?.sessionId;
  }
  const ok = cited(last).some((u) => matches(u, expected));
  followUpHits += ok ? 1 : 0;
  if (values.verbose || !ok)
    console.log(`${ok ? 'ok  ' : 'MISS'} follow-up ${turns.join(' → ')} → ${cited(last)[0] ?? '(none)'}`);
}

let declined = 0;
for (const question of set.offTopic) {
  const { body } = await client.chat(question);
  const ok = body?.answer === knowledgeBaseSettings.noAnswerText && body?.citations?.length === 0;
  declined += ok ? 1 : 0;
  if (values.verbose || !ok)
    console.log(`${ok ? 'ok  ' : 'MISS'} off-topic ${question} → ${cited(body)[0] ?? body?.answer}`);
}
await stack.close();

const pct = (n: number, d: number) => `${n}/${d} (${((100 * n) / Math.max(d, 1)).toFixed(1)} %)`;
console.log(`
Corpus: ${corpus === 'sample' ? 'sample knowledge base' : 'coda-help'}
Right article cited (any citation):   ${pct(anyHits, set.questions.length)}
Right article cited (first citation): ${pct(firstHits, set.questions.length)}
Follow-ups citing the right article:  ${pct(followUpHits, set.followUps.length)}
Off-topic declined, no citations:     ${pct(declined, set.offTopic.length)}`);
