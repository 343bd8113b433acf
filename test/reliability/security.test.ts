import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';
import { ADMIN_KEY, API_KEY, apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';
import { describe as describeResponse, isJsonClientError, type RawResponse, rawRequest } from './support.ts';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
let stack: LocalStack;
/** Alice's session with one answered turn: what every refused request below must leave alone. */
let session: { sessionId: string; messageId: string };
let transcriptBefore: string;

beforeAll(async () => {
  stack = await bootStack({
    slack: { signingSecret: SIGNING_SECRET, botToken: 'xoxb-test-token', apiUrl: 'http://127.0.0.1:9/api/' },
  });
  const res = await apiClient(stack.url, API_KEY).chat('How do I reset my password?');
  session = { sessionId: res.body.sessionId, messageId: res.body.messageId };
  transcriptBefore = (await apiClient(stack.url, API_KEY).request('GET', `/v1/sessions/${session.sessionId}`))
    .text;
});
afterAll(() => stack?.close());

function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  return rawRequest(stack.url, {
    method,
    path,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

type Kind = 'api' | 'admin' | 'slack';
const routes = (): [Kind, string, string, unknown][] => [
  ['api', 'POST', '/v1/chat', { message: 'How do I reset my password?' }],
  ['api', 'POST', '/v1/chat', { message: 'and then?', sessionId: session.sessionId }],
  ['api', 'POST', '/v1/chat/stream', { message: 'How do I reset my password?' }],
  ['api', 'GET', `/v1/sessions/${session.sessionId}`, undefined],
  ['api', 'DELETE', `/v1/sessions/${session.sessionId}`, undefined],
  [
    'api',
    'POST',
    `/v1/sessions/${session.sessionId}/feedback`,
    { messageId: session.messageId, rating: 'down' },
  ],
  ['api', 'GET', '/v1/sessions/no-such-session', undefined],
  ['admin', 'POST', '/v1/admin/knowledge-base/sync', {}],
  ['admin', 'GET', '/v1/admin/knowledge-base/jobs', undefined],
  ['admin', 'GET', '/v1/admin/knowledge-base/jobs/ABCDEFGHIJ', undefined],
  ['slack', 'POST', '/v1/slack/events', { type: 'url_verification', challenge: 'c', token: 't' }],
];

/** What a route must answer to a request without its credentials. */
function expectRefused(kind: Kind, res: RawResponse, what: string): void {
  expect(isJsonClientError(res), `${what}: ${describeResponse(res)}`).toBe(true);
  if (kind === 'admin') {
    // Unsigned (no x-admin-key) is API Gateway's missing authentication token, a 404; a bad one a 403.
    expect(
      [
        [403, 'FORBIDDEN'],
        [404, 'NOT_FOUND'],
      ],
      what,
    ).toContainEqual([res.status, res.json.error.code]);
  } else {
    expect(res.status, what).toBe(401);
    expect(res.json.error.code, what).toBe('UNAUTHORIZED');
  }
}

async function expectSessionUntouched(): Promise<void> {
  const now = await apiClient(stack.url, API_KEY).request('GET', `/v1/sessions/${session.sessionId}`);
  expect(now.status).toBe(200);
  expect(now.text).toBe(transcriptBefore);
}

describe('requests without valid credentials', () => {
  const variants: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['an unknown x-api-key', { 'x-api-key': 'not-a-real-key-0000' }],
    ['an empty x-api-key', { 'x-api-key': '' }],
    ['the key as a bearer token', { authorization: `Bearer ${API_KEY}` }],
    ['the key in another header', { 'x-api-token': API_KEY }],
    ['the key with a suffix', { 'x-api-key': `${API_KEY}0` }],
    ['the key in another case', { 'x-api-key': API_KEY.toUpperCase() }],
    ['the admin key as x-api-key', { 'x-api-key': ADMIN_KEY }],
  ];
  for (const [name, headers] of variants) {
    it(`are refused on every route: ${name}`, async () => {
      for (const [kind, method, path, body] of routes()) {
        expectRefused(kind, await send(method, path, headers, body), `${name}: ${method} ${path}`);
      }
      await expectSessionUntouched();
    });
  }

  it('are refused with the key in the query string', async () => {
    for (const [kind, method, path, body] of routes()) {
      const res = await send(method, `${path}?x-api-key=${API_KEY}&api_key=${API_KEY}`, {}, body);
      expectRefused(kind, res, `${method} ${path}?key`);
    }
    await expectSessionUntouched();
  });

  it('leave only the health check open', async () => {
    const res = await send('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });
});

describe("another API key and Alice's session", () => {
  it('gets 404 for reading, deleting, rating or continuing it, exactly as for a session that never existed', async () => {
    const bob = { 'x-api-key': OTHER_API_KEY };
    const { sessionId, messageId } = session;
    const attempts: [string, string, unknown][] = [
      ['GET', `/v1/sessions/${sessionId}`, undefined],
      ['DELETE', `/v1/sessions/${sessionId}`, undefined],
      ['POST', `/v1/sessions/${sessionId}/feedback`, { messageId, rating: 'down', comment: 'not mine' }],
      ['POST', '/v1/chat', { message: 'and how long is the link valid?', sessionId }],
      ['POST', '/v1/chat/stream', { message: 'and how long is the link valid?', sessionId }],
    ];
    for (const [method, path, body] of attempts) {
      const theirs = await send(method, path, bob, body);
      const neverBody =
        body && typeof body === 'object' && 'sessionId' in body
          ? { ...body, sessionId: 'never-existed' }
          : body;
      const never = await send(method, path.replace(sessionId, 'never-existed'), bob, neverBody);
      expect(theirs.status, `${method} ${path}: ${describeResponse(theirs)}`).toBe(404);
      expect(never.status, `${method} ${path}: ${describeResponse(never)}`).toBe(404);
      expect(theirs.json.error.code).toBe('NOT_FOUND');
      expect(theirs.status).toBe(never.status);
      expect(theirs.json.error.message.replace(sessionId, 'ID')).toBe(
        never.json.error.message.replace('never-existed', 'ID'),
      );
    }
    await expectSessionUntouched();
  });

  it("never gets Alice's answer by reusing her clientMessageId", async () => {
    const clientMessageId = 'shared-client-message-id-1';
    const mine = await apiClient(stack.url, API_KEY).request('POST', '/v1/chat', {
      message: 'How do I export my data?',
      clientMessageId,
    });
    const theirs = await apiClient(stack.url, OTHER_API_KEY).request('POST', '/v1/chat', {
      message: 'How do I export my data?',
      clientMessageId,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.sessionId).not.toBe(mine.body.sessionId);
    expect(
      (await send('GET', `/v1/sessions/${mine.body.sessionId}`, { 'x-api-key': OTHER_API_KEY })).status,
    ).toBe(404);
  });
});

describe('admin routes', () => {
  const adminRequests: [string, string, unknown][] = [
    ['GET', '/v1/admin/knowledge-base/jobs', undefined],
    ['GET', '/v1/admin/knowledge-base/jobs/ABCDEFGHIJ', undefined],
    ['POST', '/v1/admin/knowledge-base/sync', {}],
  ];

  it('refuse chat API keys, in either header', async () => {
    for (const [method, path, body] of adminRequests) {
      const variants: Record<string, string>[] = [
        { 'x-api-key': API_KEY },
        { 'x-admin-key': API_KEY },
        { 'x-api-key': API_KEY, 'x-admin-key': OTHER_API_KEY },
        { 'x-admin-key': `${ADMIN_KEY}x` },
      ];
      for (const headers of variants) {
        expectRefused(
          'admin',
          await send(method, path, headers, body),
          `${method} ${path} ${Object.keys(headers)}`,
        );
      }
    }
  });

  it('answer the admin key on each of them', async () => {
    const jobs = await send('GET', '/v1/admin/knowledge-base/jobs', { 'x-admin-key': ADMIN_KEY });
    expect(jobs.status, describeResponse(jobs)).toBe(200);
    expect(jobs.json).toMatchObject({ jobs: expect.any(Array) });
    // A well-formed id no job has: the route answers for it, it is not the gateway's unknown route.
    const job = await send('GET', '/v1/admin/knowledge-base/jobs/ABCDEFGHIJ', { 'x-admin-key': ADMIN_KEY });
    expect(job.status, describeResponse(job)).toBe(404);
    expect(job.json.error.code).toBe('NOT_FOUND');
    expect(job.json.error.message).toMatch(/Ingestion job ABCDEFGHIJ was not found/);
    // The sync route's own validation answers (a real sync would re-ingest under the other tests).
    const sync = await send(
      'POST',
      '/v1/admin/knowledge-base/sync',
      { 'x-admin-key': ADMIN_KEY },
      { dataSourceIds: [] },
    );
    expect(sync.status, describeResponse(sync)).toBe(400);
    expect(sync.json.error.code).toBe('VALIDATION_ERROR');
  });

  it('do not make the admin key a chat key', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/chat', { message: 'How do I reset my password?' }],
      ['GET', `/v1/sessions/${session.sessionId}`, undefined],
    ] as const) {
      expectRefused('api', await send(method, path, { 'x-admin-key': ADMIN_KEY }, body), `${method} ${path}`);
    }
  });
});

describe('POST /v1/slack/events', () => {
  const body = JSON.stringify({ type: 'url_verification', challenge: 'challenge-3f9a', token: 'legacy' });
  const now = () => String(Math.floor(Date.now() / 1000));
  const signed = (timestamp: string, raw = body, secret = SIGNING_SECRET) => ({
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(secret, timestamp, raw),
  });

  it('answers a correctly signed request (so the refusals below are about the signature)', async () => {
    const res = await send('POST', '/v1/slack/events', signed(now()), body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: 'challenge-3f9a' });
  });

  it('refuses missing, malformed, wrong, stale, future or replayed-onto-another-body signatures', async () => {
    const t = now();
    const cases: [string, Record<string, string>][] = [
      ['no signature headers', {}],
      ['no timestamp', { 'x-slack-signature': signed(t)['x-slack-signature'] }],
      ['no signature', { 'x-slack-request-timestamp': t }],
      ['a malformed signature', { 'x-slack-request-timestamp': t, 'x-slack-signature': 'v0=xyz' }],
      [
        'a v1 signature',
        { ...signed(t), 'x-slack-signature': signed(t)['x-slack-signature'].replace('v0=', 'v1=') },
      ],
      ['another secret', signed(t, body, 'some-other-signing-secret-0000')],
      ['a stale timestamp', signed(String(Number(t) - 6 * 60))],
      ['a future timestamp', signed(String(Number(t) + 6 * 60))],
      ['a non-numeric timestamp', { ...signed(t), 'x-slack-request-timestamp': `${t}abc` }],
      ["another body's signature", signed(t, body.replace('3f9a', '0000'))],
      ['an API key instead', { 'x-api-key': API_KEY }],
    ];
    for (const [name, headers] of cases) {
      const res = await send('POST', '/v1/slack/events', headers, body);
      expect(isJsonClientError(res), `${name}: ${describeResponse(res)}`).toBe(true);
      expect(res.status, name).toBe(401);
      expect(res.json.error.code, name).toBe('UNAUTHORIZED');
      expect(res.text, name).not.toContain('challenge-3f9a');
    }
  });
});
