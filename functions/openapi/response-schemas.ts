import { z } from 'zod';
import type { ChatStreamEvent } from '../../shared/chat/engine.ts';
import type { ChatAnswer, Citation, GuardrailOutcome } from '../../shared/chat/types.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { JobView, SyncResponse } from '../../shared/ingestion/api.ts';
import type { SessionListResponse } from '../../shared/session-api-schemas.ts';
import { eventCallbackSchema } from '../../shared/slack/events.ts';

/**
 * What the API answers, as zod schemas the OpenAPI document is generated from. The request schemas
 * are the handlers' own (`shared/api-schemas.ts`, `shared/session-api-schemas.ts`, `shared/ingestion/api.ts`); these describe what the
 * handlers write. The type checks at the bottom fail compilation when a schema and the type the
 * handler returns part ways, and `test/contract/` checks real responses against the document.
 */

/** `toISOString()`: UTC with milliseconds. */
const timestamp = z.iso.datetime();

export const citationReferenceSchema = z.object({
  sourceUri: z.string().meta({ description: 'Where the passage comes from (an S3 URI or a page URL).' }),
  title: z.string().optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .optional()
    .meta({
      description:
        "The document's public web address (http or https) to link to, when it has one: its `url` metadata (written by `npm run kb:upload`) or a Confluence page's URL.",
    }),
  excerpt: z.string().meta({ description: 'The passage the answer span rests on.' }),
  score: z.number().optional().meta({ description: 'Retrieval relevance, when Bedrock reports one.' }),
});

export const citationSchema = z
  .object({
    start: z.int().min(0),
    end: z.int().min(0),
    text: z.string(),
    references: z.array(citationReferenceSchema),
  })
  .meta({
    description: 'A span of the answer (`answer.slice(start, end) === text`) and the passages it came from.',
  });

export const guardrailOutcomeSchema = z
  .object({
    action: z.enum(['NONE', 'INTERVENED']),
    blocked: z
      .boolean()
      .optional()
      .meta({ description: "The question was blocked: the answer is the guardrail's message." }),
    policies: z
      .array(z.string())
      .optional()
      .meta({ description: 'The policies that intervened, plus `output` when the answer was screened.' }),
  })
  .meta({ description: 'What the guardrail did to the turn.' });

export const chatAnswerSchema = z.object({
  sessionId: z.string().meta({ description: 'Send it back as `sessionId` to continue the conversation.' }),
  messageId: z.string().meta({ description: 'The answer, for `POST /v1/sessions/{id}/feedback`.' }),
  answer: z.string(),
  citations: z
    .array(citationSchema)
    .meta({ description: 'Empty when the knowledge base holds nothing relevant.' }),
  guardrail: guardrailOutcomeSchema,
});

export const feedbackSchema = z.object({
  rating: z.enum(['up', 'down']),
  comment: z.string().optional(),
  createdAt: timestamp,
});

export const transcriptMessageSchema = z.object({
  messageId: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  citations: z.array(citationSchema).optional().meta({ description: 'Assistant messages only.' }),
  status: z.enum(['complete', 'incomplete', 'blocked']).meta({
    description: '`incomplete`: the answer was cut short; `blocked`: the guardrail answered.',
  }),
  createdAt: timestamp,
  feedback: feedbackSchema.optional(),
});

export const sessionSchema = z.object({
  sessionId: z.string(),
  createdAt: timestamp,
  messages: z.array(transcriptMessageSchema).meta({ description: 'Oldest first.' }),
});

export const sessionListSchema = z.object({
  sessions: z.array(z.object({ sessionId: z.string(), createdAt: timestamp, expiresAt: timestamp })),
  nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page.' }),
});

export const visitorTokenSchema = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: timestamp,
  expiresIn: z.int().min(1).meta({ description: 'Seconds the token stays valid.' }),
});

export const healthSchema = z.object({ status: z.literal('ok') });

// ── Server-Sent Events of POST /v1/chat/stream: each event's `data` ──────────────────────────────
export const sessionEventDataSchema = z.object({ sessionId: z.string(), messageId: z.string() });
export const textEventDataSchema = z.object({ text: z.string() });
export const citationEventDataSchema = z.object({ citation: citationSchema });
export const guardrailEventDataSchema = guardrailOutcomeSchema.extend({
  replaceAnswer: z.boolean().optional().meta({
    description: 'The output guardrail intervened after text was sent: show `done.answer` instead of it.',
  }),
});
/** `done` carries the whole answer, as `POST /v1/chat` returns it. */
export const doneEventDataSchema = chatAnswerSchema;

// ── Errors ───────────────────────────────────────────────────────────────────────────────────────
/** Every code an error body may carry, gateway errors included. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'VALIDATION_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'MODEL_NOT_ALLOWED',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  'PAYLOAD_TOO_LARGE',
  'THROTTLED',
  'UPSTREAM_ERROR',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
] as const satisfies readonly ErrorCode[];

/** `{"error": {"code", "message"}}`, limited to the codes a status carries. */
export const errorBodySchema = (codes: readonly ErrorCode[]) =>
  z.object({
    error: z.object({
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
      message: z.string().meta({ description: 'For people; match on `code`.' }),
    }),
  });

