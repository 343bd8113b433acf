import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalGateway, startLocalGateway } from '../../local/gateway/server.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';
import { API_KEY } from '../helpers/local-stack.ts';
import { describe as describeResponse, isJsonClientError, rawRequest } from './support.ts';

/** The local gateway alone, with a handler that never finishes and a short function timeout. */
let gateway: LocalGateway;

beforeAll(async () => {
  gateway = await startLocalGateway({
    routes: [
      {
        method: 'GET',
        resource: '/slow',
        handler: restHandler(() => new Promise(() => undefined)),
        apiKeyRequired: true,
        functionName: 'slow',
        timeoutSeconds: 0.3,
      },
      {
        // Past its function timeout with no answer of its own: Lambda ends the invocation.
        method: 'GET',
        resource: '/stuck',
        handler: () => new Promise<never>(() => undefined),
        apiKeyRequired: true,
        functionName: 'stuck',
        timeoutSeconds: 0.2,
      },
      {
        // A function allowed longer than the integration: API Gateway stops waiting first.
        method: 'GET',
        resource: '/outlives-integration',
        handler: () => new Promise<never>(() => undefined),
        apiKeyRequired: true,
        functionName: 'outlives-integration',
        timeoutSeconds: 60,
      },
      {
        method: 'GET',
        resource: '/v1/health',
        handler: restHandler(async () => jsonResponse(200, { status: 'ok' })),
        apiKeyRequired: false,
        functionName: 'health',
        timeoutSeconds: 10,
      },
    ],
    apiKeys: [API_KEY],
    integrationTimeoutSeconds: 0.4,
  });
});
afterAll(() => gateway?.close());

describe('the handler edge', () => {
  it('answers 503 with Retry-After when a handler runs out of time, not 500', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/slow',
      headers: { 'x-api-key': API_KEY },
    });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
  });
});

describe('the deadlines of API Gateway and Lambda', () => {
  it('answers a function that outran its timeout as the deployed API answers a function error: 502, its default 5XX response', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/stuck',
      headers: { 'x-api-key': API_KEY },
    });
    expect(res.status).toBe(502);
    expect(res.json).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
  });

  it("answers a function still running at the integration's limit with the deployed integration-timeout response", async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/outlives-integration',
      headers: { 'x-api-key': API_KEY },
    });
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'Timed out' } });
  });
});

describe('requests the HTTP server cannot parse still get a JSON error', () => {
  const cases: [string, Parameters<typeof rawRequest>[1], number][] = [
    ['an unknown method', { method: 'BREW', path: '/v1/health' }, 400],
    [
      'conflicting Content-Length and Transfer-Encoding',
      {
        method: 'POST',
        path: '/v1/health',
        headers: { 'content-length': '5', 'transfer-encoding': 'chunked' },
        body: '{}',
      },
      400,
    ],
    ['a request line over the header limit', { method: 'GET', path: `/v1/${'a'.repeat(20_000)}` }, 431],
    [
      'headers over the limit',
      { method: 'GET', path: '/v1/health', headers: { 'x-pad': 'p'.repeat(20_000) } },
      431,
    ],
    ['CONNECT', { method: 'CONNECT', path: '127.0.0.1:22' }, 404],
  ];
  for (const [name, request, status] of cases) {
    it(name, async () => {
      const res = await rawRequest(gateway.url, request);
      expect(isJsonClientError(res), describeResponse(res)).toBe(true);
      expect(res.status).toBe(status);
    });
  }

  it('answers a HEAD request over the limit without a body, as HEAD requires', async () => {
    const res = await rawRequest(gateway.url, { method: 'HEAD', path: `/v1/${'a'.repeat(20_000)}` });
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBe('');
  });

  it('keeps serving afterwards', async () => {
    const res = await rawRequest(gateway.url, { method: 'GET', path: '/v1/health' });
    expect(res.status).toBe(200);
  });
});
