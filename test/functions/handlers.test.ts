import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeChatHandler as makeChat } from '../../functions/chat/chat-handler.ts';
import { makeChatStreamHandler } from '../../functions/chat-stream/chat-stream-handler.ts';
import { makeHealthHandler } from '../../functions/health/health-handler.ts';
import { makeSessionsHandler as makeSessions } from '../../functions/sessions/sessions-handler.ts';
import { installLambdaStreamingGlobals } from '../../local/gateway/lambda-streaming.ts';
import type { ChatStreamEvent, ChatTurn } from '../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import { parseCorsConfig } from '../../shared/config.ts';
import { NotFoundError, ServiceUnavailableError, ValidationError } from '../../shared/errors.ts';
import { captureResponseStream } from '../helpers/response-stream.ts';

const ALLOWED_ORIGIN = 'https://app.example.com';
const cors = parseCorsConfig({ CORS_ALLOW_ORIGINS: `${ALLOWED_ORIGIN},http://localhost:5173` });
installLambdaStreamingGlobals();
const makeChatHandler = (engine: Parameters<typeof makeChat>[0]) => makeChat(engine, cors);
const makeStreamHandler = (engine: Parameters<typeof makeChatStreamHandler>[0]) =>
  makeChatStreamHandler(engine, cors);
const makeSessionsHandler = (engine: Parameters<typeof makeSessions>[0]) => makeSessions(engine, cors);
const healthHandler = makeHealthHandler(cors);

const event = (name: string): APIGatewayProxyEvent =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', 'api-gateway', name), 'utf8'));
const context = {
  awsRequestId: 'test-request',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

const answer: ChatAnswer = {
  sessionId: 's-1',
  messageId: 'm-1',
  answer: 'Open Settings.',
  citations: [],
  guardrail: { action: 'NONE' },
};

describe('chat handler edge', () => {
  it('passes the caller (API key id, never the key) and the parsed body to the engine', async () => {
    const turns: ChatTurn[] = [];
    const handler = makeChatHandler({
      chat: async (turn) => {
        turns.push(turn);
        return answer;
      },
    });
    const res = await handler(event('chat-post.json'), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual(answer);
    // The lease on a clientMessageId is the function's remaining time.
    expect(turns).toEqual([
      { owner: 'key-sample0001', message: 'How do I reset my password?', leaseMs: 30_000 },
    ]);
  });

  it('hides unexpected failures behind a generic 500', async () => {
    const handler = makeChatHandler({
      chat: async () => {
        throw new Error('connect ECONNREFUSED 10.0.0.12:8000 at /var/task/index.mjs:1:2');
      },
    });
    const res = await handler(event('chat-post.json'), context);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' },
    });
  });

  it('turns an overloaded upstream into 503 with Retry-After', async () => {
    const handler = makeChatHandler({
      chat: async () => {
        throw new ServiceUnavailableError('busy', 3);
      },
    });
    const res = await handler(event('chat-post.json'), context);
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('3');
    expect(JSON.parse(res.body).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('refuses an event without an API key identity with 401', async () => {
    const anonymous = event('chat-post.json');
    anonymous.requestContext.identity.apiKeyId = null;
    const res = await makeChatHandler({ chat: async () => answer })(anonymous, context);
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe('UNAUTHORIZED');
  });
});

describe('health handler', () => {
  it('answers 200 ok', async () => {
    const res = await healthHandler(event('health-get.json'), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });
});

const fromOrigin = (name: string, origin: string | undefined): APIGatewayProxyEvent => {
  const e = event(name);
  // API Gateway passes header names as the client sent them.
  if (origin !== undefined) e.headers = { ...e.headers, Origin: origin };
  return e;
};

const ALLOWED = {
  vary: 'Origin',
  'access-control-allow-origin': ALLOWED_ORIGIN,
  'access-control-expose-headers': 'retry-after',
};

/** Runs the streaming chat handler the way the Lambda runtime does and collects what it wrote. */
async function runStream(
  events: () => AsyncGenerator<ChatStreamEvent>,
  request: APIGatewayProxyEvent,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const { stream, captured } = captureResponseStream();
  await makeStreamHandler({ streamChat: events })(request, stream, context);
  const { head, body } = captured();
  if (!head) throw new Error('the handler wrote no prelude');
  return { ...head, body };
}

describe('CORS on every Lambda response', () => {
  const chat = makeChatHandler({ chat: async () => answer });

  it('echoes a listed origin with Vary on a JSON answer', async () => {
    const res = await chat(fromOrigin('chat-post.json', ALLOWED_ORIGIN), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', ...ALLOWED });
  });

  it('gives an unlisted origin no allow-origin, only Vary', async () => {
    const res = await chat(fromOrigin('chat-post.json', 'https://evil.example'), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', vary: 'Origin' });
  });

  it('carries them on 4xx errors of the error mapper', async () => {
    const invalid = fromOrigin('chat-post.json', ALLOWED_ORIGIN);
    invalid.body = '{"message":""}';
    const res = await chat(invalid, context);
    expect(res.statusCode).toBe(400);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', ...ALLOWED });

    const sessions = makeSessionsHandler({
      getSession: async () => {
        throw new NotFoundError('Session s-1 was not found');
      },
      deleteSession: async () => undefined,
      rateAnswer: async () => undefined,
    });
    const missing = await sessions(fromOrigin('session-get.json', 'https://evil.example'), context);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', vary: 'Origin' });
  });

  it('carries them on the generic 500 and on 503 with Retry-After', async () => {
    const failing = makeChatHandler({
      chat: async () => {
        throw new Error('boom');
      },
    });
    const res = await failing(fromOrigin('chat-post.json', ALLOWED_ORIGIN), context);
    expect(res.statusCode).toBe(500);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', ...ALLOWED });

    const busy = makeChatHandler({
      chat: async () => {
        throw new ServiceUnavailableError('busy', 3);
      },
    });
    const unavailable = await busy(fromOrigin('chat-post.json', ALLOWED_ORIGIN), context);
    expect(unavailable.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '3',
      ...ALLOWED,
    });
  });

  it('carries them on 204s and on the keyless health route', async () => {
    const sessions = makeSessionsHandler({
      getSession: async () => {
        throw new Error('not called');
      },
      deleteSession: async () => undefined,
      rateAnswer: async () => undefined,
    });
    const deleted = await sessions(fromOrigin('session-delete.json', ALLOWED_ORIGIN), context);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.headers).toEqual(ALLOWED);
    const health = await healthHandler(fromOrigin('health-get.json', 'http://localhost:5173'), context);
    expect(health.headers?.['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('puts them in the SSE prelude of the streamed route', async () => {
    async function* turn(): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'session', sessionId: 's-1', messageId: 'm-1' };
      yield { type: 'done', answer };
    }
    const allowed = await runStream(turn, fromOrigin('chat-post.json', ALLOWED_ORIGIN));
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      ...ALLOWED,
    });
    expect(allowed.body).toContain('event: done');

    const unlisted = await runStream(turn, fromOrigin('chat-post.json', 'https://evil.example'));
    expect(unlisted.headers.vary).toBe('Origin');
    expect(unlisted.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('puts them on the JSON error a stream answers before its first event', async () => {
    async function* refused(): AsyncGenerator<ChatStreamEvent> {
      yield* [];
      throw new ValidationError('message: too long');
    }
    const res = await runStream(refused, fromOrigin('chat-post.json', ALLOWED_ORIGIN));
    expect(res.statusCode).toBe(400);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', ...ALLOWED });
    expect(JSON.parse(res.body).error.code).toBe('VALIDATION_ERROR');
  });
});
