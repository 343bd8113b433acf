import { chatRequestSchema } from '../../shared/api-schemas.ts';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf, parseJsonBody } from '../../shared/http/request.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/** `POST /v1/chat`: one question in, one grounded answer with citations out. */
export const makeHandler = (engine: Pick<ConversationEngine, 'chat'>) =>
  restHandler(async (event, context) => {
    const owner = callerOf(event);
    const request = parseJsonBody(event, chatRequestSchema);
    const leaseMs = context.getRemainingTimeInMillis();
    return jsonResponse(200, await engine.chat({ owner, ...request, leaseMs }));
  });

export const handler = makeHandler(createConversationEngine(getConfig()));
