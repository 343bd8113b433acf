/**
 * Answer quality of the Bedrock emulator over the coda-help corpus, through the real SDK client:
 *
 *   npx tsx test/local/bedrock-emulator/quality-report.ts [--verbose]
 *
 * Asks every question of `coda-questions.ts` with RetrieveAndGenerate and reports how often the
 * first citation is the right file (and the right source article), how often a follow-up in the
 * same session cites the right file, and how often off-topic questions get the no-answer reply.
 */
import { BedrockAgentRuntimeClient, RetrieveAndGenerateCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import { startBedrockEmulator } from '../../../local/bedrock-emulator/index.ts';
import {
  articleOf,
  codaCorpusFolder,
  followUps,
  offTopicFollowUps,
  offTopicQuestions,
  onTopicQuestions,
} from './coda-questions.ts';

const verbose = process.argv.includes('--verbose');
const emulator = await startBedrockEmulator({
  knowledgeBases: [
    {
      knowledgeBaseId: 'CODAKB',
      dataSources: [
        { dataSourceId: 'CODADS', type: 'S3', folder: codaCorpusFolder, bucketName: 'coda-help' },
      ],
    },
  ],
});
await emulator.ingest();
const client = new BedrockAgentRuntimeClient({
  endpoint: emulator.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

async function ask(text: string, sessionId?: string) {
  const response = await client.send(
    new RetrieveAndGenerateCommand({
      input: { text },
      ...(sessionId === undefined ? {} : { sessionId }),
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: 'CODAKB',
          modelArn: knowledgeBaseSettings.generationModelId,
        },
      },
    }),
  );
  const first = response.citations?.[0]?.retrievedReferences?.[0]?.location?.s3Location?.uri
    ?.split('/')
    .pop();
  return { response, first: first ?? '(none)' };
}

let rightFile = 0;
let rightArticle = 0;
for (const { question, expected } of onTopicQuestions) {
  const { response, first } = await ask(question);
  const fileOk = expected.includes(first);
  rightFile += fileOk ? 1 : 0;
  rightArticle += expected.some((e) => articleOf(e) === articleOf(first)) ? 1 : 0;
  if (verbose || !fileOk)
    console.log(`${fileOk ? 'ok  ' : 'MISS'} ${question} → ${first} (want ${expected.join(' or ')})`);
  if (verbose) console.log(`     ${response.output?.text?.replace(/\n/g, ' ⏎ ')}\n`);
}

let followUpsRight = 0;
for (const { turns, expected } of followUps) {
  let sessionId: string | undefined;
  let first = '';
  for (const turn of turns) {
    const answer = await ask(turn, sessionId);
    sessionId = answer.response.sessionId;
    first = answer.first;
  }
  const ok = expected.includes(first);
  followUpsRight += ok ? 1 : 0;
  if (verbose || !ok) console.log(`${ok ? 'ok  ' : 'MISS'} ${turns.join(' → ')} → ${first}`);
}

const declinedCount = async (runs: readonly (readonly string[])[]) => {
  let declined = 0;
  for (const turns of runs) {
    let sessionId: string | undefined;
    let last: Awaited<ReturnType<typeof ask>>['response'] | undefined;
    for (const turn of turns) {
      last = (await ask(turn, sessionId)).response;
      sessionId = last.sessionId;
    }
    const ok = last?.output?.text === knowledgeBaseSettings.noAnswerText && last.citations?.length === 0;
    declined += ok ? 1 : 0;
    if (verbose || !ok)
      console.log(`${ok ? 'ok  ' : 'MISS'} off-topic ${turns.join(' → ')} → ${last?.output?.text}`);
  }
  return declined;
};
const offTopicDeclined = await declinedCount(offTopicQuestions.map((q) => [q]));
const offTopicFollowUpsDeclined = await declinedCount(offTopicFollowUps.map((f) => f.turns));

client.destroy();
await emulator.close();

const pct = (n: number, d: number) => `${n}/${d} (${((100 * n) / d).toFixed(1)} %)`;
console.log(`
coda-help, through RetrieveAndGenerate
  first citation is the right file:      ${pct(rightFile, onTopicQuestions.length)}
  first citation is the right article:   ${pct(rightArticle, onTopicQuestions.length)}
  follow-ups citing the right file:      ${pct(followUpsRight, followUps.length)}
  off-topic questions declined:          ${pct(offTopicDeclined, offTopicQuestions.length)}
  off-topic follow-ups declined:         ${pct(offTopicFollowUpsDeclined, offTopicFollowUps.length)}`);
