/**
 * `npm run slack:simulate -- "question"`: tries Lantern's Slack path without a Slack workspace. It
 * starts the local stack on a free port with a generated signing secret and a fake Slack Web API on
 * loopback, sends a correctly signed `app_mention` to `POST /v1/slack/events`, and prints what the
 * bot posts in the thread (and a follow-up's answer with `--follow-up`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { threadSessionId } from '../../shared/slack/thread-session.ts';
import { cliFail, parseCli } from '../cli.ts';
import { installLambdaRuntime } from '../gateway/lambda-runtime.ts';
import type { LocalStack } from '../stack.ts';
import { type FakeSlackApi, type FakeSlackMessage, startFakeSlackApi } from './fake-slack-api.ts';
import { appMentionEnvelope, directMessageEnvelope, sendSignedEvent } from './signed-event.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = `Usage: npm run slack:simulate -- "question" [options]

  --follow-up TEXT   ask a follow-up in the same thread (the same Lantern session)
  --dm               ask in a direct message (message.im) instead of an @mention in a channel
  --no-streaming     the fake workspace refuses Slack's streaming methods (shows the fallback post)
  --docs DIR         documents to answer from (default: the bundled sample knowledge base)
  --verbose          log every handler line
  --help             this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const { values: args, positionals } = parseCli(usage, () =>
  parseArgs({
    allowPositionals: true,
    options: {
      'follow-up': { type: 'string' },
      dm: { type: 'boolean', default: false },
      'no-streaming': { type: 'boolean', default: false },
      docs: { type: 'string', default: join(projectRoot, 'local', 'sample-kb') },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
);
const question = positionals.join(' ').trim();
if (!question) fail('a question is required, e.g. npm run slack:simulate -- "How do I reset my password?"');
const docsDir = resolve(args.docs);
if (!existsSync(docsDir) || !statSync(docsDir).isDirectory()) fail(`--docs ${args.docs} is not a directory`);

const signingSecret = randomBytes(32).toString('hex');
const botToken = `xoxb-local-${randomBytes(12).toString('hex')}`;
const slack = await startFakeSlackApi({
  token: botToken,
  ...(args['no-streaming'] ? { streaming: 'not_allowed' } : {}),
});
const workspace = { teamId: slack.teamId, botUserId: slack.botUserId };
let stack: LocalStack | undefined;

try {
  console.log(
    `Fake Slack Web API on ${slack.url} (workspace ${workspace.teamId}, bot <@${workspace.botUserId}>)`,
  );
  process.stdout.write('Starting Lantern offline and ingesting the knowledge base… ');
  const logLevel = args.verbose ? 'INFO' : 'ERROR';
  // Powertools reads its switches when first loaded: set them before the handlers' code is.
  installLambdaRuntime(logLevel);
  const { startLocalStack } = await import('../stack.ts');
  stack = await startLocalStack({
    docsDir,
    apiKeys: [`simulate-${randomBytes(8).toString('hex')}`],
    port: 0,
    logLevel,
    slack: {
      signingSecret,
      botToken,
      apiUrl: slack.url,
      // The sample articles stand for a help centre at this (reserved, fictional) address.
      ...(docsDir === join(projectRoot, 'local', 'sample-kb')
        ? { sourceBaseUrl: 'https://help.brambledesk.example/' }
        : {}),
    },
  });
  const { documents } = await stack.ingestion;
  console.log(`${documents} documents.`);
  const eventsUrl = `${stack.url}/v1/slack/events`;
  console.log(`Slack events endpoint: ${eventsUrl}\n`);

  const first = await ask(stack, slack, eventsUrl, question);
  if (args['follow-up']) await ask(stack, slack, eventsUrl, args['follow-up'], first);
  await stack.slack.queue.idle(10_000);
} catch (error) {
  console.error(`\nSimulation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stack?.close().catch(() => undefined);
  await slack.close();
}

/** Sends one signed question, waits for the bot's reply in its thread, prints it; returns the thread. */
async function ask(
  local: LocalStack,
  fake: FakeSlackApi,
  eventsUrl: string,
  text: string,
  threadTs?: string,
): Promise<string> {
  const envelope = (args.dm ? directMessageEnvelope : appMentionEnvelope)(workspace, {
    text,
    ...(threadTs ? { threadTs } : {}),
  });
  const thread = threadTs ?? envelope.event.ts;
  const before = fake.thread(thread).filter((m) => !m.streaming).length;
  const callsBefore = fake.calls.length;
  const shown = args.dm ? text : `@lantern ${text}`;
  console.log(`> ${shown}`);
  console.log(
    `  ${envelope.event.type}${args.dm ? ' (message.im)' : ''} ${envelope.event_id}, signed, to ${threadTs ? `thread ${thread}` : `channel ${envelope.event.channel}`}`,
  );
  const ack = await sendSignedEvent(eventsUrl, signingSecret, envelope);
  console.log(`  Lantern acknowledged: HTTP ${ack.status} in ${ack.ms} ms`);
  if (ack.status !== 200)
    throw new Error(`the events endpoint answered ${ack.status}: ${JSON.stringify(ack.body)}`);
  const replies = await fake.waitForReplies(before + 1, { threadTs: thread, timeoutMs: 30_000 });
  await local.slack.queue.idle(10_000);
  const reply = replies.at(-1) as FakeSlackMessage;
  const methods = fake.calls
    .slice(callsBefore)
    .map((call) => (call.ok ? call.method : `${call.method} (${call.error ?? call.status})`));
  console.log(
    `\nLantern replied in thread ${thread} (session ${threadSessionId(workspace.teamId, envelope.event.channel, thread)}):`,
  );
  console.log(`  Slack Web API calls: ${methods.join(' → ')}\n`);
  console.log(indent(reply.text));
  for (const block of reply.blocks ?? []) {
    const elements = (block as { elements?: { text?: string }[] }).elements ?? [];
    for (const element of elements) if (element.text) console.log(`\n${indent(element.text)}`);
  }
  console.log('');
  return thread;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
