import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackSettings } from '../../config/slack.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import { replayAnswer } from '../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import type { AnswerEvent } from '../../shared/slack/answer-stream.ts';
import { MAX_BLOCK_TEXT } from '../../shared/slack/format.ts';
import {
  INTERRUPTED_NOTICE,
  type ReplyTarget,
  SlackResponder,
  type SlackResponderOptions,
} from '../../shared/slack/responder.ts';
import { SlackApi } from '../../shared/slack/slack-api.ts';

const TOKEN = 'xoxb-responder';
let slack: FakeSlackApi;
let team = 0;
/** What the Slack client slept: a 429 on the stream must never hold up the answer. */
let sleeps: number[] = [];

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN });
});
afterAll(() => slack?.close());
beforeEach(() => {
  slack.reset();
  slack.setStreaming(true);
  sleeps = [];
});

/** A new workspace per test, since the responder remembers workspaces that cannot stream. */
const target = (): ReplyTarget => ({
  teamId: `T${++team}`,
  channel: 'C0SUPPORT',
  threadTs: '1700000000.000100',
  messageTs: '1700000000.000100',
  userId: 'U0ASKER',
});

const responder = (options: Partial<SlackResponderOptions> = {}) =>
  new SlackResponder(
    new SlackApi({
      token: async () => TOKEN,
      apiUrl: slack.url,
      rateLimitRetries: 3,
      maxRetryAfterSeconds: 20,
      sleep: async (ms) => void sleeps.push(ms),
    }),
    {
      streaming: true,
      workingReaction: 'eyes',
      flushChars: slackSettings.streamFlushChars,
      flushIntervalMs: slackSettings.streamFlushIntervalMs,
      ...options,
    },
  );

const ANSWER: ChatAnswer = {
  sessionId: 's1',
  messageId: 'm1',
  answer: 'Go to Settings > Security & turn on 2FA. Keep your recovery codes.',
  citations: [
    {
      start: 0,
      end: 39,
      text: 'Go to Settings > Security & turn on 2FA.',
      references: [
        { sourceUri: 'https://help.example/2fa', title: 'Two-factor <authentication>', excerpt: '…' },
      ],
    },
  ],
  guardrail: { action: 'NONE' },
};
const FORMATTED_BODY = 'Go to Settings &gt; Security &amp; turn on 2FA. Keep your recovery codes.';
const SOURCES = '*Sources*\n• <https://help.example/2fa|Two-factor &lt;authentication&gt;>';

async function* events(list: AnswerEvent[]): AsyncGenerator<AnswerEvent> {
  for (const event of list) yield event;
}
const pieces = (answer: ChatAnswer, parts: string[]): AnswerEvent[] => [
  { type: 'session', sessionId: answer.sessionId, messageId: answer.messageId },
  ...parts.map((text) => ({ type: 'text' as const, text })),
  { type: 'done', answer },
];

