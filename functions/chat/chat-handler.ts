import type { AnswerEnvironment } from '../../shared/answers/answer-environment.ts';
import { answeringFor } from '../../shared/answers/chat-answering.ts';
import { chatRequestSchema } from '../../shared/api-schemas.ts';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf, parseJsonBody } from '../../shared/http/request.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/**
 * `POST /v1/chat`: one question in, one grounded answer with citations out, answered with the
 * caller's answer profile and the request's `filter` and `model` within it.
 */
export const makeChatHandler = (
  engine: Pick<ConversationEngine, 'chat'>,
  cors: CorsConfig,
  answers?: AnswerEnvironment,
) =>
  restHandler(async (event, context) => {
    const owner = callerOf(event);
    const { message, sessionId, clientMessageId, filter, model } = parseJsonBody(event, chatRequestSchema);
    const answering = answeringFor(event, { filter, model }, answers);
    const leaseMs = context.getRemainingTimeInMillis();
    return jsonResponse(
      200,
      await engine.chat({
        owner,
        message,
        ...(sessionId ? { sessionId } : {}),
        ...(clientMessageId ? { clientMessageId } : {}),
        ...answering,
        leaseMs,
      }),
    );
  }, cors);
