import { feedbackRequestSchema } from '../../shared/api-schemas.ts';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf, parseJsonBody, pathParameter } from '../../shared/http/request.ts';
import { emptyResponse, jsonResponse } from '../../shared/http/responses.ts';

/**
 * `GET /v1/sessions/{id}` (the transcript), `DELETE /v1/sessions/{id}` and
 * `POST /v1/sessions/{id}/feedback` (rate an answer).
 */
export const makeSessionsHandler = (
  engine: Pick<ConversationEngine, 'getSession' | 'deleteSession' | 'rateAnswer'>,
  cors: CorsConfig,
) =>
  restHandler(async (event) => {
    const owner = callerOf(event);
    const sessionId = pathParameter(event, 'id');
    if (!sessionId) throw new NotFoundError('Session was not found');
    if (event.resource === '/v1/sessions/{id}/feedback') {
      const feedback = parseJsonBody(event, feedbackRequestSchema);
      await engine.rateAnswer(sessionId, owner, feedback);
      return emptyResponse(204);
    }
    if (event.httpMethod === 'DELETE') {
      await engine.deleteSession(sessionId, owner);
      return emptyResponse(204);
    }
    const session = await engine.getSession(sessionId, owner);
    return jsonResponse(200, {
      sessionId: session.sessionId,
      createdAt: session.createdAt,
      messages: session.messages.map((m) => ({
        messageId: m.messageId,
        role: m.role,
        text: m.text,
        ...(m.role === 'assistant' ? { citations: m.citations ?? [] } : {}),
        status: m.status,
        createdAt: m.createdAt,
        ...(m.feedback ? { feedback: m.feedback } : {}),
      })),
    });
  }, cors);
