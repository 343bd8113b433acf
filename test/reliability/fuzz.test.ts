/**
 * Property-based tests of the public HTTP API with bad input: random bodies, wrong types, odd
 * unicode, huge and deeply nested payloads, random methods and paths, header tricks. Every answer
 * must be a JSON 4xx with `error.code` (or one of the few legitimate successes the oracle names),
 * the server must stay up, and the table must be exactly as it was before: compared item by item
 * with a DynamoDB Scan. The one property that sends valid first turns on purpose asserts 200 and
 * leaves out exactly the sessions those turns created.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { chatRequestSchema } from '../../shared/api-schemas.ts';
import { feedbackRequestSchema } from '../../shared/session-api-schemas.ts';
import { API_KEY, apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';
import {
  describe as describeResponse,
  expectHealthy,
  isJsonClientError,
  type RawResponse,
  rawRequest,
  snapshotTable,
} from './support.ts';

let stack: LocalStack;
/** Alice's sessions (one rated answer) and one of Bob's: state the fuzzing must not touch. */
const alice: string[] = [];
let bob = '';
let before: Map<string, string>;
/** Sessions created on purpose by the valid-first-turn property, left out of the comparison. */
const createdOnPurpose = new Set<string>();
/** HTTP requests sent by each property, for the report. */
const cases = new Map<string, number>();
let staticBodies: Set<string>;

beforeAll(async () => {
  stack = await bootStack();
  const client = apiClient(stack.url, API_KEY);
  for (const question of ['How do I reset my password?', 'How do I invite a teammate?']) {
    alice.push((await client.chat(question)).body.sessionId);
  }
  const first = await client.request('GET', `/v1/sessions/${alice[0]}`);
  await client.request('POST', `/v1/sessions/${alice[0]}/feedback`, {
    messageId: first.body.messages[1].messageId,
    rating: 'up',
  });
  bob = (await apiClient(stack.url, OTHER_API_KEY).chat('How do I cancel my subscription?')).body.sessionId;
  const playground = join(import.meta.dirname, '..', '..', 'local', 'playground');
  staticBodies = new Set(readdirSync(playground).map((file) => readFileSync(join(playground, file), 'utf8')));
  before = await snapshotTable(stack);
});

afterEach(async () => {
  await expectHealthy(stack);
});

afterAll(async () => {
  if (stack) {
    const after = await snapshotTable(stack);
    const onPurpose = (key: string) => [...createdOnPurpose].some((id) => key.startsWith(`SESSION#${id}|`));
    try {
      expect(new Map([...after].filter(([key]) => !onPurpose(key)))).toEqual(before);
    } finally {
      const total = [...cases.values()].reduce((sum, n) => sum + n, 0);
      console.info(
        `fuzz: ${total} requests — ${[...cases].map(([name, n]) => `${name} ${n}`).join(', ')}; ` +
          `${createdOnPurpose.size} sessions created on purpose and left out of the table comparison`,
      );
      await stack.close();
    }
  }
});

const count = (property: string) => cases.set(property, (cases.get(property) ?? 0) + 1);

function post(path: string, body: string | Buffer, headers: Record<string, string | string[]> = {}) {
  return rawRequest(stack.url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...headers },
    body,
  });
}

function expectJsonClientError(res: RawResponse, context: string, method = 'POST'): void {
  if (!isJsonClientError(res, method)) {
    throw new Error(`expected a JSON 4xx for ${context}, got ${describeResponse(res)}`);
  }
}

/** Routes that take a body; none accepts an unsigned Slack event or a chat key on admin routes. */
const bodyRoute = () =>
  fc.constantFrom(
    '/v1/chat',
    '/v1/chat/stream',
    `/v1/sessions/${alice[0]}/feedback`,
    '/v1/sessions/never-existed/feedback',
    '/v1/slack/events',
    '/v1/admin/knowledge-base/sync',
  );

/**
 * Bodies that would legitimately change stored state on this route: a valid chat turn (new
 * session or new turn) or a valid rating of Alice's answer. The fuzzing properties skip them.
 */
