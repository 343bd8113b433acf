import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { restHandler } from '../../../shared/http/handler.ts';
import { jsonResponse } from '../../../shared/http/responses.ts';

const context = (remainingMs: number) =>
  ({ awsRequestId: 'a-1', getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

const event = (headers: APIGatewayProxyEvent['headers'] | null) =>
  ({
    headers,
    multiValueHeaders: headers ? { 'X-Trace': ['a', 'b'] } : null,
    requestContext: { requestId: 'r-1' },
  }) as unknown as APIGatewayProxyEvent;

describe('a REST handler', () => {
  it('sees header names in lower case, and absent headers still absent', async () => {
    const seen: unknown[] = [];
    const handler = restHandler(async (request) => {
      seen.push([request.headers, request.multiValueHeaders]);
      return jsonResponse(200, {});
    });
    await handler(
      event({ 'Content-Type': 'application/json', 'X-Slack-Signature': 'v0=1' }),
      context(30_000),
    );
    await handler(event(null), context(30_000));
    expect(seen).toEqual([
      [{ 'content-type': 'application/json', 'x-slack-signature': 'v0=1' }, { 'x-trace': ['a', 'b'] }],
      [null, null],
    ]);
  });

  it('answers 503 with Retry-After when the function is about to time out, with CORS headers', async () => {
    const handler = restHandler(() => new Promise(() => {}), { allowOrigins: ['https://app.example'] });
    const response = await handler({ ...event({ Origin: 'https://app.example' }) }, context(50));
    expect(response).toEqual({
      statusCode: 503,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '2',
        vary: 'Origin',
        'access-control-allow-origin': 'https://app.example',
        'access-control-expose-headers': 'retry-after',
      },
      body: JSON.stringify({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'The request took too long to answer; please retry.' },
      }),
    });
  });

  it('maps an unexpected error to a bare 500, and keeps the answer of a handler that finishes in time', async () => {
    const failing = restHandler(async () => {
      throw new TypeError('internal detail');
    });
    const failed = await failing(event({}), context(30_000));
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('internal detail');
    const quick = restHandler(async () => jsonResponse(201, { ok: true }));
    expect(await quick(event({}), context(60))).toMatchObject({ statusCode: 201, body: '{"ok":true}' });
  });
});
