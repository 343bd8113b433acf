import { readFileSync } from 'node:fs';
import { KnowledgeBase, ingestAll } from './local/bedrock-emulator/knowledge-base.ts';
import { analyze } from './local/bedrock-emulator/analyzer.ts';
import { onTopicQuestions, offTopicQuestions } from './test/local/bedrock-emulator/coda-questions.ts';
const verbose = process.argv.includes('-v');
async function run(name: string, folder: string, qs: {question: string; expected: string|string[]}[], fus: {turns: string[]; expected: string|string[]}[], off: readonly string[]) {
  const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'b' }]);
  await ingestAll([kb]);
  const rel = (u?: string) => u?.replace('s3://b/', '');
  const ok = (u: string|undefined, e: string|string[]) => [e].flat().includes(rel(u) ?? '');
  let good = 0;
  for (const q of qs) {
    const r = kb.retrieve({ text: q.question }, 3);
    const g = r[0]?.relevant && ok(r[0]?.chunk.sourceUri, q.expected);
    if (g) good++;
    if (!g || verbose) console.log(g?'ok  ':'MISS', q.question, '|', analyze(q.question).join(','), '→', r.map(x => `${rel(x.chunk.sourceUri)} ${x.coverage.share.toFixed(2)}/${x.coverage.unknownShare.toFixed(2)}${x.relevant?'':' IRR'}`).join(' ; '), ' want', q.expected);
  }
  let fgood = 0;
  for (const f of fus) {
    const hist = f.turns.slice(0, -1);
    const r = kb.retrieve({ text: f.turns.at(-1)!, history: hist }, 3);
    const g = r[0]?.relevant && ok(r[0]?.chunk.sourceUri, f.expected);
    if (g) fgood++;
    if (!g || verbose) console.log(g?'ok  ':'MISS', 'FU', f.turns.join(' → '), '→', r.map(x => `${rel(x.chunk.sourceUri)} ${x.coverage.share.toFixed(2)}${x.relevant?'':' IRR'}`).join(' ; '), ' want', f.expected);
  }
  let dec = 0;
  for (const q of off) {
    const r = kb.retrieve({ text: q }, 3);
    const d = !r.some(x => x.relevant);
    if (d) dec++;
    if (!d || verbose) console.log(d?'ok  ':'MISS', 'OFF', q, '|', analyze(q).join(','), '→', r.map(x => `${rel(x.chunk.sourceUri)} ${x.coverage.share.toFixed(2)}/${x.coverage.unknownShare.toFixed(2)}${x.relevant?' REL':''}`).join(' ; '));
  }
  console.log(`## ${name}: right ${good}/${qs.length} (${(100*good/qs.length).toFixed(0)}%), follow-ups ${fgood}/${fus.length}, declined ${dec}/${off.length}`);
}
const coda = JSON.parse(readFileSync('test/eval/coda-help-questions.json', 'utf8'));
const sample = JSON.parse(readFileSync('test/eval/sample-kb-questions.json', 'utf8'));
const mine = process.argv.includes('--mine-only');
await run('mine/coda', '/work/shared/corpora/coda-help', onTopicQuestions as any, [], offTopicQuestions);
if (!mine) {
await run('eval/coda', '/work/shared/corpora/coda-help', coda.questions, coda.followUps, coda.offTopic);
await run('eval/sample', 'local/sample-kb', sample.questions, sample.followUps, [...sample.offTopic, ...offTopicQuestions]);
}