function wouldChangeState(path: string, body: string): boolean {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return false;
  }
  if (path === '/v1/chat' || path === '/v1/chat/stream') return chatRequestSchema.safeParse(data).success;
  if (path === `/v1/sessions/${alice[0]}/feedback`) return feedbackRequestSchema.safeParse(data).success;
  return false;
}

/** A body property: every non-state-changing body gets a JSON 4xx on every body route. */
async function assertBodies(name: string, bodies: fc.Arbitrary<string | Buffer>, numRuns: number) {
  await fc.assert(
    fc.asyncProperty(bodyRoute(), bodies, async (path, body) => {
      fc.pre(!wouldChangeState(path, body.toString()));
      count(name);
      expectJsonClientError(
        await post(path, body),
        `POST ${path} ${JSON.stringify(body.toString().slice(0, 200))}`,
      );
    }),
    { numRuns },
  );
}

/** Characters JSON is made of, so random strings are often almost JSON. */
const jsonish = fc.string({
  unit: fc.constantFrom(
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '\\',
    'u',
    '0',
    'e',
    '-',
    '.',
    ' ',
    'null',
    'message',
    'true',
  ),
  maxLength: 80,
});

/** Strings of any kind the HTTP layer may mishandle: graphemes, astral code points, lone surrogates, NUL. */
const oddText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme-composite', maxLength: Math.min(maxLength, 1_200) }),
    fc
      .array(
        fc.constantFrom(
          '\ud800',
          '\udbff',
          '\udc00',
          '\udfff',
          '\u0000',
          '\u200b',
          '\u202e',
          '\ufeff',
          '\uffff',
          '\u2028',
          'a',
          ' ',
          '\n',
          '🙂',
          'e\u0301',
          '👩‍👩‍👧',
        ),
        { maxLength: Math.min(maxLength, 1_100) },
      )
      .map((parts) => parts.join('')),
    fc.string({
      unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2028', '\ufeff'),
      maxLength: 30,
    }),
  );

/** What `message` must be for the API to accept it: 1 to 1,000 characters once trimmed. */
/** Text with an unpaired surrogate, which the API refuses wherever it appears in a body. */
const unpaired = (text: string) => /\p{Cs}/u.test(text);

const validMessage = (message: string) => {
  const trimmed = message.trim();
  return trimmed.length >= 1 && trimmed.length <= 1_000 && !unpaired(message);
};

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

