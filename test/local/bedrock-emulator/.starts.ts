import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { codaCorpusFolder, onTopicQuestions } from './coda-questions.ts';
import { sampleKbFolder, sampleOnTopicQuestions } from './sample-kb-questions.ts';
for (const [folder, qs] of [[codaCorpusFolder, onTopicQuestions], [sampleKbFolder, sampleOnTopicQuestions]] as const) {
  const kb = new KnowledgeBase('D', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'kb' }]);
  await ingestAll([kb]);
  for (const { question } of qs) {
    const query = { text: question };
    const results = kb.retrieve(query, 5);
    const relevant = results[0]?.relevant ? results.filter((r) => r.relevant) : [];
    const a = collectAnswer(generateAnswer({ queryWeights: kb.termWeights(query), passages: relevant.map((r) => ({ text: r.chunk.text, reference: r.chunk.sourceUri })), noAnswerText: knowledgeBaseSettings.noAnswerText }));
    console.log(`${String(a.text.length).padStart(4)} | ${a.text.slice(0, 90).replace(/\n/g, ' ⏎ ')}`);
  }
}
