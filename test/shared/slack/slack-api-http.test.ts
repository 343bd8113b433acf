/**
 * The Slack Web API client's requests and its answers to what the fake Slack never does (an HTTP
 * error, a 429 without `Retry-After`), against a loopback server that records each request.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackApi, SlackPlatformError, SlackRequestError } from '../../../shared/slack/slack-api.ts';

interface Seen {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server;
let url = '';
const seen: Seen[] = [];
let answer: { status: number; headers?: Record<string, string>; body: string } = { status: 200, body: '' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  answer = { status: 200, body: JSON.stringify({ ok: true, channel: 'C1', ts: '2.000002' }) };
});

const api = (token: () => Promise<string> = async () => 'xoxb-test') =>
  new SlackApi({ token, apiUrl: url, rateLimitRetries: 2, maxRetryAfterSeconds: 5, sleep: async () => {} });

describe('SlackApi over HTTP', () => {
  it("sends what Slack's own client sent: POST to the method, Bearer token, form-encoded, blocks as JSON", async () => {
    await api().stopStream({
      channel: 'C1',
      ts: '1.000001',
      markdownText: 'a & b',
      blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: '<https://x.example|x>' }] }],
    });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/api/chat.stopStream');
    expect(request?.headers.authorization).toBe('Bearer xoxb-test');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      channel: 'C1',
      ts: '1.000001',
      markdown_text: 'a & b',
      blocks: JSON.stringify([
        { type: 'context', elements: [{ type: 'mrkdwn', text: '<https://x.example|x>' }] },
      ]),
    });
  });

  it('encodes booleans as text and leaves out what is not set', async () => {
    await api().postMessage({ channel: 'C1', threadTs: '1.000001', text: 'hi' });
    await api().stopStream({ channel: 'C1', ts: '1.000001' });
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toMatchObject({
      mrkdwn: 'true',
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(Object.fromEntries(new URLSearchParams(seen[1]?.body))).toEqual({ channel: 'C1', ts: '1.000001' });
  });

  it('answers an HTTP error with SlackRequestError, without retrying', async () => {
    answer = { status: 503, body: 'upstream unavailable' };
    const error = await api()
      .addReaction({ channel: 'C1', ts: '1.000001', name: 'eyes' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRequestError);
    expect(error).toMatchObject({ method: 'reactions.add' });
    expect(seen).toHaveLength(1);
  });

  it('answers a 429 without a usable Retry-After with SlackRequestError, without retrying', async () => {
    answer = { status: 429, body: JSON.stringify({ ok: false, error: 'ratelimited' }) };
    const error = await api()
      .addReaction({ channel: 'C1', ts: '1.000001', name: 'eyes' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackRequestError);
    expect(seen).toHaveLength(1);
  });

  it('answers a reply that is not JSON with SlackRequestError, and one without a ts with SlackPlatformError', async () => {
    answer = { status: 200, body: '<html>' };
    expect(
      await api()
        .authTest()
        .catch((e: unknown) => e),
    ).toBeInstanceOf(SlackRequestError);
    answer = { status: 200, body: JSON.stringify({ ok: true }) };
    const error = await api()
      .postMessage({ channel: 'C1', threadTs: '1.000001', text: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackPlatformError);
    expect(error).toMatchObject({ method: 'chat.postMessage', slackError: 'no_ts_in_response' });
  });

  it('resolves the token once, and again after a failed resolution', async () => {
    let resolutions = 0;
    const client = api(async () => {
      resolutions++;
      if (resolutions === 1) throw new Error('secret not readable yet');
      return 'xoxb-test';
    });
    await expect(client.authTest()).rejects.toThrow('secret not readable yet');
    await client.authTest();
    await client.authTest();
    expect(resolutions).toBe(2);
    expect(seen).toHaveLength(2);
  });
});
