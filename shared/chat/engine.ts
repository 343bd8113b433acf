import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../errors.ts';
import { countMetric, logger } from '../observability.ts';
import { mapCitation } from './citations.ts';
import { condenseHistory, fitRagInput } from './history.ts';
import {
  type GuardrailVerdict,
  type InputGuardrail,
  type NewMessage,
  type RagGenerator,
  type RagRequest,
  type RagSettings,
  SessionExistsError,
  SessionGoneError,
  SessionRejectedError,
  type SessionStore,
  type TurnIdempotency,
} from './ports.ts';
import { normalizeForScreening } from './text-normalization.ts';
import { type TurnAnchor, TurnClaims, type TurnProgress } from './turn-claims.ts';
import type {
  ChatAnswer,
  Citation,
  GuardrailOutcome,
  MessageStatus,
  Rating,
  StoredMessage,
  StoredSession,
} from './types.ts';

export interface ChatTurn {
  /** Who is asking: the API key id (REST) or a Slack identity. Sessions belong to it. */
  readonly owner: string;
  readonly message: string;
  readonly sessionId?: string;
  readonly clientMessageId?: string;
  /**
   * How long this request may still run (the function's remaining time). A claim on its
   * `clientMessageId` lasts no longer, so a retry after a crash waits for nothing more.
   */
  readonly leaseMs?: number;
  /**
   * Create the session under `sessionId` when it does not exist yet, instead of answering 404.
   * For callers that derive a stable session id themselves (a Slack thread); never for REST input.
   */
  readonly createSessionIfMissing?: boolean;
  /** How to answer this caller (its profile and its request's filter and model); the engine's default otherwise. */
  readonly retrieval?: RagSettings;
  /**
   * What the request itself chose (filter, model), so a `clientMessageId` reused with another
   * choice is refused like one reused with another question.
   */
  readonly choice?: string;
}

/** What a streamed turn emits, in order: `session` first, `done` last (unless it fails). */
export type ChatStreamEvent =
  | { readonly type: 'session'; readonly sessionId: string; readonly messageId: string }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'citation'; readonly citation: Citation }
  | ({
      readonly type: 'guardrail';
      /** The output guardrail intervened after text was sent: show `done.answer` instead of it. */
      readonly replaceAnswer?: boolean;
    } & GuardrailOutcome)
  | { readonly type: 'done'; readonly answer: ChatAnswer };

export interface SessionView {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly messages: readonly StoredMessage[];
}

export interface ConversationEngineDeps {
  readonly store: SessionStore;
  /** Remembers turns by `clientMessageId`, so a retried request completes the same turn. */
  readonly idempotency: TurnIdempotency;
  readonly rag: RagGenerator;
  /** Screens each question before retrieval; without one, questions go to Bedrock as asked. */
  readonly guardrail?: InputGuardrail;
  /** How turns that carry no `retrieval` of their own are answered (the deployment's defaults). */
  readonly retrieval?: RagSettings;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** Everything needed to store a finished (or cut-short) turn. */
interface TurnRecord {
  readonly turn: ChatTurn;
  readonly session: StoredSession | undefined;
  readonly anchor: TurnAnchor;
  /** The question as it may be stored: masked by the guardrail, or withheld when it was blocked. */
  readonly question: string;
  readonly bedrockSessionId: string | undefined;
  readonly answer: string;
  readonly citations: readonly Citation[];
  readonly guardrail: GuardrailOutcome;
  readonly status: MessageStatus;
}

/** Stored instead of a question the guardrail blocked, which may hold what it objected to. */
export const WITHHELD_QUESTION = '[withheld: blocked by the guardrail]';

/**
 * The one conversation engine behind REST, SSE and Slack: load the session, ask the knowledge base
 * in the session's Bedrock context, and persist the turn.
 */
export class ConversationEngine {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly claims: TurnClaims;

  constructor(private readonly deps: ConversationEngineDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.claims = new TurnClaims(deps.idempotency);
  }

