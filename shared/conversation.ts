import { randomUUID } from 'node:crypto';
import { mapCitation } from './citations.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import type { GuardrailVerdict, InputGuardrail } from './guardrail-client.ts';
import { condenseHistory } from './history.ts';
import { countMetric, logger } from './observability.ts';
import { type RagGenerator, type RagRequest, SessionRejectedError } from './rag-client.ts';
import { SessionExistsError, type SessionStore } from './session-store.ts';
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
   * Create the session under `sessionId` when it does not exist yet, instead of answering 404.
   * For callers that derive a stable session id themselves (a Slack thread); never for REST input.
   */
  readonly createSessionIfMissing?: boolean;
}

/** What a streamed turn emits, in order: `session` first, `done` last (unless it fails). */
export type ChatStreamEvent =
  | { readonly type: 'session'; readonly sessionId: string; readonly messageId: string }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'citation'; readonly citation: Citation }
  | ({ readonly type: 'guardrail' } & GuardrailOutcome)
  | { readonly type: 'done'; readonly answer: ChatAnswer };

export interface SessionView {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly messages: readonly StoredMessage[];
}

export interface ConversationEngineDeps {
  readonly store: SessionStore;
  readonly rag: RagGenerator;
  /** Screens each question before retrieval; without one, questions go to Bedrock as asked. */
  readonly guardrail?: InputGuardrail;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

/** Everything needed to store a finished (or cut-short) turn. */
interface TurnRecord {
  readonly turn: ChatTurn;
  readonly session: StoredSession | undefined;
  readonly sessionId: string;
  readonly messageId: string;
  readonly askedAt: string;
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

