import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../../shared/conversation.ts';
import { ServiceUnavailableError } from '../../shared/errors.ts';
import type { ChatAnswer } from '../../shared/types.ts';

process.env.TABLE_NAME ??= 'sessions';
process.env.KNOWLEDGE_BASE_ID ??= 'KB12345678';
process.env.MODEL_ARN ??= 'anthropic.claude-3-haiku-20240307-v1:0';
const { makeHandler: makeChatHandler } = await import('../../functions/chat/handler.ts');
const { handler: healthHandler } = await import('../../functions/health/handler.ts');

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
    expect(turns).toEqual([{ owner: 'key-sample0001', message: 'How do I reset my password?' }]);
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
