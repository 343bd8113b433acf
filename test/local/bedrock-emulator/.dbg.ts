import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { codaCorpusFolder } from './coda-questions.ts';
import { sampleKbFolder } from './sample-kb-questions.ts';

const args = process.argv.slice(2);
const folder = args[0] === 'sample' ? sampleKbFolder : codaCorpusFolder;
const kb = new KnowledgeBase('D', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'kb' }]);
await ingestAll([kb]);
const turns = args.slice(1);
const query = { text: turns.at(-1) ?? '', history: turns.slice(0, -1) };
const results = kb.retrieve(query, 5);
for (const r of results)
  console.log(r.chunk.sourceUri.replace('s3://kb/', ''), r.score, r.relevant, JSON.stringify(r.coverage));
const relevant = results[0]?.relevant ? results.filter((r) => r.relevant) : [];
const a = collectAnswer(
  generateAnswer({
    queryWeights: kb.termWeights(query),
    passages: relevant.map((r) => ({ text: r.chunk.text, reference: r.chunk.sourceUri })),
    noAnswerText: knowledgeBaseSettings.noAnswerText,
  }),
);
console.log('---\n' + a.text + '\n---');
for (const c of a.citations) console.log(c.references, c.span);
console.log([...kb.termWeights(query)].map(([t, w]) => `${t}:${w.toFixed(2)}`).join(' '));
