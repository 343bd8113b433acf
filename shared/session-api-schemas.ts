import { RAG_INPUT_LIMIT } from './chat/history.ts';
import * as z from './validation.ts';

/** The sessions routes' request schemas (the chat routes' are in api-schemas.ts). */

export const feedbackRequestSchema = z.object({
  messageId: z
    .string({ error: 'is required and must be a string' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters')),
  rating: z.enum(['up', 'down'], { error: 'must be "up" or "down"' }),
  comment: z.optional(
    z
      .string({ error: 'must be a string' })
      .check(z.trim(), z.maxLength(RAG_INPUT_LIMIT, `must be at most ${RAG_INPUT_LIMIT} characters`)),
  ),
});

/** The most sessions one page of `GET /v1/sessions` holds, and how many unless `limit` says. */
const SESSION_PAGE_MAX = 50;
export const SESSION_PAGE_DEFAULT = 20;

/** `GET /v1/sessions?limit=&cursor=`: the query string, as API Gateway passes it (strings). */
export const sessionListQuerySchema = z.object({
  limit: z.optional(
    z
      .string({ error: 'must be a number' })
      .check(z.regex(/^(?:[1-9]|[1-4]\d|50)$/, `must be a whole number from 1 to ${SESSION_PAGE_MAX}`)),
  ),
  cursor: z.optional(
    z
      .string({ error: 'must be a string' })
      .check(z.minLength(1, 'must not be empty'), z.maxLength(512, 'must be at most 512 characters')),
  ),
});

/** `GET /v1/sessions`: the caller's own sessions, newest first; `nextCursor` fetches the next page. */
export interface SessionListResponse {
  readonly sessions: ReadonlyArray<{
    readonly sessionId: string;
    readonly createdAt: string;
    readonly expiresAt: string;
  }>;
  readonly nextCursor?: string;
}
