import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import {
  SlackApi,
  type SlackApiOptions,
  SlackPlatformError,
  SlackRateLimitedError,
  SlackRequestError,
} from '../../shared/slack/slack-api.ts';

const TOKEN = 'xoxb-test-token';
let slack: FakeSlackApi;

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TOKEN });
});
afterAll(() => slack?.close());
beforeEach(() => slack.reset());

const api = (overrides: Partial<SlackApiOptions> = {}) =>
  new SlackApi({
    token: async () => TOKEN,
    apiUrl: slack.url,
    rateLimitRetries: 3,
    maxRetryAfterSeconds: 20,
    ...overrides,
  });

describe('SlackApi', () => {
  it('posts in a thread with the bot token and mrkdwn, without unfurling links', async () => {
    const posted = await api().postMessage({
      channel: 'C1',
      threadTs: '1.000001',
      text: 'Hi &amp; <https://x.example|x>',
    });
    expect(posted).toEqual({ channel: 'C1', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(slack.calls).toEqual([
      expect.objectContaining({
        method: 'chat.postMessage',
        ok: true,
        args: expect.objectContaining({
          channel: 'C1',
          thread_ts: '1.000001',
          text: 'Hi &amp; <https://x.example|x>',
          mrkdwn: 'true',
          unfurl_links: 'false',
        }),
      }),
    ]);
    expect(JSON.stringify(slack.calls)).not.toContain(TOKEN);
  });

  it("honours a 429's Retry-After, then succeeds (one message, not two)", async () => {
    slack.rateLimitOnce('chat.postMessage', 1);
    await api().postMessage({ channel: 'C1', threadTs: '1.000001', text: 'hello' });
    const [limited, retried] = slack.calls;
    expect(limited).toMatchObject({ method: 'chat.postMessage', status: 429 });
    expect(retried).toMatchObject({ method: 'chat.postMessage', status: 200, ok: true });
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(slack.messages).toHaveLength(1);
  });

  it('waits exactly what Retry-After says, a bounded number of times', async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    slack.rateLimitOnce('reactions.add', 7);
    await api({ sleep }).addReaction({ channel: 'C1', ts: '1.000001', name: 'eyes' });
    expect(waits).toEqual([7_000]);

    // Slack keeps limiting: give up after the allowed retries, for SQS to try later.
    const stubborn = api({ sleep: async () => slack.rateLimitOnce('reactions.add', 1), rateLimitRetries: 2 });
    slack.rateLimitOnce('reactions.add', 1);
    const error = await stubborn
      .addReaction({ channel: 'C1', ts: '2.000001', name: 'eyes' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRateLimitedError);
    expect(error).toMatchObject({ method: 'reactions.add', retryAfterSeconds: 1 });
  });

  it('does not sleep past what one invocation may wait', async () => {
    const waits: number[] = [];
    slack.rateLimitOnce('chat.postMessage', 120);
    const error = await api({ sleep: async (ms) => void waits.push(ms) })
      .postMessage({ channel: 'C1', threadTs: '1.000001', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackRateLimitedError', retryAfterSeconds: 120 });
    expect(waits).toEqual([]);
  });

  it('never waits out a 429 on starting or appending to a stream: it reports Retry-After at once', async () => {
    const waits: number[] = [];
    const client = api({ sleep: async (ms) => void waits.push(ms) });
    slack.rateLimitOnce('chat.startStream', 3);
    const start = {
      channel: 'C1',
      threadTs: '1.000001',
      markdownText: 'Hello',
      recipientUserId: 'U1',
      recipientTeamId: 'T1',
    };
    expect(await client.startStream(start).catch((e: unknown) => e)).toMatchObject({
      name: 'SlackRateLimitedError',
      method: 'chat.startStream',
      retryAfterSeconds: 3,
    });
    const stream = await client.startStream(start);
    slack.rateLimitOnce('chat.appendStream', 2);
    expect(
      await client
        .appendStream({ channel: 'C1', ts: stream.ts, markdownText: ', world' })
        .catch((e: unknown) => e),
    ).toMatchObject({ name: 'SlackRateLimitedError', method: 'chat.appendStream', retryAfterSeconds: 2 });
    expect(waits).toEqual([]);
    expect(slack.calls.map((c) => `${c.method}:${c.status}`)).toEqual([
      'chat.startStream:429',
      'chat.startStream:200',
      'chat.appendStream:429',
    ]);
  });

  it('meets Slack refusing a block text over 3,000 characters with invalid_blocks', async () => {
    const client = api();
    const stream = await client.startStream({
      channel: 'C1',
      threadTs: '1.000001',
      markdownText: 'Hello',
      recipientUserId: 'U1',
      recipientTeamId: 'T1',
    });
    const block = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
    const error = await client
      .stopStream({ channel: 'C1', ts: stream.ts, blocks: [block('x'.repeat(3_001))] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackPlatformError', slackError: 'invalid_blocks' });
    await client.stopStream({ channel: 'C1', ts: stream.ts, blocks: [block('x'.repeat(3_000))] });
    expect(slack.messages[0]).toMatchObject({ streaming: false, blocks: [block('x'.repeat(3_000))] });
  });

  it("turns Slack's {ok:false} into SlackPlatformError naming the method and Slack's code", async () => {
    const error = await api({ token: async () => 'xoxb-wrong' })
      .postMessage({ channel: 'C1', threadTs: '1.000001', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackPlatformError);
    expect(error).toMatchObject({ method: 'chat.postMessage', slackError: 'invalid_auth' });
    expect(String(error)).not.toContain('xoxb-wrong');
  });

  it('reports an unreachable Slack as SlackRequestError', async () => {
    const error = await api({ apiUrl: 'http://127.0.0.1:9/api/', timeoutMs: 2_000 })
      .authTest()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRequestError);
  });

  it('speaks the streaming methods: start in a thread, append, stop with blocks', async () => {
    const client = api();
    const stream = await client.startStream({
      channel: 'C1',
      threadTs: '1.000001',
      markdownText: 'Hello',
      recipientUserId: 'U1',
      recipientTeamId: 'T1',
    });
    await client.appendStream({ channel: 'C1', ts: stream.ts, markdownText: ', world' });
    await client.stopStream({
      channel: 'C1',
      ts: stream.ts,
      markdownText: '!',
      blocks: [{ type: 'divider' }],
    });
    expect(slack.messages).toEqual([
      expect.objectContaining({
        threadTs: '1.000001',
        text: 'Hello, world!',
        blocks: [{ type: 'divider' }],
        via: 'chat.startStream',
        streaming: false,
      }),
    ]);
  });
});
