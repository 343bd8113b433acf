import { RAG_INPUT_LIMIT } from './chat/history.ts';
import * as z from './validation.ts';

/*
 * The chat routes' request schemas. The sessions routes' are in session-api-schemas.ts, so neither
 * function builds (or bundles) the other's at cold start.
 */

/** Session ids are UUIDs Lantern issued; anything that cannot be one is "not found" downstream. */
const sessionId = z
  .string({ error: 'must be a string' })
  .check(z.minLength(1, 'must not be empty'), z.maxLength(128, 'must be at most 128 characters'));

export const chatMembers = {
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
