import { chatRequestSchema } from '../../shared/api-schemas.ts';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf, parseJsonBody } from '../../shared/http/request.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/** `POST /v1/chat`: one question in, one grounded answer with citations out. */
export const makeChatHandler = (engine: Pick<ConversationEngine, 'chat'>, cors: CorsConfig) =>
  restHandler(async (event, context) => {
    const owner = callerOf(event);
    const request = parseJsonBody(event, chatRequestSchema);
    const leaseMs = context.getRemainingTimeInMillis();
    return jsonResponse(200, await engine.chat({ owner, ...request, leaseMs }));
  }, cors);