describe('bad bodies get a JSON 4xx and change nothing', () => {
  it('arbitrary strings, almost-JSON and raw bytes', async () => {
    await assertBodies('strings', fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), jsonish), 300);
    await assertBodies(
      'bytes',
      fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
      150,
    );
  });

  it('any JSON document', async () => {
    await assertBodies('json', fc.json({ maxDepth: 6 }), 250);
    await assertBodies(
      'jsonValue',
      fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
      150,
    );
  });

  it('chat and feedback objects with fields of the wrong type, unknown or hostile keys', async () => {
    const chatLike = fc.record(
      {
        message: fc.oneof(
          wrongType,
          fc.constant(''),
          fc.string({ unit: fc.constantFrom(' ', '\n'), maxLength: 5 }),
        ),
        sessionId: fc.oneof(wrongType, fc.string({ maxLength: 200 })),
        clientMessageId: fc.oneof(wrongType, fc.constant(''), fc.string({ minLength: 129, maxLength: 300 })),
        messageId: fc.oneof(wrongType, fc.string({ maxLength: 200 })),
        rating: fc.oneof(wrongType, fc.constantFrom('UP', 'Down', 'meh', '', 'up ')),
        comment: fc.oneof(wrongType, fc.string({ minLength: 1_001, maxLength: 1_500 })),
      },
      { requiredKeys: [] },
    );
    const hostile = fc.constantFrom(
      '{"__proto__":{"message":"How do I reset my password?"}}',
      '{"constructor":{"prototype":{"message":"hi"}}}',
      '{"message":"hi","sessionId":{"$ne":null}}',
      '{"message":"hi","sessionId":"SESSION#x"}',
      '{"message":["How do I reset my password?"]}',
      '{"message":"hi","message":null}',
      '{"message":"hi","clientMessageId":{"toString":"x"}}',
      '{"messageId":"x","rating":"up","comment":7}',
      '{"message":1e309}',
      '{"message":"\\ud800"',
    );
    await assertBodies(
      'wrong types',
      fc.oneof(
        chatLike.map((body) => JSON.stringify(body)),
        hostile,
      ),
      400,
    );
  });

  it('refuse a __proto__ member and unpaired surrogates by name, where the schemas would not see them', async () => {
    const refused: [string, string, string][] = [
      [
        '/v1/chat',
        '{"message":"How do I reset my password?","__proto__":{"x":1}}',
        'Unknown member(s): __proto__',
      ],
      ['/v1/chat/stream', '{"message":"reset \\ud800 password"}', 'unpaired surrogate'],
      [
        '/v1/chat',
        '{"message":"How do I reset my password?","clientMessageId":"\\udc00"}',
        'unpaired surrogate',
      ],
      [
        `/v1/sessions/${alice[0]}/feedback`,
        '{"messageId":"m","rating":"up","comment":"\\udfffx"}',
        'unpaired surrogate',
      ],
    ];
    for (const [path, body, message] of refused) {
      const res = await post(path, body);
      expect(res.status, `${path} ${body}`).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(res.json.error.message).toContain(message);
    }
    // A pair of surrogates is one character (an emoji), and welcome.
    const emoji = await post('/v1/chat', '{"message":"How do I reset my password? \\ud83d\\ude00"}');
    expect(emoji.status, describeResponse(emoji)).toBe(200);
    createdOnPurpose.add(emoji.json.sessionId);
  });

  it('odd unicode messages of 0 to 5,000 characters: 400 when invalid, else the unknown session’s 404', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/chat', '/v1/chat/stream'),
        oddText(5_000),
        fc.oneof(fc.uuid(), fc.string({ unit: 'binary', minLength: 1, maxLength: 128 })),
        async (path, message, sessionId) => {
          fc.pre(!alice.includes(sessionId) && sessionId !== bob);
          count('unicode');
          const res = await post(path, JSON.stringify({ message, sessionId }));
          const context = `POST ${path} message ${JSON.stringify(message.slice(0, 80))} (${message.length})`;
          expectJsonClientError(res, context);
          expect(res.json.error.code, context).toBe(
            validMessage(message) && !unpaired(sessionId) ? 'NOT_FOUND' : 'VALIDATION_ERROR',
          );
        },
      ),
      { numRuns: 250 },
    );
  });

  it('valid odd-unicode first turns are answered and stored once (the sessions they create are left out)', async () => {
    await fc.assert(
      fc.asyncProperty(oddText(1_000).filter(validMessage), async (message) => {
        count('valid unicode');
        const res = await post('/v1/chat', JSON.stringify({ message }));
        expect(res.status, describeResponse(res)).toBe(200);
        createdOnPurpose.add(res.json.sessionId);
        const transcript = await rawRequest(stack.url, {
          method: 'GET',
          path: `/v1/sessions/${encodeURIComponent(res.json.sessionId)}`,
          headers: { 'x-api-key': API_KEY },
        });
        const [question, answer] = transcript.json.messages;
        expect(transcript.json.messages).toHaveLength(2);
        expect(answer).toMatchObject({
          messageId: res.json.messageId,
          role: 'assistant',
          text: res.json.answer,
        });
        // Stored as sent (trimmed), unless the guardrail masked or withheld it.
        if (res.json.guardrail.action === 'NONE') expect(question.text).toBe(message.trim());
      }),
      { numRuns: 40 },
    );
  });

  it('huge strings, huge bodies and deep nesting', async () => {
    // Messages too long to be valid, in bodies under the 64 KB limit.
    await assertBodies(
      'huge strings',
      fc
        .tuple(fc.integer({ min: 1_001, max: 20_000 }), fc.constantFrom('a', 'é', '🙂', ' x', '\u0000'))
        .map(([n, unit]) => JSON.stringify({ message: unit.repeat(Math.ceil(n / unit.length)) })),
      30,
    );
    // Deep nesting: 10,000 levels exactly, and other depths and shapes.
    const nested = (depth: number, shape: string) => {
      switch (shape) {
        case 'array':
          return `${'['.repeat(depth)}${']'.repeat(depth)}`;
        case 'object':
          return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        case 'message':
          return `{"message":${'['.repeat(depth)}"hi"${']'.repeat(depth)}}`;
        default:
          return `{"message":"hi","sessionId":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      }
    };
    await assertBodies(
      'deep nesting',
      fc
        .tuple(
          fc.oneof(fc.constant(10_000), fc.integer({ min: 100, max: 15_000 })),
          fc.constantFrom('array', 'object', 'message', 'sessionId'),
        )
        .map(([depth, shape]) => nested(depth, shape)),
      30,
    );
    // 1 to 12 MB: over Lantern's 64 KB and, above 10 MB, over API Gateway's own limit.
    await fc.assert(
      fc.asyncProperty(
        bodyRoute(),
        fc.integer({ min: 1 << 20, max: 12 << 20 }),
        fc.constantFrom('json', 'bytes'),
        async (path, size, kind) => {
          count('huge bodies');
          const body =
            kind === 'json' ? Buffer.from(`{"message":"${'a'.repeat(size)}"}`) : Buffer.alloc(size, 0xfe);
          const res = await post(path, body);
          expectJsonClientError(res, `POST ${path} ${size} bytes`);
          // Over 10 MB API Gateway refuses the size. Under it, the chat routes' request model refuses the
          // body first (too long a message, or not JSON), as on AWS; unsigned Slack events and chat keys on
          // admin routes fail earlier still.
          if (size > 10 << 20) expect(res.status).toBe(413);
          else if (path.startsWith('/v1/chat')) expect(res.status).toBe(400);
        },
      ),
      { numRuns: 6 },
    );
  }, 60_000);
});

/** The path as the gateway resolves it: undefined when it cannot be decoded (a 400). */
function resolvedPath(raw: string): string | undefined {
  try {
    const { pathname } = new URL(raw, 'http://localhost');
    const segments = pathname.split('/').map((s) => decodeURIComponent(s));
    if (segments.some((s) => s === '.' || s === '..' || s.includes('/'))) return undefined;
    const path = segments.join('/');
    return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  } catch {
    return undefined;
  }
}

/** The few successes a request with Alice's key may legitimately get; anything else must be a JSON 4xx. */
function legitimateSuccess(method: string, rawPath: string, res: RawResponse, withKey: boolean): boolean {
  if (method === 'OPTIONS') return res.status === 204 && res.text === '';
  if (res.status !== 200 || method !== 'GET') return false;
  const path = resolvedPath(rawPath);
  if (path === undefined) return false;
  const segments = path.split('/').filter(Boolean);
  if (segments.join('/') === 'v1/health') return res.json?.status === 'ok';
  if (path === '/' || path.startsWith('/playground/')) {
    // Only the playground's own files (and its config): never anything outside its folder.
    return staticBodies.has(res.text) || res.json?.apiKey !== undefined;
  }
  if (segments.length === 3 && segments[0] === 'v1' && segments[1] === 'sessions') {
    return withKey && alice.includes(segments[2] ?? '') && res.json?.sessionId === segments[2];
  }
  return false;
}

describe('unknown routes, methods and path tricks', () => {
  it('get a JSON 4xx (or one of the legitimate successes), with or without a key', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'v1',
        'chat',
        'stream',
        'sessions',
        'health',
        'feedback',
        'admin',
        'knowledge-base',
        'jobs',
        'sync',
        'slack',
        'events',
        'playground',
        'index.html',
        'app.js',
        'config.json',
        '..',
        '.',
        '%2e%2e',
        '%2E%2e',
        '%2e',
        '',
        '%00',
        'a%00b',
        '%2F',
        '%2f..',
        '..%2f..%2fpackage.json',
        '%',
        '%ZZ',
        '%ED%A0%80',
        '%C0%AE%C0%AE',
        '%5c..%5c',
        '\\..\\',
        'é',
        'never-existed',
      ),
      fc.constantFrom(...alice, bob),
      fc.string({ maxLength: 16 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
      fc.integer({ min: 200, max: 40_000 }).map((n) => `/v1/sessions/${'a'.repeat(n)}`),
      fc.constantFrom(
        '//v1//health',
        '/v1/health/',
        '/v1/./health',
        '/v1/../v1/health',
        '/%76%31/health',
        '*',
        'http://evil.example/v1/health',
        '/v1/sessions/%2e%2e/%2e%2e/package.json',
        '/playground/..%2f..%2fpackage.json',
        '/playground/%2e%2e/%2e%2e/package.json',
        '/playground/../../package.json',
        '/playground/%2e%2e%2f%2e%2e%2fpackage.json',
      ),
    );
    const query = fc.option(
      fc.oneof(
        fc
          .string({ maxLength: 40 })
          .map((q) => `?${encodeURIComponent(q).replace(/%3D/g, '=').replace(/%26/g, '&')}`),
        // Names that shadow Object.prototype once took the local gateway down with a 502.
        fc.constantFrom('?__proto__', '?__proto__=x&limit=2', '?constructor=1', '?toString&toString=2'),
      ),
      { nil: '' },
    );
    const method = fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'TRACE',
      'PROPFIND',
      'CONNECT',
      'SEARCH',
      'PURGE',
      'FOO',
      'M-SEARCH',
    );
    await fc.assert(
      fc.asyncProperty(method, path, query, fc.boolean(), async (verb, rawPath, q, withKey) => {
        const target = rawPath + q;
        const resolved = resolvedPath(target);
        // Deleting Alice's own session would be a legitimate change.
        fc.pre(!(verb === 'DELETE' && withKey && alice.some((id) => resolved === `/v1/sessions/${id}`)));
        count('methods and paths');
        const res = await rawRequest(stack.url, {
          method: verb,
          path: target,
          headers: withKey ? { 'x-api-key': API_KEY } : {},
          ...(verb === 'POST' || verb === 'PUT' || verb === 'PATCH' ? { body: '{}' } : {}),
        });
        if (legitimateSuccess(verb, target, res, withKey)) return;
        expectJsonClientError(res, `${verb} ${target.slice(0, 200)}`, verb);
      }),
      { numRuns: 300 },
    );
  });
});

describe('header tricks', () => {
  it('wrong content types, duplicate or spoofed credentials, odd headers: still a JSON 4xx', async () => {
    const keyHeader = fc.constantFrom<(string | undefined)[]>(
      [API_KEY],
      [API_KEY, API_KEY],
      [API_KEY, OTHER_API_KEY],
      ['nope', API_KEY],
      ['nope'],
      [],
    );
    const contentType = fc.constantFrom(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/xml',
      '*/*',
      '',
      'application/json;;;',
    );
    const extra = fc.subarray([
      ['x-http-method-override', 'DELETE'],
      ['x-forwarded-for', '10.0.0.1'],
      ['content-encoding', 'gzip'],
      ['transfer-encoding', 'chunked'],
      ['expect', '100-continue'],
      ['x-amzn-apigateway-api-id', 'spoofed'],
      ['x-api-key-id', 'key-0000000000000000'],
      ['x-admin-key', OTHER_API_KEY],
    ] as const);
    const badBody = fc.oneof(fc.json({ maxDepth: 3 }), jsonish, fc.constant(''));
    await fc.assert(
      fc.asyncProperty(
        bodyRoute(),
        badBody,
        keyHeader,
        contentType,
        extra,
        fc.option(fc.integer({ min: 1_000, max: 40_000 }), { nil: undefined }),
        async (path, body, keys, type, more, padding) => {
          fc.pre(!wouldChangeState(path, body));
          count('headers');
          const headers: Record<string, string | string[]> = Object.fromEntries(more);
          if (keys.length === 1 && keys[0]) headers['x-api-key'] = keys[0];
          if (keys.length > 1) headers['x-api-key'] = keys as string[];
          if (type !== undefined) headers['content-type'] = type;
          if (padding) headers['x-padding'] = 'p'.repeat(padding);
          const res = await rawRequest(stack.url, { method: 'POST', path, headers, body });
          expectJsonClientError(res, `POST ${path} ${JSON.stringify({ keys, type, more, padding })}`);
        },
      ),
      { numRuns: 200 },
    );
  });
});
