import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import {
  codaCorpusFolder,
  followUps,
  offTopicFollowUps,
  offTopicQuestions,
  onTopicQuestions,
} from './coda-questions.ts';
import {
  sampleFollowUps,
  sampleKbFolder,
  sampleOffTopicQuestions,
  sampleOnTopicQuestions,
} from './sample-kb-questions.ts';

const show = process.argv.includes('--show');
async function kbOf(folder: string) {
  const kb = new KnowledgeBase('D', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'kb' }]);
  await ingestAll([kb]);
  return kb;
}
function ask(kb: KnowledgeBase, turns: readonly string[]) {
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
  return {
    files: a.citations.map((c) => c.references[0] ?? ''),
    top: results[0]?.chunk.sourceUri.replace('s3://kb/', ''),
    text: a.text,
  };
}
const out: string[] = [];
for (const [name, folder, on, fu, off, offfu] of [
  ['coda', codaCorpusFolder, onTopicQuestions, followUps, offTopicQuestions, offTopicFollowUps],
  ['sample', sampleKbFolder, sampleOnTopicQuestions, sampleFollowUps, sampleOffTopicQuestions, []],
] as const) {
  const kb = await kbOf(folder);
  let first = 0,
    any = 0,
    top = 0;
  for (const q of on) {
    const a = ask(kb, [q.question]);
    const ok = q.expected.includes(a.files[0] ?? '');
    first += ok ? 1 : 0;
    any += a.files.some((f) => q.expected.includes(f)) ? 1 : 0;
    top += q.expected.includes(a.top ?? '') ? 1 : 0;
    if (show && !ok)
      console.log('MISS', q.question, '→', a.files.join(','), '| top', a.top, '| want', q.expected.join(','));
  }
  let f = 0;
  for (const q of fu) {
    const a = ask(kb, q.turns);
    const ok = q.expected.includes(a.files[0] ?? '');
    f += ok ? 1 : 0;
    if (show && !ok) console.log('MISS FU', q.turns.join(' → '), '→', a.files.join(','));
  }
  let d = 0;
  for (const q of [...off.map((x) => [x]), ...offfu.map((x) => x.turns)]) {
    const a = ask(kb, q);
    const ok = a.files.length === 0;
    d += ok ? 1 : 0;
    if (show && !ok) console.log('MISS OFF', q.join(' → '));
  }
  out.push(
    `${name}: first ${first}/${on.length} any ${any}/${on.length} top ${top} fu ${f}/${fu.length} off ${d}/${off.length + offfu.length}`,
  );
}
console.log(out.join(' | '));
