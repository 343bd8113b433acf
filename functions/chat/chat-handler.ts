import type { AnswerEnvironment } from '../../shared/answers/answer-environment.ts';
import { chatTurnOf } from '../../shared/answers/chat-answering.ts';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
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
    return jsonResponse(
      200,
      await engine.chat(chatTurnOf(event, context.getRemainingTimeInMillis(), answers)),
    );
  }, cors);
