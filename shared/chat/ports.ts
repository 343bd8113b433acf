import type { Citation as BedrockCitation } from '@aws-sdk/client-bedrock-agent-runtime';
import type { InferenceSettings, RetrievalFilter } from '../../config/answer-settings-core.ts';
import type { Citation, Feedback, GuardrailAction, StoredMessage, StoredSession } from './types.ts';

/**
 * What the conversation engine needs of the world, as interfaces: the DynamoDB stores and the Bedrock
 * clients in `shared/aws/` implement them on AWS (and against the local stack), in-memory fakes in tests.
 * The errors here are part of the contracts: an adapter throws them, the engine recovers from them.
 */

// ── Sessions ────────────────────────────────────────────────────────────────
/** A live session already holds this id. */
export class SessionExistsError extends Error {
  override readonly name = 'SessionExistsError';
  constructor(sessionId: string, options?: ErrorOptions) {
    super(`Session ${sessionId} already exists`, options);
  }
}

/** The session is gone (deleted or expired) while a turn was being stored in it. */
export class SessionGoneError extends Error {
  override readonly name = 'SessionGoneError';
  constructor(sessionId: string, options?: ErrorOptions) {
    super(`Session ${sessionId} no longer exists`, options);
  }
}

/**
 * A message as the engine hands it over: its session is given separately, feedback comes later.
 * `sortKey` places it in the transcript (messages list in its order); the engine fixes it when a
 * turn begins, so every attempt at the same turn writes the same items.
 */
export type NewMessage = Omit<StoredMessage, 'sessionId' | 'feedback'> & { readonly sortKey: string };

/** Sessions and their transcripts, each session belonging to one owner. */
export interface SessionStore {
  /** Throws `SessionExistsError` when a live session already holds `sessionId`. */
  createSession(sessionId: string, owner: string, bedrockSessionId?: string): Promise<StoredSession>;
  /** The session if it exists, has not expired and belongs to `owner`; otherwise undefined. */
  getSession(sessionId: string, owner: string): Promise<StoredSession | undefined>;
  /** Records the Bedrock session now in use and keeps the session alive; `SessionGoneError` if deleted. */
  touchSession(sessionId: string, bedrockSessionId: string | undefined): Promise<void>;
  /** Throws `SessionGoneError` when the session went away meanwhile. */
  saveMessage(sessionId: string, message: NewMessage): Promise<StoredMessage>;
  /** Removes messages of a turn that was stored into a session deleted meanwhile. */
  removeMessages(sessionId: string, messages: readonly NewMessage[]): Promise<void>;
  /** The live messages of a session, oldest first. */
  listMessages(sessionId: string): Promise<StoredMessage[]>;
  /** Rates an assistant message (a later rating replaces an earlier one); false when there is none. */
  setFeedback(sessionId: string, messageId: string, feedback: Feedback): Promise<boolean>;
  /**
   * Deletes a session `owner` owns; false when there was none. `forget` gets the client message ids
   * of its turns before their messages go, so a delete cut short cannot lose them.
   */
  deleteSession(
    sessionId: string,
    owner: string,
    forget: (clientMessageIds: readonly string[]) => Promise<void>,
  ): Promise<boolean>;
}

/** One page of a caller's sessions, newest first; `next` continues after its last one. */
export interface SessionPage {
  readonly sessions: readonly SessionSummary[];
  readonly next?: SessionCursor;
}

export interface SessionSummary {
  readonly sessionId: string;
  readonly createdAt: string;
  /** Epoch seconds: the session is gone after this unless it is continued. */
  readonly expiresAt: number;
}

/** Where a listing continues: the last session of the page before. */
export interface SessionCursor {
  readonly createdAt: string;
  readonly sessionId: string;
}

/** A caller's sessions, for `GET /v1/sessions`; `DynamoDbSessionStore` reads them from the owner index. */
export interface SessionHistory {
  listSessions(
    owner: string,
    page: { readonly limit: number; readonly after?: SessionCursor },
  ): Promise<SessionPage>;
}

// ── Idempotency ─────────────────────────────────────────────────────────────

/**
 * What `begin` found:
 * - `claimed`: this caller holds the key until its lease runs out. `data` is what an earlier holder
 *   saved (a retry after a cut or a crash picks up where it left off), or the caller's own.
 * - `completed`: the work was done; `result` is what it returned.
 * - `in_progress`: another caller holds a live lease, for `retryAfterMs` more at the most.
 * - `mismatch`: the key was used for a different request (its fingerprint differs).
 */
