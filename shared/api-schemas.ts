import { RAG_INPUT_LIMIT } from './chat/history.ts';
import * as z from './validation.ts';

/** Session ids are UUIDs Lantern issued; anything that cannot be one is "not found" downstream. */
const sessionId = z
  .string({ error: 'must be a string' })
  .check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters'));

const chatMembers = {
  message: z
    .string({ error: 'is required and must be a string' })
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(RAG_INPUT_LIMIT, `must be at most ${RAG_INPUT_LIMIT} characters`),
    ),
  sessionId: z.optional(sessionId),
  clientMessageId: z.optional(
    z
      .string({ error: 'must be a string' })
      .check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters')),
  ),
  /**
   * A metadata filter in Bedrock's grammar. Its shape depends on the attributes the deployment
   * declares, so the handler checks it (`checkFilter`) once it knows the caller's settings.
   */
  filter: z.optional(z.unknown()),
  /** A model id from the caller's profile's allow-list. */
  model: z.optional(
    z
      .string({ error: 'must be a string (a Bedrock model id)' })
      .check(z.minLength(1, 'must not be empty'), z.maxLength(2048, 'must be at most 2048 characters')),
  ),
};
const CHAT_MEMBERS = Object.keys(chatMembers);

/**
 * `POST /v1/chat` and `/v1/chat/stream`. Strict: a member the API does not know is refused by
 * name (a misspelt `filter` must not silently widen the search). Reported once the known members
 * are valid, so their errors read as they always have.
 */
export const chatRequestSchema = z.looseObject(chatMembers).check(
  z.superRefine((value, context) => {
    const unknown = Object.keys(value).filter((key) => !CHAT_MEMBERS.includes(key));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `Unknown member(s): ${unknown.join(', ')} (allowed: ${CHAT_MEMBERS.join(', ')})`,
        input: value,
      });
    }
  }),
);

export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * The chat request as the OpenAPI document describes it: the same members, closed to others,
 * with `filter` an object (Bedrock's RetrievalFilter, checked against the declared attributes).
 */
export const chatRequestDocumentSchema = z.strictObject({
  ...chatMembers,
  filter: z.optional(z.record(z.string(), z.unknown())),
});

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

export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

/** The most sessions one page of `GET /v1/sessions` holds, and how many unless `limit` says. */
export const SESSION_PAGE_MAX = 50;
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

export type SessionListQuery = z.infer<typeof sessionListQuerySchema>;

/** `GET /v1/sessions`: the caller's own sessions, newest first; `nextCursor` fetches the next page. */
export interface SessionListResponse {
  readonly sessions: ReadonlyArray<{
    readonly sessionId: string;
    readonly createdAt: string;
    readonly expiresAt: string;
  }>;
  readonly nextCursor?: string;
}