  /**
   * One turn. With a `clientMessageId`, a repeat of the request returns the stored answer (same
   * message id) without asking the knowledge base again, and a retry of one that failed or was cut
   * short completes the same turn: one question and one answer per `clientMessageId`, however often
   * sent.
   */
  async chat(turn: ChatTurn): Promise<ChatAnswer> {
    const { verdict, start } = await this.open(turn);
    if (start.replay) return start.replay;
    const progress: TurnProgress = { stored: false };
    try {
      const answer = await this.answer(turn, verdict, start.anchor, progress);
      await this.claims.finish(turn, answer, start.attempt);
      return answer;
    } catch (error) {
      progress.gone ||= error instanceof NotFoundError;
      await this.claims.abandon(turn, progress, start.attempt);
      throw error;
    }
  }

  private async answer(
    turn: ChatTurn,
    verdict: GuardrailVerdict,
    anchor: TurnAnchor,
    progress: TurnProgress,
  ): Promise<ChatAnswer> {
    const session = await this.loadSession(turn, anchor);
    const base = { turn, session, anchor };
    if (verdict.blocked) return this.recordTurn({ ...base, ...blockedTurn(verdict, session) }, progress);
    const rag = await this.withSessionRecovery(turn, session, verdict.text, (request) =>
      this.deps.rag.generate(request),
    );
    return this.recordTurn(
      {
        ...base,
        question: verdict.text,
        bedrockSessionId: rag.bedrockSessionId || undefined,
        answer: rag.answer,
        citations: rag.citations,
        guardrail: withOutput(inputOutcome(verdict), rag.guardrailAction),
        status: 'complete',
      },
      progress,
    );
  }

  /**
   * The same turn as `chat`, streamed: each piece of the answer is passed on as it arrives. Errors
   * before the first event (unknown session, Bedrock refusing the request) throw from the first
   * `next()`, so an HTTP caller can still answer with a status code. If the stream breaks or the
   * consumer stops early, the partial answer is stored with status `incomplete`, and a retry with
   * the same `clientMessageId` replaces it.
   */
  async *streamChat(turn: ChatTurn, options: { signal?: AbortSignal } = {}): AsyncGenerator<ChatStreamEvent> {
    const { verdict, start } = await this.open(turn);
    if (start.replay) return yield* replayAnswer(start.replay);
    const progress: TurnProgress = { stored: false };
    let answer: ChatAnswer | undefined;
    try {
      for await (const event of this.streamAnswer(turn, verdict, start.anchor, progress, options)) {
        if (event.type === 'done') answer = event.answer;
        yield event;
      }
    } catch (error) {
      progress.gone ||= error instanceof NotFoundError;
      throw error;
    } finally {
      if (answer) await this.claims.finish(turn, answer, start.attempt);
      else await this.claims.abandon(turn, progress, start.attempt);
    }
  }

