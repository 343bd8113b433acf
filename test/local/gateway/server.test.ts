import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installLambdaStreamingGlobals } from '../../../local/gateway/lambda-streaming.ts';
import type { GatewayRoute } from '../../../local/gateway/routes.ts';
import { type LocalGateway, startLocalGateway } from '../../../local/gateway/server.ts';

const KEY = 'gateway-test-key-1';
const LISTED = 'http://localhost:5173';
const ALSO_LISTED = 'https://app.example.com';
const handled: APIGatewayProxyEvent[] = [];

installLambdaStreamingGlobals();

const routes: GatewayRoute[] = [
  {
    method: 'POST',
    resource: '/v1/chat',
    apiKeyRequired: true,
    functionName: 'echo',
    timeoutSeconds: 10,
    handler: async (event: APIGatewayProxyEvent) => {
      handled.push(event);
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'x-from': 'handler' },
        body: '{}',
      };
    },
  },
  {
    method: 'POST',
    resource: '/v1/chat/stream',
    apiKeyRequired: true,
    functionName: 'stream',
    timeoutSeconds: 10,
    handler: awslambda.streamifyResponse(async (event, responseStream) => {
      handled.push(event);
      const stream = awslambda.HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
      });
      stream.end('event: done\ndata: {}\n\n');
    }),
  },
  {
    method: 'GET',
    resource: '/v1/sessions/{id}',
    apiKeyRequired: true,
    functionName: 'sessions',
    timeoutSeconds: 10,
    handler: async () => ({ statusCode: 204, body: '' }),
  },
  {
    method: 'GET',
    resource: '/v1/health',
    apiKeyRequired: false,
    functionName: 'keyless',
    timeoutSeconds: 10,
    handler: async (event: APIGatewayProxyEvent) => {
      handled.push(event);
      return { statusCode: 200, body: '{}' };
    },
  },
  {
    method: 'GET',
    resource: '/v1/admin/knowledge-base/jobs',
    apiKeyRequired: false,
    authorization: 'IAM',
    functionName: 'admin',
    timeoutSeconds: 10,
    handler: async () => ({ statusCode: 200, body: '{}' }),
  },
];
const ADMIN = 'gateway-test-admin-key';

let gateway: LocalGateway;
let port: number;

beforeAll(async () => {
  const site = mkdtempSync(join(tmpdir(), 'lantern-gateway-site-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>page</title>');
  gateway = await startLocalGateway({
    routes,
    apiKeys: [KEY],
    adminKeys: [ADMIN],
    port: 0,
    site: { dir: site, config: { apiKey: KEY } },
    corsAllowOrigins: [LISTED, ALSO_LISTED],
  });
  port = Number(new URL(gateway.url).port);
});

afterAll(async () => {
  await gateway?.close();
});

/** Sends bytes as written and reads the whole answer (the connection is closed after it). */
function raw(request: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body });
    });
    socket.end(request);
  });
}

const get = (path: string, host: string) =>
  raw(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

describe('local gateway: loopback hosts only', () => {
  it.each(['/playground/config.json', '/', '/v1/sessions/abc'])(
    'refuses %s addressed to another host name with a JSON 421',
    async (path) => {
      const before = handled.length;
      const res = await get(path, 'evil.example');
      expect(res.status).toBe(421);
      expect(JSON.parse(res.body)).toEqual({
        error: {
          code: 'MISDIRECTED_REQUEST',
          message: 'This local server answers only requests addressed to localhost or 127.0.0.1',
        },
      });
      expect(res.body).not.toContain(KEY);
      expect(handled.length).toBe(before);
    },
  );

  it('refuses a POST to a handler under a rebinding name, and never runs the handler', async () => {
    const body = '{"message":"hi"}';
    const res = await raw(
      `POST /v1/chat HTTP/1.1\r\nHost: evil.example:${port}\r\nx-api-key: ${KEY}\r\n` +
        `content-type: application/json\r\ncontent-length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(res.status).toBe(421);
    expect(handled).toEqual([]);
  });

  it('judges an absolute request target by its own authority', async () => {
    const res = await raw(
      `GET http://evil.example/playground/config.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expect(res.status).toBe(421);
  });

  it.each([
    'localhost',
    'localhost:PORT',
    '127.0.0.1',
    '127.0.0.1:3000',
    '127.1.2.3',
    '[::1]',
    '[::1]:3000',
    'LOCALHOST',
  ])('serves the playground config to Host %s', async (host) => {
    const res = await get('/playground/config.json', host.replace('PORT', String(port)));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ apiKey: KEY });
  });

  it.each([
    'localhost.evil.example',
    '127.0.0.1.evil.example',
    '127.0.0.256',
    '10.0.0.1',
    '[::2]',
    'localhost:http',
  ])('refuses Host %s', async (host) => {
    expect((await get('/playground/config.json', host)).status).toBe(421);
  });

  it('refuses a request without any Host', async () => {
    const res = await raw('GET /playground/config.json HTTP/1.0\r\n\r\n');
    expect(res.status).toBe(421);
  });
});

