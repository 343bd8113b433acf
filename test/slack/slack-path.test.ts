import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeSlackApi,
  type FakeSlackMessage,
  startFakeSlackApi,
} from '../../local/slack/fake-slack-api.ts';
import {
  appMentionEnvelope,
  directMessageEnvelope,
  type SimulatedWorkspace,
  sendSignedEvent,
} from '../../local/slack/signed-event.ts';
import {
  LOCAL_KNOWLEDGE_BASE_ID,
  LOCAL_MODEL_ARN,
  LOCAL_TABLE_NAME,
  type LocalStack,
} from '../../local/stack.ts';
import { createDocumentClient } from '../../shared/aws/clients.ts';
import { DynamoDbSessionStore } from '../../shared/aws/dynamodb-session-store.ts';
import { parseConfig } from '../../shared/config.ts';
import { threadSessionId } from '../../shared/slack/thread-session.ts';
import { bootStack, SAMPLE_KB, tempDir } from '../helpers/local-stack.ts';

const SECRET = 'integration-signing-secret';
const TOKEN = 'xoxb-integration-token';
const HELP_CENTRE = 'https://help.brambledesk.example/';

let slack: FakeSlackApi;
let stack: LocalStack;
let eventsUrl: string;
let teams = 0;
/** A fresh workspace per test: the worker remembers workspaces that cannot stream. */
const workspace = (): SimulatedWorkspace => ({ teamId: `T0INT${++teams}`, botUserId: slack.botUserId });

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN });
  // The sample knowledge base plus one article whose text needs escaping in Slack.
  const docs = tempDir('slack-kb');
  cpSync(SAMPLE_KB, docs, { recursive: true });
  mkdirSync(join(docs, 'inbox'), { recursive: true });
  writeFileSync(
    join(docs, 'inbox', 'filter-operators.md'),
    '# Filter operators\n\nSaved filters compare dates with < and >: created < 2024-01-01 finds tickets opened before 2024.\n\nCombine conditions with & to require both, for example tag:vip & status:open.\n',
  );
  stack = await bootStack({
    docsDir: docs,
    slack: {
      signingSecret: SECRET,
      botToken: TOKEN,
      apiUrl: slack.url,
      sourceBaseUrl: HELP_CENTRE,
      retryDelayMs: 50,
    },
  });
  eventsUrl = `${stack.url}/v1/slack/events`;
});
afterAll(async () => {
  await stack?.close();
  await slack?.close();
});

/** Sends a signed question and returns the bot's finished reply in the thread. */
async function askAndWait(
  envelope: ReturnType<typeof appMentionEnvelope>,
  replies = 1,
): Promise<FakeSlackMessage[]> {
  const ack = await sendSignedEvent(eventsUrl, SECRET, envelope);
  expect(ack).toMatchObject({ status: 200, body: { ok: true } });
  const thread = envelope.event.thread_ts ?? envelope.event.ts;
  const messages = await slack.waitForReplies(replies, { threadTs: thread, timeoutMs: 20_000 });
  await stack.slack.queue.idle(10_000);
  return messages;
}
/** The local stack's session table, read directly to see what the engine stored. */
const sessionStore = () =>
  new DynamoDbSessionStore(
    createDocumentClient(
      parseConfig({
        TABLE_NAME: LOCAL_TABLE_NAME,
        KNOWLEDGE_BASE_ID: LOCAL_KNOWLEDGE_BASE_ID,
        MODEL_ARN: LOCAL_MODEL_ARN,
        DYNAMODB_ENDPOINT: stack.dynamoDbEndpoint,
      }),
    ),
    { tableName: LOCAL_TABLE_NAME, ttlDays: 30 },
  );
