import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'vitest';
import { makeChatHandler } from '../../../functions/chat/chat-handler.ts';
import { makeHealthHandler } from '../../../functions/health/health-handler.ts';
import type { ChatTurn } from '../../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../../shared/chat/types.ts';
import { context } from '../../slack/support.ts';
import type { Replayer } from '../context.ts';

type Json = Record<string, unknown>;

/** The handlers' factories, as the local stack builds them; no origin may read cross-origin. */
function handlers() {
  const cors = { allowOrigins: [] };
  return {
    makeChat: (engine: Parameters<typeof makeChatHandler>[0]) => makeChatHandler(engine, cors),
    health: makeHealthHandler(cors),
  };
}

const API_KEY_ID = 'replayed-api-key-id';

/**
 * A REST proxy event (payload format 1.0) through the health handler and the chat handler's edge:
 * authentication by the API key id API Gateway validated, and the JSON body parsed as sent (here with
 * CR/LF and tabs). The recorded method needed no key, so it also runs as a key-required method would
 * deliver it, once with its own body and once with a question in the same layout.
 */
export const replayApiGatewayEvent: Replayer = async (recording) => {
  const { makeChat, health } = handlers();
  const recorded = recording.payload as unknown as APIGatewayProxyEvent;
  const invoke = async (
    handler: (e: APIGatewayProxyEvent, c: never) => Promise<unknown>,
    event: APIGatewayProxyEvent,
  ) => {
    const result = (await handler(
      structuredClone(event),
      context('lantern-replay') as never,
    )) as APIGatewayProxyResult;
    return { status: result.statusCode, json: JSON.parse(result.body) as Json };
  };
  const turns: ChatTurn[] = [];
  const chat = makeChat({
    chat: async (turn) => {
      turns.push(turn);
      return {
        sessionId: 's',
        messageId: 'm',
        answer: 'a',
        citations: [],
        guardrail: { action: 'NONE' },
      } satisfies ChatAnswer;
    },
  });
  const withKey = (body: string): APIGatewayProxyEvent => ({
    ...recorded,
    body,
    requestContext: {
      ...recorded.requestContext,
      identity: { ...recorded.requestContext.identity, apiKeyId: API_KEY_ID },
    },
  });

  expect(await invoke(health, recorded)).toEqual({ status: 200, json: { status: 'ok' } });

  const keyId = recorded.requestContext?.identity?.apiKeyId;
  const asRecorded = await invoke(chat, recorded);
  if (keyId) expect(asRecorded.status).not.toBe(401);
  else expect(asRecorded).toMatchObject({ status: 401, json: { error: { code: 'UNAUTHORIZED' } } });

  const recordedBody = JSON.parse(recorded.body ?? '{}') as Json;
  const ownBody = await invoke(chat, withKey(recorded.body ?? ''));
  if (typeof recordedBody.message !== 'string') {
    expect(ownBody.status).toBe(400);
    expect(JSON.stringify(ownBody.json)).toContain('message');
  }

  const question = 'What does the recorded gateway send?';
  const layout = (recorded.body ?? '').replace(
    /"[^"]*"\s*:\s*[^,\r\n}]+/,
    `"message": ${JSON.stringify(question)}`,
  );
  turns.length = 0;
  expect((await invoke(chat, withKey(layout))).status).toBe(200);
  expect(turns).toHaveLength(1);
  expect(turns[0]).toMatchObject({ owner: API_KEY_ID, message: question });
  return [
    'health',
    'chat as recorded',
    'chat with a key and the recorded body',
    'chat with a key and a question',
  ];
};
