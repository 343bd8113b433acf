/**
 * Answer quality of the Bedrock emulator, through the real SDK client, on two corpora: the
 * coda-help sections (real third-party help-center text) and `local/sample-kb`:
 *
 *   npx tsx test/local/bedrock-emulator/quality-report.ts [--verbose] [--tuning]
 *
 * For each corpus it asks every question with RetrieveAndGenerate and reports how often the first
 * citation (and any citation) is a right file, how often a follow-up in the same session cites a
 * right file, and how often off-topic questions get exactly the no-answer reply without citations.
 * Held-out questions (never used for tuning) are reported on their own line; `--tuning` skips
 * them. Last, the median time of one RetrieveAndGenerate on coda-help, over the SDK and in-process.
 */
import { performance } from 'node:perf_hooks';
import { BedrockAgentRuntimeClient, RetrieveAndGenerateCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { collectAnswer, generateAnswer } from '../../../local/bedrock-emulator/generator.ts';
import { startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import {
  articleOf,
  codaCorpusFolder,
  type FollowUp,
  fillerHeldOutFollowUps,
  fillerHeldOutOffTopic,
  fillerHeldOutQuestions,
  followUps,
  heldOutQuestions,
  type OnTopicQuestion,
  offTopicFollowUps,
  offTopicQuestions,
  onTopicQuestions,
} from './coda-questions.ts';
import {
  sampleFollowUps,
  sampleHeldOutQuestions,
  sampleKbFolder,
  sampleOffTopicQuestions,
  sampleOnTopicQuestions,
} from './sample-kb-questions.ts';

const verbose = process.argv.includes('--verbose');
const tuning = process.argv.includes('--tuning');

interface Corpus {
  readonly name: string;
  readonly knowledgeBaseId: string;
  readonly folder: string;
  readonly onTopic: readonly OnTopicQuestion[];
  readonly heldOut: readonly OnTopicQuestion[];
  readonly followUps: readonly FollowUp[];
  readonly offTopic: readonly string[];
  readonly offTopicFollowUps: readonly FollowUp[];
  /** Groups files into articles, where the corpus is cut into sections. */
  readonly articleOf?: (file: string) => number;
  /** A second held-out set (filler, sibling sections, follow-ups on a new sub-aspect). */
  readonly secondHeldOut?: {
    readonly questions: readonly OnTopicQuestion[];
    readonly followUps: readonly FollowUp[];
    readonly offTopic: readonly string[];
  };
}

const corpora: readonly Corpus[] = [
  {
    name: 'coda-help',
    knowledgeBaseId: 'CODAKB',
    folder: codaCorpusFolder,
    onTopic: onTopicQuestions,
    heldOut: heldOutQuestions,
    followUps,
    offTopic: offTopicQuestions,
    offTopicFollowUps,
    articleOf,
    secondHeldOut: {
      questions: fillerHeldOutQuestions,
      followUps: fillerHeldOutFollowUps,
      offTopic: fillerHeldOutOffTopic,
    },
  },
  {
    name: 'sample-kb',
    knowledgeBaseId: 'SAMPLEKB',
    folder: sampleKbFolder,
    onTopic: sampleOnTopicQuestions,
    heldOut: sampleHeldOutQuestions,
    followUps: sampleFollowUps,
    offTopic: sampleOffTopicQuestions,
    offTopicFollowUps: [],
  },
];

const emulator = await startBedrockEmulator({
  knowledgeBases: corpora.map((corpus) => ({
    knowledgeBaseId: corpus.knowledgeBaseId,
    dataSources: [{ dataSourceId: 'DS', type: 'S3' as const, folder: corpus.folder, bucketName: 'kb' }],
  })),
});
await emulator.ingest();
const client = new BedrockAgentRuntimeClient({
  endpoint: emulator.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

async function ask(knowledgeBaseId: string, text: string, sessionId?: string) {
  const response = await client.send(
    new RetrieveAndGenerateCommand({
      input: { text },
      ...(sessionId === undefined ? {} : { sessionId }),
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: { knowledgeBaseId, modelArn: knowledgeBaseSettings.generationModelId },
      },
    }),
  );
  const files = (response.citations ?? []).flatMap((citation) =>
    (citation.retrievedReferences ?? []).map(
      (reference) => reference.location?.s3Location?.uri?.replace(/^s3:\/\/kb\//, '') ?? '',
    ),
  );
  return { response, files, first: files[0] ?? '(none)' };
}

const pct = (n: number, d: number) => (d === 0 ? '-' : `${n}/${d} (${((100 * n) / d).toFixed(1)} %)`);
const oneLine = (text: string | undefined) => text?.replace(/\n/g, ' ⏎ ') ?? '';

async function onTopicFigures(corpus: Corpus, questions: readonly OnTopicQuestion[], label: string) {
  let first = 0;
  let any = 0;
  let article = 0;
  for (const { question, expected } of questions) {
    const answer = await ask(corpus.knowledgeBaseId, question);
    const firstOk = expected.includes(answer.first);
    first += firstOk ? 1 : 0;
    any += answer.files.some((file) => expected.includes(file)) ? 1 : 0;
    const sameArticle = corpus.articleOf;
    if (sameArticle !== undefined)
      article += expected.some((e) => sameArticle(e) === sameArticle(answer.first)) ? 1 : 0;
    if (verbose || !firstOk)
      console.log(
        `${firstOk ? 'ok  ' : 'MISS'} [${corpus.name}${label}] ${question} → ${answer.files.join(', ') || '(none)'} (want ${expected.join(' or ')})`,
      );
    if (verbose) console.log(`     ${oneLine(answer.response.output?.text)}\n`);
  }
  return { first, any, article, total: questions.length };
}

async function followUpFigures(corpus: Corpus, runs: readonly FollowUp[] = corpus.followUps) {
  let right = 0;
  for (const { turns, expected } of runs) {
    let sessionId: string | undefined;
    let last: Awaited<ReturnType<typeof ask>> | undefined;
    for (const turn of turns) {
      last = await ask(corpus.knowledgeBaseId, turn, sessionId);
      sessionId = last.response.sessionId;
    }
    const ok = last !== undefined && expected.includes(last.first);
    right += ok ? 1 : 0;
    if (verbose || !ok)
      console.log(`${ok ? 'ok  ' : 'MISS'} [${corpus.name}] ${turns.join(' → ')} → ${last?.first}`);
    if (verbose) console.log(`     ${oneLine(last?.response.output?.text)}\n`);
  }
  return right;
}

async function declinedFigures(corpus: Corpus, runs: readonly (readonly string[])[]) {
  let declined = 0;
  for (const turns of runs) {
    let sessionId: string | undefined;
    let last: Awaited<ReturnType<typeof ask>>['response'] | undefined;
    for (const turn of turns) {
      last = (await ask(corpus.knowledgeBaseId, turn, sessionId)).response;
      sessionId = last.sessionId;
    }
    const ok = last?.output?.text === knowledgeBaseSettings.noAnswerText && last.citations?.length === 0;
    declined += ok ? 1 : 0;
    if (verbose || !ok)
      console.log(
        `${ok ? 'ok  ' : 'MISS'} [${corpus.name}] off-topic ${turns.join(' → ')} → ${oneLine(last?.output?.text)}`,
      );
  }
  return declined;
}

const summaries: string[] = [];
for (const corpus of corpora) {
  const tuned = await onTopicFigures(corpus, corpus.onTopic, '');
  const held = tuning ? undefined : await onTopicFigures(corpus, corpus.heldOut, ' held-out');
  const followUpsRight = await followUpFigures(corpus);
  const offTopic = await declinedFigures(
    corpus,
    corpus.offTopic.map((q) => [q]),
  );
  const offTopicFollowUpsDeclined = await declinedFigures(
    corpus,
    corpus.offTopicFollowUps.map((f) => f.turns),
  );
  const lines = [
    `${corpus.name}, through RetrieveAndGenerate`,
    `  first citation is a right file:        ${pct(tuned.first, tuned.total)}`,
    `  any citation is a right file:          ${pct(tuned.any, tuned.total)}`,
  ];
  if (corpus.articleOf !== undefined)
    lines.push(`  first citation is the right article:   ${pct(tuned.article, tuned.total)}`);
  if (held !== undefined)
    lines.push(
      `  held-out: first / any citation right:  ${pct(held.first, held.total)} / ${pct(held.any, held.total)}`,
    );
  lines.push(
    `  follow-ups citing a right file:        ${pct(followUpsRight, corpus.followUps.length)}`,
    `  off-topic questions declined:          ${pct(offTopic, corpus.offTopic.length)}`,
  );
  if (corpus.offTopicFollowUps.length > 0)
    lines.push(
      `  off-topic follow-ups declined:         ${pct(offTopicFollowUpsDeclined, corpus.offTopicFollowUps.length)}`,
    );
  const second = tuning ? undefined : corpus.secondHeldOut;
  if (second !== undefined) {
    const q = await onTopicFigures(corpus, second.questions, ' held-out-2');
    const f = await followUpFigures(corpus, second.followUps);
    const o = await declinedFigures(
      corpus,
      second.offTopic.map((t) => [t]),
    );
    lines.push(
      `  held-out-2: first / any citation right: ${pct(q.first, q.total)} / ${pct(q.any, q.total)}`,
      `  held-out-2 follow-ups citing right:     ${pct(f, second.followUps.length)}`,
      `  held-out-2 off-topic declined:          ${pct(o, second.offTopic.length)}`,
    );
  }
  summaries.push(lines.join('\n'));
}

// Latency: every coda question a few times, over the SDK (HTTP/2 round trip included) and
// in-process (retrieval and generation only, as operations.ts runs them).
const coda = corpora[0] as Corpus;
const questions = [...coda.onTopic, ...coda.heldOut].map((q) => q.question).concat(coda.offTopic);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
const overSdk: number[] = [];
for (let round = 0; round < 3; round += 1) {
  for (const question of questions) {
    const start = performance.now();
    await ask(coda.knowledgeBaseId, question);
    overSdk.push(performance.now() - start);
  }
}
const kb = new KnowledgeBase('LAT', [
  { dataSourceId: 'DS', type: 'S3', folder: coda.folder, bucketName: 'kb' },
]);
await ingestAll([kb]);
const inProcess: number[] = [];
for (let round = 0; round < 5; round += 1) {
  for (const question of questions) {
    const start = performance.now();
    const query = { text: question };
    const results = kb.retrieve(query, knowledgeBaseSettings.numberOfResults);
    const relevant = results[0]?.relevant ? results.filter((r) => r.relevant) : [];
    collectAnswer(
      generateAnswer({
        queryWeights: kb.termWeights(query),
        passages: relevant.map((r) => ({ text: r.chunk.text, reference: r.chunk })),
        noAnswerText: knowledgeBaseSettings.noAnswerText,
      }),
    );
    inProcess.push(performance.now() - start);
  }
}

client.destroy();
await emulator.close();

console.log(`\n${summaries.join('\n\n')}

latency of one RetrieveAndGenerate on coda-help (median of ${overSdk.length} / ${inProcess.length})
  over the SDK client:                   ${median(overSdk).toFixed(2)} ms
  in-process (retrieve + generate):      ${median(inProcess).toFixed(2)} ms`);