  private async *streamAnswer(
    turn: ChatTurn,
    verdict: GuardrailVerdict,
    anchor: TurnAnchor,
    progress: TurnProgress,
    options: { signal?: AbortSignal },
  ): AsyncGenerator<ChatStreamEvent> {
    const session = await this.loadSession(turn, anchor);
    const base = { turn, session, anchor };
    const opening = { type: 'session', sessionId: anchor.sessionId, messageId: anchor.messageId } as const;
    if (verdict.blocked) {
      const blocked = blockedTurn(verdict, session);
      yield opening;
      yield { type: 'guardrail', ...blocked.guardrail };
      yield { type: 'text', text: blocked.answer };
      yield { type: 'done', answer: await this.recordTurn({ ...base, ...blocked }, progress) };
      return;
    }

    const stream = await this.withSessionRecovery(turn, session, verdict.text, (request) =>
      this.deps.rag.stream(request, options.signal),
    );
    yield opening;
    let guardrail = inputOutcome(verdict);
    if (guardrail.action === 'INTERVENED') yield { type: 'guardrail', ...guardrail };

    let answer = '';
    const citations: Citation[] = [];
    const record = (status: MessageStatus) =>
      this.recordTurn(
        {
          ...base,
          question: verdict.text,
          bedrockSessionId: stream.bedrockSessionId || undefined,
          answer,
          citations,
          guardrail,
          status,
        },
        progress,
      );

    let finished = false;
    try {
      for await (const event of stream.events) {
        if (event.type === 'text') {
          answer += event.text;
          yield event;
        } else if (event.type === 'citation') {
          const citation = mapCitation(answer, event.citation);
          if (citation) {
            citations.push(citation);
            yield { type: 'citation', citation };
          }
        } else if (event.action === 'INTERVENED') {
          guardrail = withOutput(guardrail, event.action);
          // What was already shown may be what the guardrail objected to: `done` carries the answer to keep.
          yield { type: 'guardrail', ...guardrail, ...(answer ? { replaceAnswer: true } : {}) };
        }
      }
      finished = true;
    } finally {
      // Runs when the upstream stream breaks and when the consumer walks away mid-answer.
      if (!finished) {
        await record('incomplete').catch((error: unknown) => {
          // A 404 here (the session was deleted) is swallowed, but its key must still be forgotten.
          progress.gone ||= error instanceof NotFoundError;
          logger.error('incomplete turn not stored', {
            sessionId: anchor.sessionId,
            messageId: anchor.messageId,
            error: String(error),
          });
        });
      }
    }
    if (finished) yield { type: 'done', answer: await record('complete') };
  }

  async getSession(sessionId: string, owner: string): Promise<SessionView> {
    const session = await this.requireSession(sessionId, owner);
    const messages = await this.deps.store.listMessages(sessionId);
    return { sessionId, createdAt: session.createdAt, messages };
  }

  /**
   * Records a rating of one of the session's answers (owner-checked, like every session access). A
   * comment is screened like a question: stored masked, or withheld when the guardrail blocks it.
   */
  async rateAnswer(
    sessionId: string,
    owner: string,
    feedback: { messageId: string; rating: Rating; comment?: string | undefined },
  ): Promise<void> {
    await this.requireSession(sessionId, owner);
    const comment = feedback.comment ? await this.screenComment(feedback.comment) : undefined;
    const stored = await this.deps.store.setFeedback(sessionId, feedback.messageId, {
      rating: feedback.rating,
      ...(comment ? { comment } : {}),
      createdAt: this.now().toISOString(),
    });
    if (!stored)
      throw new NotFoundError(`Answer ${feedback.messageId} was not found in session ${sessionId}`);
    logger.info('feedback stored', { sessionId, messageId: feedback.messageId, rating: feedback.rating });
  }

  /** Deletes the session and everything of it, the `clientMessageId`s of its turns included. */
  async deleteSession(sessionId: string, owner: string): Promise<void> {
    const forget = (ids: readonly string[]) => this.claims.forget(owner, ids);
    if (!(await this.deps.store.deleteSession(sessionId, owner, forget))) throw sessionNotFound(sessionId);
  }

  /**
   * Asks in the stored Bedrock session. If Bedrock rejects that session, asks once more in a new
   * one, carrying the recent turns inside the question since the new session remembers nothing.
   */
  private async withSessionRecovery<T>(
    turn: ChatTurn,
    session: StoredSession | undefined,
    message: string,
    ask: (request: RagRequest) => Promise<T>,
  ): Promise<T> {
    const bedrockSessionId = session?.bedrockSessionId;
    const text = fitRagInput(message);
    const retrieval = turn.retrieval ?? this.deps.retrieval;
    const settings = retrieval ? { settings: retrieval } : {};
    try {
      return await ask({ text, ...(bedrockSessionId ? { bedrockSessionId } : {}), ...settings });
    } catch (error) {
      if (!(error instanceof SessionRejectedError) || !session) throw error;
      logger.warn('Bedrock session rejected; retrying', {
        sessionId: session.sessionId,
      });
      const history = await this.deps.store.listMessages(session.sessionId);
      return ask({ text: condenseHistory(history.slice(-6), text), ...settings });
    }
  }

