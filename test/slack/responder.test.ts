import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import { replayAnswer } from '../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import type { AnswerEvent } from '../../shared/slack/answer-stream.ts';
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

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN });
});
afterAll(() => slack?.close());
beforeEach(() => {
  slack.reset();
  slack.setStreaming(true);
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
    }),
    { streaming: true, workingReaction: 'eyes', flushChars: 200, flushIntervalMs: 750, ...options },
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
    const result = await responder({ flushChars: 1 }).deliver(
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

  it('sends the first words at once, then batches text to spare the rate limits', async () => {
    let now = 0;
    const parts = Array.from({ length: 10 }, (_, i) => `w${i} `);
    const answer = { ...ANSWER, answer: parts.join(''), citations: [] };
    async function* slow(): AsyncGenerator<AnswerEvent> {
      for (const text of parts) {
        now += 100;
        yield { type: 'text', text };
      }
      yield { type: 'done', answer };
    }
    await responder({ flushChars: 1_000, flushIntervalMs: 450, now: () => now }).deliver(target(), slow());
    // w0 opens the stream; then a flush whenever 450 ms passed since the last one; the rest on stop.
    expect(slack.calls.map((c) => [c.method, c.args.markdown_text])).toEqual([
      ['chat.startStream', 'w0 '],
      ['chat.appendStream', 'w1 w2 w3 w4 w5 '],
      ['chat.stopStream', 'w6 w7 w8 w9 '],
    ]);
    expect(slack.messages[0]?.text).toBe(answer.answer);
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
    const result = await responder({ flushChars: 1 }).deliver(
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