export type IdempotencyClaim<Result, Data> =
  | { readonly status: 'claimed'; readonly data: Data; readonly attempt: number }
  | { readonly status: 'completed'; readonly result: Result }
  | { readonly status: 'in_progress'; readonly retryAfterMs: number }
  | { readonly status: 'mismatch' };

export interface BeginOptions<Data> {
  /** A digest of the request (see `fingerprintOf`); a repeat with another one is a `mismatch`. */
  readonly fingerprint: string;
  /** How long the work may take: the caller's remaining time, so a dead caller's claim runs out with it. */
  readonly leaseMs: number;
  /** Saved with a new claim and handed to whoever takes it over later. */
  readonly data: Data;
}

/**
 * Claims on idempotency keys, so a retried request completes the work its first attempt began.
 *
 * `attempt` is the one `begin` claimed with. Given, a write happens only while that attempt still
 * holds the key (and, for `release` and `forget`, while the work is in progress): an attempt that
 * outlived its lease (a frozen function resumed, a call answered late) must not undo the claim of
 * the retry that took over, nor hand it to a third one. Such a write changes nothing, silently.
 */
export interface TurnIdempotency {
  begin<Result, Data>(key: string, options: BeginOptions<Data>): Promise<IdempotencyClaim<Result, Data>>;
  /** Saves the result: repeats of the request get it back until the key expires. */
  complete<Result>(key: string, result: Result, attempt?: number): Promise<void>;
  /** Ends this attempt's lease at once, keeping the saved data, so a retry can take over now. */
  release(key: string, attempt?: number): Promise<void>;
  /** Forgets the key: the next request with it starts afresh. Without `attempt`, whatever holds it. */
  forget(key: string, attempt?: number): Promise<void>;
}

// ── Answers ─────────────────────────────────────────────────────────────────

export interface RagRequest {
  readonly text: string;
  readonly bedrockSessionId?: string;
  /** How to retrieve and generate for this caller; the adapter's own defaults when absent. */
  readonly settings?: RagSettings;
}

/**
 * A caller's answer profile combined with what its request chose (`shared/answers/`): everything
 * `RetrieveAndGenerate` is told beyond the question. Unset members leave Bedrock's defaults.
 */
export interface RagSettings {
  /** The generation model, as `modelArn` takes it. */
  readonly modelArn?: string;
  readonly numberOfResults?: number;
  /** The profile's filter ANDed with the request's: never wider than the profile's. */
  readonly filter?: RetrievalFilter;
  readonly reranking?: { readonly modelArn: string; readonly numberOfRerankedResults?: number };
  readonly generationPrompt?: string;
  readonly orchestrationPrompt?: string;
  readonly inference?: InferenceSettings;
  readonly queryDecomposition?: boolean;
}

export interface RagAnswer {
  readonly bedrockSessionId: string;
  readonly answer: string;
  readonly citations: Citation[];
  readonly guardrailAction: GuardrailAction;
}

/** What a streamed answer is made of, in the order Bedrock sends it. */
export type RagStreamEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'citation'; readonly citation: BedrockCitation }
  | { readonly type: 'guardrail'; readonly action: GuardrailAction };

export interface RagStream {
  readonly bedrockSessionId: string;
  readonly events: AsyncIterable<RagStreamEvent>;
}

/** How the engine asks the knowledge base; `shared/aws/bedrock-rag.ts` is the real one. */
export interface RagGenerator {
  generate(request: RagRequest): Promise<RagAnswer>;
  /** Starts a streamed answer; request errors (and a rejected session) throw before any event. */
  stream(request: RagRequest, signal?: AbortSignal): Promise<RagStream>;
}

/** Bedrock no longer accepts the session id we stored (expired, unknown, or from another stack). */
export class SessionRejectedError extends Error {
  override readonly name = 'SessionRejectedError';
}

// ── Input screening ─────────────────────────────────────────────────────────

/** The guardrail's policy families, as `ApplyGuardrail` names them in its assessments. */
export type GuardrailPolicyFamily =
  | 'topicPolicy'
  | 'contentPolicy'
  | 'wordPolicy'
  | 'sensitiveInformationPolicy'
  | 'contextualGroundingPolicy';

export interface GuardrailVerdict {
  readonly action: GuardrailAction;
  /** True when the text must not go on: `text` is then the guardrail's blocked message. */
  readonly blocked: boolean;
  /** The text to use from here on: the input itself, its masked form, or the blocked message. */
  readonly text: string;
  /** The policies that intervened. */
  readonly policies: readonly GuardrailPolicyFamily[];
}

/** How the engine screens questions; `shared/aws/bedrock-guardrail.ts` is the real one. */
export interface InputGuardrail {
  screenInput(text: string): Promise<GuardrailVerdict>;
}
