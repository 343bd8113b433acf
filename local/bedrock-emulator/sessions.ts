/**
 * RetrieveAndGenerate sessions, keyed by the Bedrock session id. Bedrock keeps conversation
 * context server-side behind that id; so does the emulator, in memory: each session remembers
 * its earlier questions so a follow-up ("and how do I remove it?") is retrieved in context.
 *
 * A session lasts `lifetimeMs` from its creation, however often it is used: AWS's knowledge-base
 * sessions last 24 hours and cannot be extended (re:Post knowledge center,
 * bedrock-reuse-knowledge-base-session), so a long conversation outlives its session there too.
 * Past `maxSessions` the least recently used one is evicted, so a long-running `npm start` stays bounded.
 */
import { randomUUID } from 'node:crypto';

export interface SessionTurn {
  readonly question: string;
  readonly answer: string;
}

export interface Session {
  readonly sessionId: string;
  readonly knowledgeBaseId: string;
  readonly createdAt: number;
  readonly turns: readonly SessionTurn[];
}

export interface RagSessionsOptions {
  /** Default 24 hours, as on AWS. */
  readonly lifetimeMs?: number;
  /** Default 10 000. */
  readonly maxSessions?: number;
  /** Injectable for tests; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** Bedrock keeps this much conversation; older turns stop influencing retrieval anyway. */
const MAX_TURNS = 20;

export class RagSessions {
  readonly #lifetimeMs: number;
  readonly #maxSessions: number;
  readonly #now: () => number;
  /** Map iteration order is insertion order: re-inserting on use keeps it least-recent first. */
  readonly #entries = new Map<string, Session>();

  constructor(options: RagSessionsOptions = {}) {
    this.#lifetimeMs = options.lifetimeMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  create(knowledgeBaseId: string): Session {
    const now = this.#now();
    const session: Session = { sessionId: randomUUID(), knowledgeBaseId, createdAt: now, turns: [] };
    this.#entries.set(session.sessionId, session);
    while (this.#entries.size > this.#maxSessions) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return session;
  }

  /** The live session with this id, or undefined when it never existed or has expired. */
  get(sessionId: string): Session | undefined {
    const session = this.#entries.get(sessionId);
    if (session === undefined) return undefined;
    this.#entries.delete(sessionId);
    if (this.#now() - session.createdAt > this.#lifetimeMs) return undefined;
    this.#entries.set(sessionId, session);
    return session;
  }

  addTurn(sessionId: string, turn: SessionTurn): void {
    const session = this.#entries.get(sessionId);
    // Setting an existing key keeps its place in the least-recently-used order.
    if (session)
      this.#entries.set(sessionId, { ...session, turns: [...session.turns, turn].slice(-MAX_TURNS) });
  }
}
