import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { codaCorpusFolder } from './coda-questions.ts';
import { sampleKbFolder } from './sample-kb-questions.ts';

const [which, ...questions] = process.argv.slice(2);
const kb = new KnowledgeBase('D', [
  {
    dataSourceId: 'DS',
    type: 'S3',
    folder: which === 'sample' ? sampleKbFolder : codaCorpusFolder,
    bucketName: 'kb',
  },
]);
await ingestAll([kb]);
for (const q of questions) {
  const turns = q.split(' || ');
  const query = { text: turns.at(-1) ?? '', history: turns.slice(0, -1) };
  const results = kb.retrieve(query, 5);
  const relevant = results[0]?.relevant ? results.filter((r) => r.relevant) : [];
  const a = collectAnswer(
    generateAnswer({
      queryWeights: kb.termWeights(query),
      passages: relevant.map((r) => ({
        text: r.chunk.text,
        reference: r.chunk.sourceUri.replace('s3://kb/', ''),
      })),
      noAnswerText: knowledgeBaseSettings.noAnswerText,
    }),
  );
  console.log(
    `\n### ${q}   [${a.text.length} chars; ${a.citations.map((c) => c.references[0]).join(', ')}]\n${a.text}`,
  );
}