/** The `error` event ends a stream that failed after it began. */
export const errorEventDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/**
 * One event of the stream as an EventSource client sees it: its name and its `data` parsed from
 * the single line of JSON the server writes (`event: <name>` / `data: <JSON>`).
 */
export const sessionEventSchema = z.object({ event: z.literal('session'), data: sessionEventDataSchema });
export const textEventSchema = z.object({ event: z.literal('text'), data: textEventDataSchema });
export const citationEventSchema = z.object({ event: z.literal('citation'), data: citationEventDataSchema });
export const guardrailEventSchema = z.object({
  event: z.literal('guardrail'),
  data: guardrailEventDataSchema,
});
export const doneEventSchema = z.object({ event: z.literal('done'), data: doneEventDataSchema });
export const errorEventSchema = z.object({ event: z.literal('error'), data: errorEventDataSchema });

export const chatStreamEventSchema = z
  .discriminatedUnion('event', [
    sessionEventSchema,
    textEventSchema,
    citationEventSchema,
    guardrailEventSchema,
    doneEventSchema,
    errorEventSchema,
  ])
  .meta({ discriminator: { propertyName: 'event' } });

// ── Knowledge-base admin ─────────────────────────────────────────────────────────────────────────
export const ingestionStatisticsSchema = z.object({
  scanned: z.int().min(0),
  new: z.int().min(0),
  modified: z.int().min(0),
  deleted: z.int().min(0),
  failed: z.int().min(0),
});

export const jobViewSchema = z.object({
  jobId: z.string(),
  dataSourceId: z.string(),
  status: z.enum(['STARTING', 'IN_PROGRESS', 'COMPLETE', 'FAILED', 'STOPPING', 'STOPPED']),
  statistics: ingestionStatisticsSchema,
  startedAt: timestamp,
  updatedAt: timestamp,
  failureReasons: z.array(z.string()).optional(),
  trigger: z.enum(['api', 's3-event', 'schedule']),
});

export const syncResponseSchema = z.object({
  jobs: z.array(jobViewSchema),
  notStarted: z
    .array(z.object({ dataSourceId: z.string(), code: z.literal('CONFLICT'), message: z.string() }))
    .optional()
    .meta({ description: 'Data sources Bedrock refused a job on (one job per knowledge base at a time).' }),
});

export const jobPageSchema = z.object({
  jobs: z.array(jobViewSchema).meta({ description: 'Newest first.' }),
  nextToken: z.string().optional().meta({ description: 'Pass as `nextToken` for the next page.' }),
});

// ── Slack ────────────────────────────────────────────────────────────────────────────────────────
/** Slack signs the raw body; the intake reads `url_verification`, `event_callback` and acknowledges other types. */
export const slackEnvelopeSchema = z
  .union([
    z.looseObject({ type: z.literal('url_verification'), challenge: z.string() }),
    eventCallbackSchema,
    z.looseObject({ type: z.string() }),
  ])
  .meta({ description: "Slack's Events API envelope, read raw: the signature covers the exact bytes." });

export const slackChallengeSchema = z.object({ challenge: z.string() });
export const slackAckSchema = z.object({ ok: z.literal(true) });

/** The document itself, loosely: the linter checks the rest. */
export const openApiDocumentSchema = z
  .object({
    openapi: z.string(),
    info: z.record(z.string(), z.unknown()),
    paths: z.record(z.string(), z.unknown()),
  })
  .loose();

// ── Compile-time agreement with the types the handlers return ───────────────────────────────────
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Same<A, B> = [DeepReadonly<A>] extends [DeepReadonly<B>]
  ? [DeepReadonly<B>] extends [DeepReadonly<A>]
    ? true
    : false
  : false;
type StreamData<Type extends ChatStreamEvent['type']> = Omit<
  Extract<ChatStreamEvent, { type: Type }>,
  'type'
>;

const agreement: {
  chatAnswer: Same<z.output<typeof chatAnswerSchema>, ChatAnswer>;
  citation: Same<z.output<typeof citationSchema>, Citation>;
  guardrail: Same<z.output<typeof guardrailOutcomeSchema>, GuardrailOutcome>;
  sessionEvent: Same<z.output<typeof sessionEventDataSchema>, StreamData<'session'>>;
  textEvent: Same<z.output<typeof textEventDataSchema>, StreamData<'text'>>;
  citationEvent: Same<z.output<typeof citationEventDataSchema>, StreamData<'citation'>>;
  guardrailEvent: Same<z.output<typeof guardrailEventDataSchema>, StreamData<'guardrail'>>;
  doneEvent: Same<z.output<typeof doneEventDataSchema>, StreamData<'done'>['answer']>;
  jobView: Same<z.output<typeof jobViewSchema>, JobView>;
  syncResponse: Same<z.output<typeof syncResponseSchema>, SyncResponse>;
  sessionList: Same<z.output<typeof sessionListSchema>, SessionListResponse>;
  errorCodes: Same<(typeof ERROR_CODES)[number], ErrorCode>;
} = {
  chatAnswer: true,
  citation: true,
  guardrail: true,
  sessionEvent: true,
  textEvent: true,
  citationEvent: true,
  guardrailEvent: true,
  doneEvent: true,
  jobView: true,
  syncResponse: true,
  sessionList: true,
  errorCodes: true,
};
void agreement;
