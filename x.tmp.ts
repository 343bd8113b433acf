import { KnowledgeBase, ingestAll } from './local/bedrock-emulator/knowledge-base.ts';
import { analyze } from './local/bedrock-emulator/analyzer.ts';
import { onTopicQuestions, offTopicQuestions, codaCorpusFolder } from './test/local/bedrock-emulator/coda-questions.ts';
const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder: codaCorpusFolder, bucketName: 'coda' }]);
console.log(await ingestAll([kb]));
let ok = 0;
for (const q of onTopicQuestions) {
  const r = kb.retrieve({ text: q.question }, 3);
  const top = r[0];
  const file = top?.chunk.sourceUri.split('/').pop();
  const good = q.expected.includes(file ?? '') && top?.relevant;
  if (good) ok++;
  console.log(good ? 'OK ' : 'BAD', q.question, '|', analyze(q.question).join(','), '→', r.map(x => `${x.chunk.sourceUri.split('/').pop()} s=${x.score} cov=${x.coverage.share.toFixed(2)}/${x.coverage.matchedIdf.toFixed(1)}${x.relevant?'':' (irrelevant)'}`).join(' ; '));
}
console.log('on-topic', ok, '/', onTopicQuestions.length);
let dec = 0;
for (const q of offTopicQuestions) {
  const r = kb.retrieve({ text: q }, 3);
  const top = r.find(x=>x.relevant);
  if (!top) dec++;
  console.log(top ? 'ANSWERED' : 'declined', q, '|', analyze(q).join(','), '→', r.map(x => `${x.chunk.sourceUri.split('/').pop()} cov=${x.coverage.share.toFixed(2)}/${x.coverage.matchedIdf.toFixed(1)}`).join(' ; '));
}
console.log('off-topic declined', dec, '/', offTopicQuestions.length);
