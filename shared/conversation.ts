import { randomUUID } from 'node:crypto';
import { NotFoundError } from './errors.ts';
import { condenseHistory } from './history.ts';
import { logger } from './observability.ts';
import { type RagAnswer, type RagGenerator, SessionRejectedError } from './rag-client.ts';
import { SessionExistsError, type SessionStore } from './session-store.ts';
import type { ChatAnswer, StoredMessage, StoredSession } from './types.ts';

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

export interface SessionView {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly messages: readonly StoredMessage[];
}

export interface ConversationEngineDeps {
  readonly store: SessionStore;
  readonly rag: RagGenerator;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

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

  async chat(turn: ChatTurn): Promise<ChatAnswer> {
    const session = await this.loadSession(turn);
    const askedAt = this.now().toISOString();
    const rag = await this.ask(turn.message, session);

    const sessionId = session?.sessionId ?? turn.sessionId ?? this.newId();
    await this.saveSession(sessionId, turn, session, rag.bedrockSessionId || undefined);

    const messageId = this.newId();
    const answeredAt = laterThan(askedAt, this.now());
    await Promise.all([
      this.deps.store.appendMessage(sessionId, {
        messageId: this.newId(),
        role: 'user',
        text: turn.message,
        status: 'complete',
        createdAt: askedAt,
        ...(turn.clientMessageId ? { clientMessageId: turn.clientMessageId } : {}),
      }),
      this.deps.store.appendMessage(sessionId, {
        messageId,
        role: 'assistant',
        text: rag.answer,
        citations: rag.citations,
        status: rag.guardrailAction === 'INTERVENED' ? 'blocked' : 'complete',
        createdAt: answeredAt,
      }),
    ]);
    logger.info('chat turn stored', {
      sessionId,
      messageId,
      citations: rag.citations.length,
      guardrailAction: rag.guardrailAction,
      newSession: !session,
    });
    return {
      sessionId,
      messageId,
      answer: rag.answer,
      citations: rag.citations,
      guardrail: { action: rag.guardrailAction },
    };
  }

  async getSession(sessionId: string, owner: string): Promise<SessionView> {
    const session = await this.requireSession(sessionId, owner);
    const messages = await this.deps.store.listMessages(sessionId);
    return { sessionId, createdAt: session.createdAt, messages };
  }

  async deleteSession(sessionId: string, owner: string): Promise<void> {
    if (!(await this.deps.store.deleteSession(sessionId, owner))) throw sessionNotFound(sessionId);
  }

  /**
   * Asks in the stored Bedrock session. If Bedrock rejects that session, asks once more in a new
   * one, carrying the recent turns inside the question since the new session remembers nothing.
   */
  private async ask(message: string, session: StoredSession | undefined): Promise<RagAnswer> {
    const bedrockSessionId = session?.bedrockSessionId;
    try {
      return await this.deps.rag.generate({
        text: message,
        ...(bedrockSessionId ? { bedrockSessionId } : {}),
      });
    } catch (error) {
      if (!(error instanceof SessionRejectedError) || !session) throw error;
      logger.warn('Bedrock rejected the stored session; retrying in a new one', {
        sessionId: session.sessionId,
      });
      const history = await this.deps.store.listMessages(session.sessionId);
      return this.deps.rag.generate({ text: condenseHistory(history.slice(-6), message) });
    }
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
    const session = await this.deps.store.getSession(turn.sessionId, turn.owner);
    // Someone else's session under this id stays hidden: the create below then fails its condition.
    return session;
  }

  private async requireSession(sessionId: string, owner: string): Promise<StoredSession> {
    const session = await this.deps.store.getSession(sessionId, owner);
    if (!session) throw sessionNotFound(sessionId);
    return session;
  }
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
