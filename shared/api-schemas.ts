import { z } from 'zod';
import { RAG_INPUT_LIMIT } from './chat/history.ts';

/** Session ids are UUIDs Lantern issued; anything that cannot be one is "not found" downstream. */
const sessionId = z
  .string({ message: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');

export const chatRequestSchema = z.object({
  message: z
    .string({ message: 'is required and must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(RAG_INPUT_LIMIT, `must be at most ${RAG_INPUT_LIMIT} characters`),
  sessionId: sessionId.optional(),
  clientMessageId: z
    .string({ message: 'must be a string' })
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const feedbackRequestSchema = z.object({
  messageId: z
    .string({ message: 'is required and must be a string' })
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters'),
  rating: z.enum(['up', 'down'], { message: 'must be "up" or "down"' }),
  comment: z
    .string({ message: 'must be a string' })
    .trim()
    .max(RAG_INPUT_LIMIT, `must be at most ${RAG_INPUT_LIMIT} characters`)
    .optional(),
});

export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;