  /** The ids a new turn gets; a retried turn keeps the ones its first attempt got. */
  private freshAnchor(turn: ChatTurn): TurnAnchor {
    return {
      sessionId: turn.sessionId ?? this.newId(),
      userMessageId: this.newId(),
      messageId: this.newId(),
      askedAt: this.now().toISOString(),
    };
  }

  /**
   * Screens the question, then claims its `clientMessageId` with the question as it will be stored:
   * the claim's digest must not be one of text the guardrail masked. So a repeat is screened again
   * before it is replayed or refused.
   */
  private async open(turn: ChatTurn) {
    const verdict = await this.screen(turn.message);
    const question = verdict.blocked ? WITHHELD_QUESTION : verdict.text;
    return { verdict, start: await this.claims.start({ ...turn, question }, this.freshAnchor(turn)) };
  }

  /** Screens a question; every intervening policy is counted, never the text logged. */
  private async screen(message: string): Promise<GuardrailVerdict> {
    if (!this.deps.guardrail) return { action: 'NONE', blocked: false, text: message, policies: [] };
    // Full-width digits or zero-width characters must not carry a card number past the guardrail.
    const verdict = await this.deps.guardrail.screenInput(normalizeForScreening(message));
    for (const policy of verdict.policies) countMetric('GuardrailIntervention', { policy, source: 'INPUT' });
    // Nothing to hide: the question goes on as the customer wrote it.
    return verdict.action === 'NONE' ? { ...verdict, text: message } : verdict;
  }

  private async screenComment(comment: string): Promise<string> {
    const verdict = await this.screen(comment);
    return verdict.blocked ? WITHHELD_COMMENT : verdict.text;
  }

  /**
   * Stores the session (created or kept alive) and both messages of the turn. A session deleted
   * while the turn ran stays deleted: the turn answers 404 and leaves nothing behind.
   */
  private async recordTurn(record: TurnRecord, progress: TurnProgress): Promise<ChatAnswer> {
    const { turn, anchor } = record;
    const { sessionId, messageId } = anchor;
    await this.saveSession(turn, anchor, record.session, record.bedrockSessionId);
    progress.stored = true;
    const messages: NewMessage[] = [
      {
        messageId: anchor.userMessageId,
        role: 'user',
        text: record.question,
        status: record.status === 'blocked' ? 'blocked' : 'complete',
        createdAt: anchor.askedAt,
        sortKey: `${turnSortKey(anchor)}#1`,
        ...(turn.clientMessageId ? { clientMessageId: turn.clientMessageId } : {}),
      },
      {
        messageId,
        role: 'assistant',
        text: record.answer,
        citations: record.citations,
        status: record.status,
        createdAt: laterThan(anchor.askedAt, this.now()),
        // Right after its question, whenever it was answered, so every attempt writes the same item.
        sortKey: `${turnSortKey(anchor)}#2`,
      },
    ];
    const [, stored] = await Promise.all(messages.map((m) => this.deps.store.saveMessage(sessionId, m)));
    if (!(await this.deps.store.getSession(sessionId, turn.owner))) {
      await this.deps.store.removeMessages(sessionId, messages);
      throw sessionNotFound(sessionId);
    }
    countMetric('ChatTurn');
    logger.info('chat turn stored', {
      sessionId,
      messageId,
      citations: record.citations.length,
      guardrailAction: record.guardrail.action,
      status: stored?.status ?? record.status,
      newSession: !record.session,
    });
    // An earlier attempt at this turn already stored its finished answer: that one stands.
    const kept =
      stored && (stored.text !== record.answer || stored.status !== record.status) ? stored : undefined;
    return {
      sessionId,
      messageId,
      answer: kept?.text ?? record.answer,
      citations: kept?.citations ?? record.citations,
      guardrail: record.guardrail,
    };
  }

