/**
 * RetrieveAndGenerate sessions, keyed by the Bedrock session id. Bedrock keeps conversation
 * context server-side behind that id; so does the emulator, in memory: each session remembers
 * its earlier questions so a follow-up ("and how do I remove it?") is retrieved in context.
 *
 * Bounded two ways, so a long-running `npm start` cannot grow without limit: a session idle for
 * longer than `idleMs` expires, and past `maxSessions` the least recently used one is evicted.
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
  /** Default 24 hours. */
  readonly idleMs?: number;
  /** Default 10 000. */
  readonly maxSessions?: number;
  /** Injectable for tests; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** Bedrock keeps this much conversation; older turns stop influencing retrieval anyway. */
const MAX_TURNS = 20;

interface Entry {
  session: Session;
  lastUsedAt: number;
}

export class RagSessions {
  readonly #idleMs: number;
  readonly #maxSessions: number;
  readonly #now: () => number;
  /** Map iteration order is insertion order: re-inserting on use keeps it least-recent first. */
  readonly #entries = new Map<string, Entry>();

  constructor(options: RagSessionsOptions = {}) {
    this.#idleMs = options.idleMs ?? 24 * 60 * 60 * 1000;
    this.#maxSessions = options.maxSessions ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  create(knowledgeBaseId: string): Session {
    const now = this.#now();
    const session: Session = { sessionId: randomUUID(), knowledgeBaseId, createdAt: now, turns: [] };
    this.#entries.set(session.sessionId, { session, lastUsedAt: now });
    while (this.#entries.size > this.#maxSessions) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return session;
  }

  /** The live session with this id, or undefined when it never existed or has expired. */
  get(sessionId: string): Session | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return undefined;
    const now = this.#now();
    this.#entries.delete(sessionId);
    if (now - entry.lastUsedAt > this.#idleMs) return undefined;
    entry.lastUsedAt = now;
    this.#entries.set(sessionId, entry);
    return entry.session;
  }

  addTurn(sessionId: string, turn: SessionTurn): void {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined) return;
    entry.session = { ...entry.session, turns: [...entry.session.turns, turn].slice(-MAX_TURNS) };
    entry.lastUsedAt = this.#now();
  }
}