  constructor(private readonly deps: ConversationEngineDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /**
   * One turn. With a `clientMessageId`, a repeat of the request returns the stored answer (same
   * message id) without asking Bedrock again or storing a second pair of messages.
   */
  async chat(turn: ChatTurn): Promise<ChatAnswer> {
    const clientMessageId = turn.clientMessageId;
    if (!clientMessageId) return this.answer(turn);
    const earlier = await this.claim(turn.owner, clientMessageId);
    if (earlier) return earlier;
    let answer: ChatAnswer | undefined;
    try {
      answer = await this.answer(turn);
      return answer;
    } finally {
      await this.settleClaim(turn.owner, clientMessageId, answer);
    }
  }

  private async answer(turn: ChatTurn): Promise<ChatAnswer> {
    const { base, session, verdict } = await this.beginTurn(turn);
    if (verdict.blocked) return this.recordTurn({ ...base, ...blockedTurn(verdict, session) });
    const rag = await this.withSessionRecovery(session, verdict.text, (request) =>
      this.deps.rag.generate(request),
    );
    return this.recordTurn({
      ...base,
      question: verdict.text,
      bedrockSessionId: rag.bedrockSessionId || undefined,
      answer: rag.answer,
      citations: rag.citations,
      guardrail: withOutput(inputOutcome(verdict), rag.guardrailAction),
      status: 'complete',
    });
  }

  /**
   * The same turn as `chat`, streamed: each piece of the answer is passed on as it arrives. Errors
   * before the first event (unknown session, Bedrock refusing the request) throw from the first
   * `next()`, so an HTTP caller can still answer with a status code. If the stream breaks or the
   * consumer stops early, the partial answer is stored with status `incomplete`.
   */
  async *streamChat(turn: ChatTurn, options: { signal?: AbortSignal } = {}): AsyncGenerator<ChatStreamEvent> {
    const clientMessageId = turn.clientMessageId;
    if (!clientMessageId) return yield* this.streamAnswer(turn, options);
    const earlier = await this.claim(turn.owner, clientMessageId);
    if (earlier) return yield* replayAnswer(earlier);
    let answer: ChatAnswer | undefined;
    try {
      for await (const event of this.streamAnswer(turn, options)) {
        if (event.type === 'done') answer = event.answer;
        yield event;
      }
    } finally {
      await this.settleClaim(turn.owner, clientMessageId, answer);
    }
  }

  private async *streamAnswer(
    turn: ChatTurn,
    options: { signal?: AbortSignal },
  ): AsyncGenerator<ChatStreamEvent> {
    const { base, session, verdict } = await this.beginTurn(turn);
    if (verdict.blocked) {
      const blocked = blockedTurn(verdict, session);
      yield { type: 'session', sessionId: base.sessionId, messageId: base.messageId };
      yield { type: 'guardrail', ...blocked.guardrail };
      yield { type: 'text', text: blocked.answer };
      yield { type: 'done', answer: await this.recordTurn({ ...base, ...blocked }) };
      return;
    }

    const stream = await this.withSessionRecovery(session, verdict.text, (request) =>
      this.deps.rag.stream(request, options.signal),
    );
    yield { type: 'session', sessionId: base.sessionId, messageId: base.messageId };
    let guardrail = inputOutcome(verdict);
    if (guardrail.action === 'INTERVENED') yield { type: 'guardrail', ...guardrail };

    let answer = '';
    const citations: Citation[] = [];
    const record = (status: MessageStatus) =>
      this.recordTurn({
        ...base,
        question: verdict.text,
        bedrockSessionId: stream.bedrockSessionId || undefined,
        answer,
        citations,
        guardrail,
        status,
      });

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
          yield { type: 'guardrail', ...guardrail };
        }
      }
      finished = true;
    } finally {
      // Runs when the upstream stream breaks and when the consumer walks away mid-answer.
      if (!finished) {
        await record('incomplete').catch((error: unknown) =>
          logger.error('could not store an incomplete turn', {
            sessionId: base.sessionId,
            messageId: base.messageId,
            error: String(error),
          }),
        );
      }
    }
    if (finished) yield { type: 'done', answer: await record('complete') };
  }

  async getSession(sessionId: string, owner: string): Promise<SessionView> {
    const session = await this.requireSession(sessionId, owner);
    const messages = await this.deps.store.listMessages(sessionId);
    return { sessionId, createdAt: session.createdAt, messages };
  }

  /** Records a rating of one of the session's answers (owner-checked, like every session access). */
  async rateAnswer(
    sessionId: string,
    owner: string,
    feedback: { messageId: string; rating: Rating; comment?: string | undefined },
  ): Promise<void> {
    await this.requireSession(sessionId, owner);
    const stored = await this.deps.store.setFeedback(sessionId, feedback.messageId, {
      rating: feedback.rating,
      ...(feedback.comment ? { comment: feedback.comment } : {}),
      createdAt: this.now().toISOString(),
    });
    if (!stored)
      throw new NotFoundError(`Answer ${feedback.messageId} was not found in session ${sessionId}`);
    logger.info('feedback stored', { sessionId, messageId: feedback.messageId, rating: feedback.rating });
  }

  async deleteSession(sessionId: string, owner: string): Promise<void> {
    if (!(await this.deps.store.deleteSession(sessionId, owner))) throw sessionNotFound(sessionId);
  }

  /**
   * Asks in the stored Bedrock session. If Bedrock rejects that session, asks once more in a new
   * one, carrying the recent turns inside the question since the new session remembers nothing.
   */
  private async withSessionRecovery<T>(
    session: StoredSession | undefined,
    message: string,
    ask: (request: RagRequest) => Promise<T>,
  ): Promise<T> {
    const bedrockSessionId = session?.bedrockSessionId;
    try {
      return await ask({ text: message, ...(bedrockSessionId ? { bedrockSessionId } : {}) });
    } catch (error) {
      if (!(error instanceof SessionRejectedError) || !session) throw error;
      logger.warn('Bedrock rejected the stored session; retrying in a new one', {
        sessionId: session.sessionId,
      });
      const history = await this.deps.store.listMessages(session.sessionId);
      return ask({ text: condenseHistory(history.slice(-6), message) });
    }
  }

  /** Loads the session and screens the question at once, and names the turn's ids. */
  private async beginTurn(turn: ChatTurn) {
    const [session, verdict] = await Promise.all([this.loadSession(turn), this.screen(turn.message)]);
    const base = {
      turn,
      session,
      sessionId: session?.sessionId ?? turn.sessionId ?? this.newId(),
      messageId: this.newId(),
      askedAt: this.now().toISOString(),
    };
    return { base, session, verdict };
  }

  /** The stored answer of an earlier request with this client message id; 409 while it is running. */
  private async claim(owner: string, clientMessageId: string): Promise<ChatAnswer | undefined> {
    const earlier = await this.deps.store.claimClientMessage(owner, clientMessageId, CLAIM_LEASE_MS);
    if (!earlier) return undefined;
    if (earlier.state === 'complete') return earlier.answer;
    throw new ConflictError(
      'A request with this clientMessageId is still being answered; retry in a moment.',
    );
  }

  /** Keeps the answer for repeats, or frees the id so the client's retry can answer afresh. */
  private async settleClaim(
    owner: string,
    clientMessageId: string,
    answer: ChatAnswer | undefined,
  ): Promise<void> {
    try {
      if (answer) await this.deps.store.completeClientMessage(owner, clientMessageId, answer);
      else await this.deps.store.releaseClientMessage(owner, clientMessageId);
    } catch (error) {
      logger.error('could not settle a client message id', { error: String(error) });
    }
  }

  /** Screens a question; every intervening policy is counted, never the text logged. */
  private async screen(message: string): Promise<GuardrailVerdict> {
    if (!this.deps.guardrail) return { action: 'NONE', blocked: false, text: message, policies: [] };
    const verdict = await this.deps.guardrail.screenInput(message);
    for (const policy of verdict.policies) countMetric('GuardrailIntervention', { policy, source: 'INPUT' });
    return verdict;
  }

  /** Stores the session (created or kept alive) and both messages of the turn. */
  private async recordTurn(record: TurnRecord): Promise<ChatAnswer> {
    const { turn, sessionId, messageId } = record;
    await this.saveSession(sessionId, turn, record.session, record.bedrockSessionId);
    const answeredAt = laterThan(record.askedAt, this.now());
    await Promise.all([
      this.deps.store.appendMessage(sessionId, {
        messageId: this.newId(),
        role: 'user',
        text: record.question,
        status: record.status === 'blocked' ? 'blocked' : 'complete',
        createdAt: record.askedAt,
        ...(turn.clientMessageId ? { clientMessageId: turn.clientMessageId } : {}),
      }),
      this.deps.store.appendMessage(sessionId, {
        messageId,
        role: 'assistant',
        text: record.answer,
        citations: record.citations,
        status: record.status,
        createdAt: answeredAt,
      }),
    ]);
    countMetric('ChatTurn');
    logger.info('chat turn stored', {
      sessionId,
      messageId,
      citations: record.citations.length,
      guardrailAction: record.guardrail.action,
      status: record.status,
      newSession: !record.session,
    });
    return {
      sessionId,
      messageId,
      answer: record.answer,
      citations: record.citations,
      guardrail: record.guardrail,
    };
  }

  private async saveSession(
    sessionId: string,
    turn: ChatTurn,
    session: StoredSession | undefined,
    bedrockSessionId: string | undefined,
  ): Promise<void> {
    if (session) return this.deps.store.touchSession(sessionId, bedrockSessionId);
    try {
      await this.deps.store.createSession(sessionId, turn.owner, bedrockSessionId);
    } catch (error) {
      if (!(error instanceof SessionExistsError)) throw error;
      // A concurrent first turn created it, or it belongs to someone else (who must not learn so).
      if (!(await this.deps.store.getSession(sessionId, turn.owner))) throw sessionNotFound(sessionId);
      await this.deps.store.touchSession(sessionId, bedrockSessionId);
    }
  }

  private async loadSession(turn: ChatTurn): Promise<StoredSession | undefined> {
    if (!turn.sessionId) return undefined;
    if (!turn.createSessionIfMissing) return this.requireSession(turn.sessionId, turn.owner);
    // Someone else's session under this id stays hidden: creating it later fails its condition.
    return this.deps.store.getSession(turn.sessionId, turn.owner);
  }

  private async requireSession(sessionId: string, owner: string): Promise<StoredSession> {
    const session = await this.deps.store.getSession(sessionId, owner);
    if (!session) throw sessionNotFound(sessionId);
    return session;
  }
}

/** Longer than any turn takes; a claim older than this belonged to a request that died. */
const CLAIM_LEASE_MS = 5 * 60_000;

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

/** Guarantees the answer sorts after the question even when both land in the same millisecond. */
function laterThan(previousIso: string, now: Date): string {
  const previous = Date.parse(previousIso);
  return new Date(Math.max(now.getTime(), previous + 1)).toISOString();
}