describe('local gateway: CORS as API Gateway answers it', () => {
  const url = (path: string) => `${gateway.url}${path}`;

  it('passes a Lambda response through without adding CORS headers', async () => {
    const res = await fetch(url('/v1/chat'), {
      method: 'POST',
      headers: { 'x-api-key': KEY, origin: LISTED },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-from')).toBe('handler');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
  });

  it('passes a streamed prelude through without adding CORS headers', async () => {
    const res = await fetch(url('/v1/chat/stream'), {
      method: 'POST',
      headers: { 'x-api-key': KEY, origin: LISTED },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('event: done\ndata: {}\n\n');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight as the CDK mock does: first origin static, another listed one echoed', async () => {
    const preflight = async (origin: string, path = '/v1/chat') => {
      const res = await fetch(url(path), {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      return {
        status: res.status,
        origin: res.headers.get('access-control-allow-origin'),
        vary: res.headers.get('vary'),
        methods: res.headers.get('access-control-allow-methods'),
        headers: res.headers.get('access-control-allow-headers'),
        maxAge: res.headers.get('access-control-max-age'),
      };
    };
    const expected = {
      status: 204,
      vary: 'Origin',
      methods: 'GET,POST,DELETE,OPTIONS',
      headers: 'content-type,x-api-key,authorization,x-amz-date,x-amz-security-token,x-admin-key',
      maxAge: '3600',
    };
    expect(await preflight(LISTED)).toEqual({ ...expected, origin: LISTED });
    expect(await preflight(ALSO_LISTED)).toEqual({ ...expected, origin: ALSO_LISTED });
    // Not echoed: a browser on this origin sees another origin named and refuses.
    expect(await preflight('https://evil.example')).toEqual({ ...expected, origin: LISTED });
    // Every resource has the mock, including the ones above a route.
    expect((await preflight(LISTED, '/v1/sessions')).status).toBe(204);
    expect((await preflight(LISTED, '/v1/sessions/abc')).status).toBe(204);
    // No resource, no mock: API Gateway's missing authentication token.
    expect((await preflight(LISTED, '/v2/nothing')).status).toBe(403);
  });

  it("gives the gateway's own errors the first listed origin, never an echo", async () => {
    const unauthorized = await fetch(url('/v1/chat'), {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: '{}',
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(unauthorized.headers.get('vary')).toBe('Origin');
    const missing = await fetch(url('/v1/nothing'), { headers: { origin: LISTED } });
    expect(missing.status).toBe(403);
    expect(missing.headers.get('access-control-allow-origin')).toBe(LISTED);
  });
});

describe('local gateway: API keys and operator credentials as the deployed API answers them', () => {
  const url = (path: string) => `${gateway.url}${path}`;

  it("gives a handler the key's id only on a route that requires a key", async () => {
    handled.length = 0;
    expect((await fetch(url('/v1/health'), { headers: { 'x-api-key': KEY } })).status).toBe(200);
    expect((await fetch(url('/v1/chat'), { method: 'POST', headers: { 'x-api-key': KEY } })).status).toBe(
      200,
    );
    const [keyless, keyed] = handled;
    expect(keyless?.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null });
    expect(keyed?.requestContext.identity.apiKeyId).toEqual(expect.any(String));
  });

  it('refuses a missing or unknown key with the deployed 401 body', async () => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
      const res = await fetch(url('/v1/chat'), { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid API key' },
      });
    }
  });

  it('answers an admin route without credentials, and an unknown route, as a missing authentication token; a wrong key with 403', async () => {
    for (const path of ['/v1/admin/knowledge-base/jobs', '/v1/nothing-here']) {
      const unsigned = await fetch(url(path), { headers: { 'x-api-key': KEY } });
      expect(unsigned.status).toBe(403);
      expect(await unsigned.json()).toEqual({
        error: { code: 'FORBIDDEN', message: 'Missing Authentication Token' },
      });
    }
    // No route declares HEAD, so API Gateway does not answer it as a GET.
    const head = await fetch(url('/v1/health'), { method: 'HEAD', headers: { 'x-api-key': KEY } });
    expect(head.status).toBe(403);
    expect(head.headers.get('content-type')).toContain('application/json');
    const wrong = await fetch(url('/v1/admin/knowledge-base/jobs'), { headers: { 'x-admin-key': KEY } });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect(
      (await fetch(url('/v1/admin/knowledge-base/jobs'), { headers: { 'x-admin-key': ADMIN } })).status,
    ).toBe(200);
  });
});
