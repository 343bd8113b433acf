import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeChatHandler } from '../../functions/chat/chat-handler.ts';
import { makeChatStreamHandler } from '../../functions/chat-stream/chat-stream-handler.ts';
import { installLambdaStreamingGlobals } from '../../local/gateway/lambda-streaming.ts';
import type { ChatStreamEvent, ChatTurn } from '../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import { parseCorsConfig } from '../../shared/config.ts';
import { captureResponseStream } from '../helpers/response-stream.ts';
import { answers, chatEvent } from '../shared/answers/fixtures.ts';

installLambdaStreamingGlobals();
const cors = parseCorsConfig({});
const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const answer: ChatAnswer = {
  sessionId: 's',
  messageId: 'm',
  answer: 'ok',
  citations: [],
  guardrail: { action: 'NONE' },
};

function recordingHandler() {
  const turns: ChatTurn[] = [];
  const handler = makeChatHandler(
    {
      chat: async (turn) => {
        turns.push(turn);
        return answer;
      },
    },
    cors,
    answers,
  );
  return { turns, handler };
}

/** Runs a streaming handler for a globex-key request with `body`, collecting what it wrote. */
async function run(
  handler: ReturnType<typeof makeChatStreamHandler>,
  body: unknown,
): Promise<{ statusCode: number; body: string }> {
  const { stream, captured } = captureResponseStream();
  await handler(chatEvent({ apiKeyId: 'key-globex', body }), stream, context);
  const response = captured();
  return { statusCode: response.head?.statusCode ?? 0, body: response.body };
}

const nested = (depth: number): unknown =>
  depth === 0
    ? { equals: { key: 'tenant', value: 'x' } }
    : { andAll: [nested(depth - 1), { equals: { key: 'tenant', value: 'y' } }] };

describe('chat request bodies, filters and models', () => {
  it("answers a tenant's key with its profile, ANDing the request filter with the profile's", async () => {
    const { turns, handler } = recordingHandler();
    const body = {
      message: 'hi',
      filter: { listContains: { key: 'tags', value: 'billing' } },
      model: 'amazon.nova-pro-v1:0',
    };
    const res = await handler(chatEvent({ apiKeyId: 'key-acme', body }), context);
    expect(res.statusCode).toBe(200);
    expect(turns[0]?.retrieval?.filter).toEqual({
      andAll: [
        { equals: { key: 'tenant', value: 'acme' } },
        { listContains: { key: 'tags', value: 'billing' } },
      ],
    });
    expect(turns[0]?.retrieval?.modelArn).toBe('amazon.nova-pro-v1:0');
    expect(turns[0]?.choice).toBeDefined();
  });

  it.each([
    [
      'unknown members',
      { message: 'hi', foo: 1, bar: 2 },
      400,
      'VALIDATION_ERROR',
      'Unknown member(s): foo, bar (allowed: message, sessionId, clientMessageId, filter, model)',
    ],
    [
      'a model outside the allow-list',
      { message: 'hi', model: 'amazon.nova-micro-v1:0' },
      403,
      'MODEL_NOT_ALLOWED',
      'Model amazon.nova-micro-v1:0 is not allowed for this API key; allowed: us.amazon.nova-lite-v1:0, amazon.nova-pro-v1:0',
    ],
    [
      'a filter on an undeclared attribute',
      { message: 'hi', filter: { equals: { key: 'team', value: 'a' } } },
      400,
      'VALIDATION_ERROR',
      'filter.equals.key: "team" is not a declared filterable attribute (declared: tenant, year, tags)',
    ],
    [
      'a filter value of the wrong type',
      { message: 'hi', filter: { greaterThan: { key: 'year', value: 'last year' } } },
      400,
      'VALIDATION_ERROR',
      'filter.greaterThan.value: must be a number, not the string "last year"',
    ],
    [
      'an operator on the wrong attribute type',
      { message: 'hi', filter: { listContains: { key: 'tenant', value: 'acme' } } },
      400,
      'VALIDATION_ERROR',
      'filter.listContains: listContains does not apply to tenant, a string attribute (listContains takes stringList attributes)',
    ],
    [
      'a filter nested too deep',
      { message: 'hi', filter: nested(3) },
      400,
      'VALIDATION_ERROR',
      'filter.andAll[0].andAll[0].andAll: is nested deeper than Bedrock allows (at most 2 levels of andAll/orAll: a group may hold groups, which hold only conditions)',
    ],
    [
      'a null filter',
      { message: 'hi', filter: null },
      400,
      'VALIDATION_ERROR',
      'filter: must be an object, not null',
    ],
  ])('refuses %s with a 4xx that names it', async (_name, body, status, code, message) => {
    const { turns, handler } = recordingHandler();
    const res = await handler(chatEvent({ apiKeyId: 'key-acme', body }), context);
    expect({ status: res.statusCode, body: JSON.parse(res.body) }).toEqual({
      status,
      body: { error: { code, message } },
    });
    expect(turns).toEqual([]);
  });

  it('never answers a hostile filter with a 5xx', async () => {
    const { handler } = recordingHandler();
    const hostile: unknown[] = [
      [],
      'tenant',
      42,
      { equals: null },
      { equals: [] },
      { equals: { key: null, value: 1 } },
      { in: { key: 'tenant', value: {} } },
      { andAll: null },
      { andAll: [null, 1] },
      { orAll: Array.from({ length: 100 }, () => ({})) },
      { __proto__: { equals: { key: 'tenant', value: 'x' } } },
      { constructor: { key: 'tenant', value: 'x' } },
      nested(40),
    ];
    for (const filter of hostile) {
      const res = await handler(
        chatEvent({ apiKeyId: 'key-globex', body: { message: 'hi', filter } }),
        context,
      );
      expect(res.statusCode, JSON.stringify(filter)).toBe(400);
    }
  });

  it('streams with the same checks: a refused model is a JSON 403 before any event', async () => {
    const seen: ChatTurn[] = [];
    const handler = makeChatStreamHandler(
      {
        async *streamChat(turn): AsyncGenerator<ChatStreamEvent> {
          seen.push(turn);
          yield { type: 'done', answer };
        },
      },
      cors,
      answers,
    );
    const refused = await run(handler, { message: 'hi', model: 'amazon.nova-pro-v1:0' });
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      error: {
        code: 'MODEL_NOT_ALLOWED',
        message:
          'Model amazon.nova-pro-v1:0 is not allowed for this API key; allowed: us.amazon.nova-lite-v1:0',
      },
    });
    expect(seen).toEqual([]);
    expect((await run(handler, { message: 'hi' })).statusCode).toBe(200);
    expect(seen[0]?.retrieval?.filter).toEqual({ equals: { key: 'tenant', value: 'globex' } });
    expect(seen[0]?.retrieval?.queryDecomposition).toBe(true);
  });
});
