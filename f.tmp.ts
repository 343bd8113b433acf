import { readFileSync } from 'node:fs';
import { KnowledgeBase, ingestAll } from './local/bedrock-emulator/knowledge-base.ts';
import { analyze, tokenize } from './local/bedrock-emulator/analyzer.ts';
import { onTopicQuestions, offTopicQuestions } from './test/local/bedrock-emulator/coda-questions.ts';
const coda = JSON.parse(readFileSync('test/eval/coda-help-questions.json', 'utf8'));
const sample = JSON.parse(readFileSync('test/eval/sample-kb-questions.json', 'utf8'));
async function feats(folder: string, items: {q: string; label: string; exp?: string|string[]}[]) {
  const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'b' }]);
  await ingestAll([kb]);
  const idx = (kb as any);
  for (const it of items) {
    const r = kb.retrieve({ text: it.q }, 1)[0];
    const terms = [...new Set(analyze(it.q))];
    const chunkTerms = r ? (kb as any)['#index'] : undefined;
    const unk = terms.filter(t => kb.idf(t) >= kb.idf('zzzzunknown') - 1e-9);
    const right = r && it.exp ? [it.exp].flat().includes(r.chunk.sourceUri.replace('s3://b/','')) : undefined;
    console.log([it.label, right === undefined ? '' : right ? 'R' : 'W', terms.length, unk.length, r?.coverage.share.toFixed(2), r?.coverage.unknownShare.toFixed(2), r?.coverage.matchedIdf.toFixed(1), it.q.slice(0, 70), '| unk:', unk.join(',')].join('\t'));
  }
}
const on = (qs: any[]) => qs.map((q: any) => ({ q: q.question, label: 'ON', exp: q.expected }));
const off = (qs: readonly string[]) => qs.map(q => ({ q, label: 'OFF' }));
console.log('=== coda');
await feats('/work/shared/corpora/coda-help', [...on(onTopicQuestions as any), ...on(coda.questions), ...off(offTopicQuestions), ...off(coda.offTopic)]);
console.log('=== sample');
await feats('local/sample-kb', [...on(sample.questions), ...off(offTopicQuestions), ...off(sample.offTopic)]);