describe('SlackResponder.deliver', () => {
  it('streams the answer (start, append, stop) and finishes with the sources as <url|title> links', async () => {
    const result = await responder({ flushChars: 1, flushIntervalMs: 0 }).deliver(
      target(),
      events(pieces(ANSWER, ['Go to Settings > Security ', '& turn on 2FA.', ' Keep your recovery codes.'])),
    );
    expect(result).toMatchObject({ mode: 'streamed', answer: ANSWER });
    expect(slack.calls.map((c) => c.method)).toEqual([
      'chat.startStream',
      'chat.appendStream',
      'chat.appendStream',
      'chat.stopStream',
    ]);
    expect(slack.calls[0]?.args).toMatchObject({
      channel: 'C0SUPPORT',
      thread_ts: '1700000000.000100',
      recipient_user_id: 'U0ASKER',
      recipient_team_id: expect.stringMatching(/^T\d+$/),
      markdown_text: 'Go to Settings &gt; Security ',
    });
    expect(slack.messages).toEqual([
      expect.objectContaining({
        ts: result.ts,
        threadTs: '1700000000.000100',
        text: FORMATTED_BODY,
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: SOURCES }] }],
        via: 'chat.startStream',
        streaming: false,
      }),
    ]);
  });

  it('sends the first words at once, then appends only when enough text waits and enough time has passed', async () => {
    let now = 0;
    const parts = Array.from({ length: 10 }, (_, i) => `w${i} `);
    const answer = { ...ANSWER, answer: parts.join(''), citations: [] };
    async function* paced(step: number): AsyncGenerator<AnswerEvent> {
      for (const text of parts) {
        now += step;
        yield { type: 'text', text };
      }
      yield { type: 'done', answer };
    }
    const streamed = (step: number) =>
      responder({ flushChars: 6, flushIntervalMs: 450, now: () => now })
        .deliver(target(), paced(step))
        .then(() => slack.calls.map((c) => [c.method, c.args.markdown_text]));

    // Quick text: w0 opens the stream; then an append once 450 ms have passed; the rest on stop.
    expect(await streamed(100)).toEqual([
      ['chat.startStream', 'w0 '],
      ['chat.appendStream', 'w1 w2 w3 w4 w5 '],
      ['chat.stopStream', 'w6 w7 w8 w9 '],
    ]);
    slack.reset();
    // Slow text: however long it has been, fewer than 6 characters waiting are not worth a call.
    expect(await streamed(1_000)).toEqual([
      ['chat.startStream', 'w0 '],
      ['chat.appendStream', 'w1 w2 '],
      ['chat.appendStream', 'w3 w4 '],
      ['chat.appendStream', 'w5 w6 '],
      ['chat.appendStream', 'w7 w8 '],
      ['chat.stopStream', 'w9 '],
    ]);
    expect(slack.messages[0]?.text).toBe(answer.answer);
  });

  it("buffers no less text than Slack's own streamer between appends, and appends at most once a second", () => {
    // @slack/web-api's ChatStreamer buffers 256 characters by default, "useful to avoid rate limits".
    expect(slackSettings.streamFlushChars).toBeGreaterThanOrEqual(256);
    expect(slackSettings.streamFlushIntervalMs).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps streaming through a 429 on chat.appendStream: the text waits out Retry-After, nothing sleeps', async () => {
    let now = 0;
    const parts = ['p0 ', 'p1 ', 'p2 ', 'p3 ', 'p4 ', 'p5 '];
    const answer = { ...ANSWER, answer: parts.join('') };
    async function* paced(): AsyncGenerator<AnswerEvent> {
      for (const text of parts) {
        now += 1_000;
        yield { type: 'text', text };
      }
      yield { type: 'done', answer };
    }
    const reply = responder({ flushChars: 1, flushIntervalMs: 0, now: () => now });
    slack.rateLimitOnce('chat.appendStream', 3);
    const result = await reply.deliver(target(), paced());

    expect(result).toMatchObject({ mode: 'streamed', answer });
    expect(result.replaced).toBeUndefined();
    // p1 is refused at 2 s with Retry-After: 3; nothing is sent before 5 s, then all that waited.
    expect(slack.calls.map((c) => [c.method, c.status, c.args.markdown_text])).toEqual([
      ['chat.startStream', 200, 'p0 '],
      ['chat.appendStream', 429, 'p1 '],
      ['chat.appendStream', 200, 'p1 p2 p3 p4 '],
      ['chat.appendStream', 200, 'p5 '],
      ['chat.stopStream', 200, undefined],
    ]);
    expect(sleeps).toEqual([]);
    expect(slack.messages).toEqual([
      expect.objectContaining({ text: 'p0 p1 p2 p3 p4 p5 ', streaming: false, blocks: [expect.anything()] }),
    ]);
  });

  it('sends what a rate-limited stream could not append with chat.stopStream when the answer ends first', async () => {
    slack.rateLimitOnce('chat.appendStream', 30);
    const result = await responder({ flushChars: 1, flushIntervalMs: 0 }).deliver(
      target(),
      events(pieces(ANSWER, ['Go to Settings > Security ', '& turn on 2FA.', ' Keep your recovery codes.'])),
    );
    expect(result).toMatchObject({ mode: 'streamed', answer: ANSWER });
    expect(result.replaced).toBeUndefined();
    expect(slack.calls.map((c) => [c.method, c.status, c.args.markdown_text])).toEqual([
      ['chat.startStream', 200, 'Go to Settings &gt; Security '],
      ['chat.appendStream', 429, '&amp; turn on 2FA.'],
      ['chat.stopStream', 200, '&amp; turn on 2FA. Keep your recovery codes.'],
    ]);
    expect(sleeps).toEqual([]);
    expect(slack.messages).toEqual([
      expect.objectContaining({
        text: FORMATTED_BODY,
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: SOURCES }] }],
        streaming: false,
      }),
    ]);
  });

  it('starts a stream Slack rate-limited once Retry-After has passed, with all the text that waited', async () => {
    let now = 0;
    const parts = ['p0 ', 'p1 ', 'p2 ', 'p3 '];
    const answer = { ...ANSWER, answer: parts.join(''), citations: [] };
    async function* paced(): AsyncGenerator<AnswerEvent> {
      for (const text of parts) {
        now += 1_000;
        yield { type: 'text', text };
      }
      yield { type: 'done', answer };
    }
    slack.rateLimitOnce('chat.startStream', 2);
    const result = await responder({ flushChars: 1, flushIntervalMs: 0, now: () => now }).deliver(
      target(),
      paced(),
    );
    expect(result).toMatchObject({ mode: 'streamed', answer });
    expect(slack.calls.map((c) => [c.method, c.status, c.args.markdown_text])).toEqual([
      ['chat.startStream', 429, 'p0 '],
      ['chat.startStream', 200, 'p0 p1 p2 '],
      ['chat.appendStream', 200, 'p3 '],
      ['chat.stopStream', 200, undefined],
    ]);
    expect(sleeps).toEqual([]);
  });

  it('posts the answer in one message when a rate-limited stream could not start before the answer ended', async () => {
    slack.rateLimitOnce('chat.startStream', 30);
    const result = await responder().deliver(target(), replayAnswer(ANSWER));
    expect(result).toMatchObject({ mode: 'posted', answer: ANSWER });
    expect(slack.calls.map((c) => `${c.method}:${c.status}`)).toEqual([
      'chat.startStream:429',
      'chat.postMessage:200',
    ]);
    expect(sleeps).toEqual([]);
    expect(slack.messages).toEqual([
      expect.objectContaining({ text: `${FORMATTED_BODY}\n\n${SOURCES}`, via: 'chat.postMessage' }),
    ]);
  });

  it("finishes a streamed answer citing many sources within Slack's 3,000-character block text", async () => {
    const many: ChatAnswer = {
      ...ANSWER,
      citations: Array.from({ length: 60 }, (_, i) => ({
        start: 0,
        end: 5,
        text: 'Go to',
        references: [
          {
            sourceUri: `https://help.example/articles/${String(i).padStart(2, '0')}-${'a-rather-long-article-slug-'.repeat(2)}`,
            title: `Article number ${i} about a topic`,
            excerpt: '…',
          },
        ],
      })),
    };
    const result = await responder().deliver(target(), replayAnswer(many));
    expect(result).toMatchObject({ mode: 'streamed', answer: many });
    expect(result.replaced).toBeUndefined();
    const [message] = slack.messages;
    expect(slack.messages).toHaveLength(1);
    const sources =
      (message?.blocks as { elements: { text: string }[] }[] | undefined)?.[0]?.elements[0]?.text ?? '';
    expect(sources.length).toBeLessThanOrEqual(MAX_BLOCK_TEXT);
    const listed = sources.split('\n').filter((line) => line.startsWith('• ')).length;
    expect(listed).toBeGreaterThan(0);
    expect(sources.split('\n').at(-1)).toBe(`_…and ${60 - listed} more_`);
  });

  it('replaces a stream Slack refused to finish with the whole answer, rather than failing into a second answer', async () => {
    slack.failOnce('chat.stopStream', 'invalid_blocks');
    const result = await responder().deliver(target(), replayAnswer(ANSWER));
    expect(result).toMatchObject({ mode: 'streamed', replaced: true, answer: ANSWER });
    expect(slack.calls.map((c) => `${c.method}:${c.error ?? 'ok'}`)).toEqual([
      'chat.startStream:ok',
      'chat.stopStream:invalid_blocks',
      'chat.stopStream:ok',
      'chat.update:ok',
    ]);
    expect(slack.messages).toEqual([
      expect.objectContaining({ text: `${FORMATTED_BODY}\n\n${SOURCES}`, streaming: false, updates: 1 }),
    ]);
  });

  it("posts the guardrail's message when Slack refuses to replace the streamed text, rather than failing", async () => {
    slack.failOnce('chat.update', 'msg_too_long');
    const blocked: ChatAnswer = {
      ...ANSWER,
      answer: 'Sorry, I cannot help with that request.',
      guardrail: { action: 'INTERVENED' },
    };
    const result = await responder().deliver(
      target(),
      events([
        { type: 'text', text: 'Here is how to bypass' },
        { type: 'done', answer: blocked },
      ]),
    );
    expect(result).toMatchObject({ mode: 'posted' });
    expect(slack.calls.map((c) => `${c.method}:${c.error ?? 'ok'}`)).toEqual([
      'chat.startStream:ok',
      'chat.stopStream:ok',
      'chat.update:msg_too_long',
      'chat.postMessage:ok',
    ]);
  });

  it('falls back to one chat.postMessage in mrkdwn when the workspace cannot stream, and remembers it', async () => {
    slack.setStreaming('not_allowed');
    const where = target();
    const reply = responder();
    const first = await reply.deliver(where, replayAnswer(ANSWER));
    expect(first.mode).toBe('posted');
    expect(slack.calls.map((c) => `${c.method}:${c.ok ? 'ok' : c.error}`)).toEqual([
      'chat.startStream:not_allowed',
      'chat.postMessage:ok',
    ]);
    expect(slack.messages).toEqual([
      expect.objectContaining({
        threadTs: '1700000000.000100',
        text: `${FORMATTED_BODY}\n\n${SOURCES}`,
        via: 'chat.postMessage',
      }),
    ]);
    slack.reset();
    await reply.deliver(where, replayAnswer(ANSWER));
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('falls back for one answer only when Slack refuses a stream for another reason', async () => {
    const where = target();
    const reply = responder();
    slack.failOnce('chat.startStream', 'invalid_arguments');
    expect((await reply.deliver(where, replayAnswer(ANSWER))).mode).toBe('posted');
    expect((await reply.deliver(where, replayAnswer(ANSWER))).mode).toBe('streamed');
  });

  it('posts directly when streaming is switched off', async () => {
    const result = await responder({ streaming: false }).deliver(target(), replayAnswer(ANSWER));
    expect(result.mode).toBe('posted');
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it("replaces streamed text with the guardrail's message when the final answer differs", async () => {
    const blocked: ChatAnswer = {
      ...ANSWER,
      answer: 'Sorry, I cannot help with that request.',
      guardrail: { action: 'INTERVENED' },
    };
    const result = await responder().deliver(
      target(),
      events([
        { type: 'session', sessionId: 's1', messageId: 'm1' },
        { type: 'text', text: 'Here is how to bypass' },
        { type: 'guardrail', action: 'INTERVENED' },
        { type: 'done', answer: blocked },
      ]),
    );
    expect(result).toMatchObject({ mode: 'streamed', replaced: true });
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.startStream', 'chat.stopStream', 'chat.update']);
    expect(slack.messages).toEqual([
      expect.objectContaining({
        text: 'Sorry, I cannot help with that request.',
        blocks: undefined,
        updates: 1,
      }),
    ]);
  });

  it('shows an input the guardrail blocked as its message, without sources', async () => {
    const blocked: ChatAnswer = {
      ...ANSWER,
      answer: 'Sorry, I cannot help with that.',
      guardrail: { action: 'INTERVENED' },
    };
    await responder({ streaming: false }).deliver(target(), replayAnswer(blocked));
    expect(slack.messages.map((m) => m.text)).toEqual(['Sorry, I cannot help with that.']);
  });

  it('replaces a stream Slack stopped accepting with the full answer', async () => {
    slack.failOnce('chat.appendStream', 'message_not_in_streaming_state');
    const result = await responder({ flushChars: 1, flushIntervalMs: 0 }).deliver(
      target(),
      events(pieces(ANSWER, ['Go to Settings > Security ', '& turn on 2FA.', ' Keep your recovery codes.'])),
    );
    expect(result).toMatchObject({ mode: 'streamed', replaced: true });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toBe(`${FORMATTED_BODY}\n\n${SOURCES}`);
  });

  it('closes a stream whose answer broke off, marking it, and fails so the queue retries', async () => {
    async function* broken(): AsyncGenerator<AnswerEvent> {
      yield { type: 'text', text: 'The first half of' };
      throw new Error('Bedrock cut the stream');
    }
    await expect(responder().deliver(target(), broken())).rejects.toThrow(/cut the stream/);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.startStream', 'chat.stopStream', 'chat.update']);
    expect(slack.messages).toEqual([expect.objectContaining({ text: INTERRUPTED_NOTICE, streaming: false })]);
  });

  it('fails when the stream ends without its final event', async () => {
    await expect(
      responder().deliver(target(), events([{ type: 'text', text: 'half an ans' }])),
    ).rejects.toThrow(/final event/);
  });
});

describe('SlackResponder working indicator', () => {
  it('adds a reaction to the question and removes it, tolerating Slack refusing either', async () => {
    const where = target();
    const reply = responder();
    await reply.showWorking(where);
    expect(slack.reactions).toEqual([
      { channel: 'C0SUPPORT', ts: '1700000000.000100', name: 'eyes', removed: false },
    ]);
    await reply.doneWorking(where);
    expect(slack.reactions[0]?.removed).toBe(true);
    slack.failOnce('reactions.add', 'missing_scope');
    await expect(reply.showWorking(where)).resolves.toBeUndefined();
    await expect(reply.doneWorking(where)).resolves.toBeUndefined();
  });
});
