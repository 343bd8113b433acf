import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ConversationEngine } from '../../shared/chat/engine.ts';
import type { SessionHistory } from '../../shared/chat/ports.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf, parseJsonBody, pathParameter } from '../../shared/http/request.ts';
import { emptyResponse, jsonResponse } from '../../shared/http/responses.ts';
import {
  feedbackRequestSchema,
  SESSION_PAGE_DEFAULT,
  type SessionListResponse,
  sessionListQuerySchema,
} from '../../shared/session-api-schemas.ts';
import { decodeCursor, encodeCursor } from './session-cursor.ts';

/**
 * `GET /v1/sessions` (the caller's own sessions, newest first, paged), `GET /v1/sessions/{id}` (the
 * transcript), `DELETE /v1/sessions/{id}` and `POST /v1/sessions/{id}/feedback` (rate an answer).
 */
export const makeSessionsHandler = (
  engine: Pick<ConversationEngine, 'getSession' | 'deleteSession' | 'rateAnswer'>,
  cors: CorsConfig,
  history?: SessionHistory,
) =>
  restHandler(async (event) => {
    const owner = callerOf(event);
    if (event.resource === '/v1/sessions' && history) return listSessions(event, owner, history);
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

async function listSessions(event: APIGatewayProxyEvent, owner: string, history: SessionHistory) {
  const query = sessionListQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success) {
    const issue = query.error.issues[0];
    throw new ValidationError(issue ? `${issue.path.join('.')}: ${issue.message}` : 'Invalid query string');
  }
  const { limit, cursor } = query.data;
  const page = await history.listSessions(owner, {
    limit: limit ? Number(limit) : SESSION_PAGE_DEFAULT,
    ...(cursor ? { after: decodeCursor(cursor) } : {}),
  });
  const body: SessionListResponse = {
    sessions: page.sessions.map((session) => ({
      sessionId: session.sessionId,
      createdAt: session.createdAt,
      expiresAt: new Date(session.expiresAt * 1000).toISOString(),
    })),
    ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}),
  };
  return jsonResponse(200, body);
}