  private async saveSession(
    turn: ChatTurn,
    anchor: TurnAnchor,
    session: StoredSession | undefined,
    bedrockSessionId: string | undefined,
  ): Promise<void> {
    const { sessionId } = anchor;
    try {
      if (session) return await this.deps.store.touchSession(sessionId, bedrockSessionId);
      try {
        await this.deps.store.createSession(sessionId, turn.owner, bedrockSessionId);
      } catch (error) {
        if (!(error instanceof SessionExistsError)) throw error;
        // A concurrent first turn (or an earlier attempt at this one) created it, or it belongs to
        // someone else (who must not learn so).
        if (!(await this.deps.store.getSession(sessionId, turn.owner))) throw sessionNotFound(sessionId);
        await this.deps.store.touchSession(sessionId, bedrockSessionId);
      }
    } catch (error) {
      if (error instanceof SessionGoneError) throw sessionNotFound(sessionId);
      throw error;
    }
  }

  /**
   * The turn's session: the one the request names (404 if it is not the caller's), or for a new
   * conversation none yet, unless an earlier attempt at this turn already created it.
   */
  private async loadSession(turn: ChatTurn, anchor: TurnAnchor): Promise<StoredSession | undefined> {
    if (turn.sessionId && !turn.createSessionIfMissing)
      return this.requireSession(turn.sessionId, turn.owner);
    // Someone else's session under this id stays hidden: creating it later fails its condition.
    return this.deps.store.getSession(anchor.sessionId, turn.owner);
  }

  private async requireSession(sessionId: string, owner: string): Promise<StoredSession> {
    const session = await this.deps.store.getSession(sessionId, owner);
    if (!session) throw sessionNotFound(sessionId);
    return session;
  }
}

/** Stored instead of a feedback comment the guardrail blocked. */
export const WITHHELD_COMMENT = '[withheld: blocked by the guardrail]';

/** A finished answer, told again as the events of a stream. */
export async function* replayAnswer(answer: ChatAnswer): AsyncGenerator<ChatStreamEvent> {
  yield { type: 'session', sessionId: answer.sessionId, messageId: answer.messageId };
  if (answer.guardrail.action === 'INTERVENED') yield { type: 'guardrail', ...answer.guardrail };
  yield { type: 'text', text: answer.answer };
  for (const citation of answer.citations) yield { type: 'citation', citation };
  yield { type: 'done', answer };
}

/** A blocked question: the guardrail's message is the answer; Bedrock is never asked. */
function blockedTurn(verdict: GuardrailVerdict, session: StoredSession | undefined) {
  return {
    question: WITHHELD_QUESTION,
    bedrockSessionId: session?.bedrockSessionId,
    answer: verdict.text,
    citations: [],
    guardrail: { action: 'INTERVENED', blocked: true, policies: verdict.policies },
    status: 'blocked',
  } as const;
}

function inputOutcome(verdict: GuardrailVerdict): GuardrailOutcome {
  return verdict.action === 'INTERVENED'
    ? { action: 'INTERVENED', policies: verdict.policies }
    : { action: 'NONE' };
}

/** Adds the knowledge base's verdict on the answer to what the guardrail did to the question. */
function withOutput(outcome: GuardrailOutcome, outputAction: GuardrailOutcome['action']): GuardrailOutcome {
  if (outputAction !== 'INTERVENED') return outcome;
  countMetric('GuardrailIntervention', { policy: 'output', source: 'OUTPUT' });
  return { action: 'INTERVENED', policies: [...(outcome.policies ?? []), 'output'] };
}

/** The same 404 whether the session never existed, expired, or belongs to someone else. */
function sessionNotFound(sessionId: string): NotFoundError {
  return new NotFoundError(`Session ${sessionId} was not found`);
}

/** Turns list in the order they were asked; ties (the same millisecond) by the question's id. */
function turnSortKey(anchor: TurnAnchor): string {
  return `${anchor.askedAt}#${anchor.userMessageId}`;
}

/** Guarantees the answer sorts after the question even when both land in the same millisecond. */
function laterThan(previousIso: string, now: Date): string {
  const previous = Date.parse(previousIso);
  return new Date(Math.max(now.getTime(), previous + 1)).toISOString();
}
