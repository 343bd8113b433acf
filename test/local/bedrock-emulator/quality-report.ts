/**
 * Retrieval quality without the stack, for quick iterations: for each case of a dataset, whether
 * the first relevant chunk is from an expected document, and whether off-topic cases are declined.
 *
 *   npx tsx test/local/bedrock-emulator/quality-report.ts --dataset FILE --docs DIR [--verbose]
 *
 * `npm run eval` is the measurement of record; this only ranks, it does not generate.
 */
import { parseArgs } from 'node:util';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { loadDataset } from '../../eval/dataset.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string' },
    docs: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    dump: { type: 'boolean', default: false },
  },
});
if (!values.dataset || !values.docs) throw new Error('give --dataset FILE and --docs DIR');
const kb = new KnowledgeBase('QUALITYKB1', [
  { dataSourceId: 'DOCS000001', type: 'S3', folder: values.docs, bucketName: 'docs' },
]);
await ingestAll([kb]);
/** Answerable cases whose best chunk is from an expected document, relevant or not. */
let ranked = 0;
const tally = new Map<string, { pass: number; total: number }>();
for (const c of loadDataset(values.dataset)) {
  const { turns } = c;
  const text = turns.at(-1) ?? '';
  const results = kb.retrieve({ text, history: turns.slice(0, -1) }, 5);
  const top = results[0]?.relevant ? results[0].chunk.sourceUri : undefined;
  const pass = c.expectNoAnswer
    ? top === undefined
    : top !== undefined && (c.expectedSources ?? []).some((s) => top === s || top.endsWith(`/${s}`));
  const first = results[0]?.chunk.sourceUri ?? '';
  if (!c.expectNoAnswer && (c.expectedSources ?? []).some((s) => first.endsWith(`/${s}`))) ranked += 1;
  const kind = /-([a-z])\d+$/.exec(c.id)?.[1] ?? '?';
  const t = tally.get(kind) ?? { pass: 0, total: 0 };
  tally.set(kind, { pass: t.pass + (pass ? 1 : 0), total: t.total + 1 });
  if (values.dump) {
    const j = results[0]?.judgement;
    console.log(
      `${c.expectNoAnswer ? 'NO ' : pass ? 'OK ' : 'BAD'} ${j?.share.toFixed(2)} ${j?.matched.toFixed(1)} ${c.id}`,
    );
  }
  if (values.verbose && !pass)
    console.log(`MISS ${c.id}: ${text} → ${top ?? '(declined)'} [${results[0]?.chunk.sourceUri}]`);
}
const all = [...tally.values()].reduce((a, b) => ({ pass: a.pass + b.pass, total: a.total + b.total }), {
  pass: 0,
  total: 0,
});
console.log(
  [...tally].map(([k, v]) => `${k} ${v.pass}/${v.total}`).join('  '),
  ` all ${all.pass}/${all.total}`,
  ` ranked first ${ranked}`,
);