/** Polls `condition` every 10 ms, failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const callsIn = (channel: string, methods: string[]) =>
  slack.calls.filter((c) => methods.includes(c.method) && c.args.channel === channel);
const sourcesOf = (message: FakeSlackMessage) =>
  (message.blocks as { elements: { text: string }[] }[] | undefined)?.[0]?.elements[0]?.text ?? '';

describe('Slack path on the local stack', () => {
  it('refuses unsigned, wrongly signed and replayed requests with 401', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c' });
    const unsigned = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'The Slack request signature is missing or invalid' },
    });
    expect((await sendSignedEvent(eventsUrl, 'wrong-secret', body)).status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sendSignedEvent(eventsUrl, SECRET, body, { timestamp: old })).status).toBe(401);
  });

  it('answers url_verification with the challenge', async () => {
    const res = await sendSignedEvent(eventsUrl, SECRET, {
      token: 't',
      challenge: 'ch4llenge',
      type: 'url_verification',
    });
    expect(res).toMatchObject({ status: 200, body: { challenge: 'ch4llenge' } });
  });

  it('answers an @mention in its thread, streamed, in mrkdwn with <url|title> sources, reacting while it works', async () => {
    const ws = workspace();
    const envelope = appMentionEnvelope(ws, {
      text: 'I forgot my password, how can I get back into my account?',
      channel: 'C0MENTION',
    });
    const ack = await sendSignedEvent(eventsUrl, SECRET, envelope);
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(1_000);
    const [reply] = await slack.waitForReplies(1, { threadTs: envelope.event.ts });
    await stack.slack.queue.idle();
    expect(reply).toMatchObject({
      channel: 'C0MENTION',
      threadTs: envelope.event.ts,
      via: 'chat.startStream',
    });
    expect(reply?.text).toMatch(/Forgot password/);
    // Titles come from the knowledge base; the link is `<url|title>`.
    expect(sourcesOf(reply as FakeSlackMessage)).toMatch(
      /^\*Sources\*\n• <https:\/\/help\.brambledesk\.example\/account\/reset-your-password\.md\|[^<>|]+>$/,
    );
    expect(
      callsIn('C0MENTION', ['reactions.add', 'chat.startStream', 'chat.stopStream', 'reactions.remove']).map(
        (c) => c.method,
      ),
    ).toEqual(['reactions.add', 'chat.startStream', 'chat.stopStream', 'reactions.remove']);
    expect(callsIn('C0MENTION', ['chat.startStream'])[0]?.args).toMatchObject({
      thread_ts: envelope.event.ts,
      recipient_user_id: 'U0ASKER',
      recipient_team_id: ws.teamId,
    });
    expect(slack.reactions.filter((r) => r.channel === 'C0MENTION')).toEqual([
      { channel: 'C0MENTION', ts: envelope.event.ts, name: 'eyes', removed: true },
    ]);
  });

  it('escapes & < > in the answer, keeping the source links intact', async () => {
    const [reply] = await askAndWait(
      appMentionEnvelope(workspace(), {
        text: 'How do saved filters compare dates and combine conditions?',
        channel: 'C0ESCAPE',
      }),
    );
    const text = reply?.text ?? '';
    expect(text).toContain('&lt;');
    expect(text).toMatch(/&amp;|&gt;/);
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    expect(sourcesOf(reply as FakeSlackMessage)).toMatch(
      /<https:\/\/help\.brambledesk\.example\/inbox\/filter-operators\.md\|[^<>|]+>/,
    );
  });

  it("answers Slack's retries of an event (same event_id, X-Slack-Retry-Num) exactly once", async () => {
    const envelope = appMentionEnvelope(workspace(), {
      text: 'How do I cancel my subscription?',
      channel: 'C0RETRY',
    });
    const acks = await Promise.all([
      sendSignedEvent(eventsUrl, SECRET, envelope),
      sendSignedEvent(eventsUrl, SECRET, envelope, { retryNum: 1, retryReason: 'http_timeout' }),
    ]);
    acks.push(
      await sendSignedEvent(eventsUrl, SECRET, envelope, { retryNum: 2, retryReason: 'http_timeout' }),
    );
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
    await slack.waitForReplies(1, { threadTs: envelope.event.ts });
    await stack.slack.queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.thread(envelope.event.ts)).toHaveLength(1);
    expect(callsIn('C0RETRY', ['chat.startStream', 'chat.postMessage'])).toHaveLength(1);
  });

  it('answers the full retry schedule (original + X-Slack-Retry-Num 1, 2, 3) exactly once: one reply, one turn', async () => {
    const ws = workspace();
    const envelope = appMentionEnvelope(ws, {
      text: 'How do I reset my password?',
      channel: 'C0SCHEDULE',
    });
    const thread = envelope.event.ts;
    const retry = (retryNum: number) =>
      sendSignedEvent(eventsUrl, SECRET, envelope, { retryNum, retryReason: 'http_timeout' });
    const finished = () => slack.thread(thread).filter((m) => !m.streaming);
    // Slack's 429 on the working reaction holds the worker for a second after it claimed the
    // event: the window for a retry "while working".
    slack.rateLimitOnce('reactions.add', 1);

    const acks = [await sendSignedEvent(eventsUrl, SECRET, envelope)];
    await until(() => callsIn('C0SCHEDULE', ['reactions.add']).some((c) => c.status === 429));
    acks.push(await retry(1));
    expect(finished()).toEqual([]); // retry 1 arrived while the first delivery was being answered
    acks.push(await retry(2));
    await slack.waitForReplies(1, { threadTs: thread });
    await stack.slack.queue.idle();
    acks.push(await retry(3)); // after the answer was posted
    await stack.slack.queue.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(acks.map((a) => [a.status, a.body])).toEqual(Array(4).fill([200, { ok: true }]));
    expect(slack.thread(thread)).toHaveLength(1);
    expect(
      callsIn('C0SCHEDULE', ['chat.startStream', 'chat.postMessage'])
        .filter((c) => c.ok)
        .map((c) => c.method),
    ).toEqual(['chat.startStream']);
    expect(slack.reactions.filter((r) => r.channel === 'C0SCHEDULE')).toHaveLength(1);
    const messages = await sessionStore().listMessages(threadSessionId(ws.teamId, 'C0SCHEDULE', thread));
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ['user', 'How do I reset my password?'],
      ['assistant', expect.stringMatching(/password/i)],
    ]);
  });

  it('answers 20 concurrent @mentions: 20 replies, one per thread, none twice', async () => {
    const ws = workspace();
    const questions = [
      'How do I reset my password?',
      'How do I cancel my subscription?',
      'How do I turn on two-factor authentication?',
      'Can I get a refund?',
      'How do I invite a teammate?',
    ];
    const envelopes = Array.from({ length: 20 }, (_, i) =>
      appMentionEnvelope(ws, {
        text: questions[i % questions.length] as string,
        channel: `C0BURST${String(i).padStart(2, '0')}`,
      }),
    );
    expect(new Set(envelopes.map((e) => e.event_id)).size).toBe(20);
    const before = slack.messages.length;

    const acks = await Promise.all(envelopes.map((e) => sendSignedEvent(eventsUrl, SECRET, e)));
    expect(acks.map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const e of envelopes) await slack.waitForReplies(1, { threadTs: e.event.ts, timeoutMs: 30_000 });
    await stack.slack.queue.idle(30_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const posted = slack.messages.slice(before);
    expect(posted).toHaveLength(20);
    expect(posted.every((m) => !m.streaming)).toBe(true);
    for (const e of envelopes) {
      const replies = slack.thread(e.event.ts);
      expect(replies, `thread ${e.event.channel}`).toHaveLength(1);
      expect(replies[0]).toMatchObject({ channel: e.event.channel, threadTs: e.event.ts });
      expect(
        callsIn(e.event.channel, ['chat.startStream', 'chat.postMessage']).filter((c) => c.ok),
      ).toHaveLength(1);
    }
    expect(stack.slack.queue.deadLetters).toEqual([]);
  });

  it('understands a follow-up in the thread: the same Lantern session', async () => {
    const ws = workspace();
    const first = appMentionEnvelope(ws, {
      text: 'How do I turn on two-factor authentication?',
      channel: 'C0FOLLOW',
    });
    await askAndWait(first);
    const followUp = appMentionEnvelope(ws, {
      text: 'what if I lose my phone?',
      channel: 'C0FOLLOW',
      threadTs: first.event.ts,
    });
    const replies = await askAndWait(followUp, 2);
    expect(replies.map((m) => m.threadTs)).toEqual([first.event.ts, first.event.ts]);
    expect(sourcesOf(replies[1] as FakeSlackMessage)).toMatch(
      /\/account\/two-factor-authentication\.md\|[^<>|]+>/,
    );

    const store = sessionStore();
    const sessionId = threadSessionId(ws.teamId, 'C0FOLLOW', first.event.ts);
    expect(await store.getSession(sessionId, `slack:${ws.teamId}`)).toMatchObject({ sessionId });
    expect((await store.listMessages(sessionId)).map((m) => [m.role, m.text])).toEqual([
      ['user', 'How do I turn on two-factor authentication?'],
      ['assistant', expect.any(String)],
      ['user', 'what if I lose my phone?'],
      ['assistant', expect.any(String)],
    ]);
  });

  it('ignores messages from bots (its own answers included) and message subtypes', async () => {
    const before = slack.calls.length;
    const sample = (name: string) =>
      JSON.parse(
        readFileSync(join(import.meta.dirname, '..', '..', 'events', 'slack', name), 'utf8'),
      ) as Record<string, unknown>;
    for (const name of ['bot-message.json', 'message-changed.json']) {
      const envelope = { ...sample(name), event_id: `Ev${name.length}${Date.now()}` };
      expect((await sendSignedEvent(eventsUrl, SECRET, envelope)).status).toBe(200);
    }
    await stack.slack.queue.idle();
    expect(slack.calls.slice(before)).toEqual([]);
  });

  it("honours Slack's 429 Retry-After and still answers once", async () => {
    slack.rateLimitOnce('reactions.add', 1);
    const envelope = appMentionEnvelope(workspace(), {
      text: 'How do I change my plan?',
      channel: 'C0LIMIT',
    });
    await askAndWait(envelope);
    const reactions = callsIn('C0LIMIT', ['reactions.add']);
    expect(reactions.map((c) => c.status)).toEqual([429, 200]);
    expect((reactions[1]?.at ?? 0) - (reactions[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(slack.thread(envelope.event.ts)).toHaveLength(1);
  });

  it('answers in one post, in the same delivery, when Slack rate-limits starting the stream for longer than the answer takes', async () => {
    // Retry-After: 30 is more than one invocation may wait, and more than the answer takes.
    slack.rateLimitOnce('chat.startStream', 30);
    const envelope = appMentionEnvelope(workspace(), {
      text: 'How do I change my plan?',
      channel: 'C0LIMITSTART',
    });
    const [reply] = await askAndWait(envelope);
    expect(reply).toMatchObject({ via: 'chat.postMessage', threadTs: envelope.event.ts });
    expect(reply?.text).toMatch(/\n\n\*Sources\*\n• </);
    expect(slack.thread(envelope.event.ts)).toHaveLength(1);
    expect(
      callsIn('C0LIMITSTART', ['chat.startStream', 'chat.postMessage']).map((c) => `${c.method}:${c.status}`),
    ).toEqual(['chat.startStream:429', 'chat.postMessage:200']);
    // Answered by the first delivery: the working reaction went on once.
    expect(callsIn('C0LIMITSTART', ['reactions.add']).map((c) => c.status)).toEqual([200]);
  });

  it('falls back to one chat.postMessage where the workspace cannot stream', async () => {
    slack.setStreaming('not_allowed');
    try {
      const envelope = appMentionEnvelope(workspace(), {
        text: 'How do I invite a teammate?',
        channel: 'C0NOSTREAM',
      });
      const [reply] = await askAndWait(envelope);
      expect(reply).toMatchObject({ via: 'chat.postMessage', threadTs: envelope.event.ts });
      expect(reply?.text).toMatch(
        /\n\n\*Sources\*\n• <https:\/\/help\.brambledesk\.example\/account\/invite-teammates-and-roles\.md\|/,
      );
      expect(
        callsIn('C0NOSTREAM', ['chat.startStream', 'chat.postMessage']).map(
          (c) => `${c.method}:${c.error ?? 'ok'}`,
        ),
      ).toEqual(['chat.startStream:not_allowed', 'chat.postMessage:ok']);
    } finally {
      slack.setStreaming(true);
    }
  });

  it('retries a failed post from the queue without asking the engine twice (one turn in the session)', async () => {
    slack.setStreaming('not_allowed');
    slack.failOnce('chat.postMessage', 'fatal_error');
    try {
      const ws = workspace();
      const envelope = appMentionEnvelope(ws, {
        text: 'How do I connect an email inbox?',
        channel: 'C0REDELIVER',
      });
      const [reply] = await askAndWait(envelope);
      expect(reply).toMatchObject({ via: 'chat.postMessage', threadTs: envelope.event.ts });
      expect(callsIn('C0REDELIVER', ['chat.postMessage']).map((c) => c.error ?? 'ok')).toEqual([
        'fatal_error',
        'ok',
      ]);
      expect(slack.thread(envelope.event.ts)).toHaveLength(1);
      const messages = await sessionStore().listMessages(
        threadSessionId(ws.teamId, 'C0REDELIVER', envelope.event.ts),
      );
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    } finally {
      slack.setStreaming(true);
    }
  });

  it('stores one turn for an event delivered again and again after cut answers', async () => {
    stack.emulator.faults.set({ streamCutAfter: 3 });
    try {
      const ws = workspace();
      const envelope = appMentionEnvelope(ws, { text: 'How do I merge two tickets?', channel: 'C0CUT' });
      const ack = await sendSignedEvent(eventsUrl, SECRET, envelope);
      expect(ack.status).toBe(200);
      // Every delivery is cut; the last one apologizes in the thread.
      await until(() => slack.thread(envelope.event.ts).some((m) => /try again/i.test(m.text)), 20_000);
      await stack.slack.queue.idle(10_000);
      // Given up after the apology, not dead-lettered with the question's text.
      expect(stack.slack.queue.deadLetters.map((job) => job.envelope.event_id)).not.toContain(
        envelope.event_id,
      );
      const messages = await sessionStore().listMessages(
        threadSessionId(ws.teamId, 'C0CUT', envelope.event.ts),
      );
      expect(messages.map((m) => [m.role, m.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'incomplete'],
      ]);
    } finally {
      stack.emulator.faults.set({});
    }
  });

  it('answers direct messages (message.im) in a thread', async () => {
    const envelope = directMessageEnvelope(workspace(), { text: 'Can I get a refund?', channel: 'D0DIRECT' });
    const [reply] = await askAndWait(envelope);
    expect(reply).toMatchObject({ channel: 'D0DIRECT', threadTs: envelope.event.ts });
    expect(sourcesOf(reply as FakeSlackMessage)).toMatch(/\/billing\/refund-policy\.md\|[^<>|]+>/);
  });

  it('replies politely to a question over 1,000 characters', async () => {
    const envelope = appMentionEnvelope(workspace(), {
      text: `Please help. ${'a long story '.repeat(90)}`,
      channel: 'C0LONG',
    });
    const [reply] = await askAndWait(envelope);
    expect(reply?.text).toMatch(
      /^Sorry, that question is 1,\d{3} characters long and I can take at most 1,000\./,
    );
  });
});

describe('Slack path without Slack settings', () => {
  it('keeps the route and refuses every request with 401', async () => {
    const bare = await bootStack();
    try {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'c' });
      const url = `${bare.url}/v1/slack/events`;
      expect(
        (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
      ).toBe(401);
      expect((await sendSignedEvent(url, 'any-secret-at-all', body)).status).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
