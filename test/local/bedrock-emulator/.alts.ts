import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { codaCorpusFolder, onTopicQuestions } from './coda-questions.ts';
import { sampleKbFolder, sampleOnTopicQuestions } from './sample-kb-questions.ts';

for (const [folder, qs] of [
  [codaCorpusFolder, onTopicQuestions],
  [sampleKbFolder, sampleOnTopicQuestions],
] as const) {
  const kb = new KnowledgeBase('D', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'kb' }]);
  await ingestAll([kb]);
  let multi = 0;
  const lens: number[] = [];
  for (const { question } of qs) {
    const query = { text: question };
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
    lens.push(a.text.length);
    const files = [...new Set(a.citations.map((c) => c.references[0]))];
    if (files.length > 1) {
      multi++;
      console.log(`${question} → ${files.join(', ')}\n   ALT: ${a.citations.at(-1)?.text}`);
    }
  }
  lens.sort((x, y) => x - y);
  console.log(
    `multi-source ${multi}/${qs.length}; length median ${lens[Math.floor(lens.length / 2)]}, max ${lens.at(-1)}, min ${lens[0]}\n`,
  );
}
