import { createHash } from 'node:crypto';
import { ConflictError, IdempotencyKeyReusedError } from '../errors.ts';
import { logger } from '../observability.ts';
import type { TurnIdempotency } from './ports.ts';
import type { ChatAnswer } from './types.ts';

/** The ids and time a turn is stored under, fixed by its first attempt and kept by every retry. */
export interface TurnAnchor {
  readonly sessionId: string;
  readonly userMessageId: string;
  readonly messageId: string;
  readonly askedAt: string;
}

/** Whose key a turn's `clientMessageId` is. */
interface TurnKey {
  readonly owner: string;
  readonly clientMessageId?: string;
}

/** The parts of a turn that name it. */
interface TurnRequest extends TurnKey {
  /**
   * The question as it may be stored (screened: masked, or withheld when blocked), never as sent:
   * the claim keeps a digest of it, and a digest of a masked-away number gives the number back.
   */
  readonly question: string;
  readonly sessionId?: string;
  readonly leaseMs?: number;
  /** The request's own filter and model, when it chose any. */
  readonly choice?: string;
}

/** `attempt` is the claim's (none without a `clientMessageId`), for `finish` and `abandon`. */
export type TurnStart =
  | { readonly replay: ChatAnswer; readonly anchor?: undefined }
  | { readonly replay?: undefined; readonly anchor: TurnAnchor; readonly attempt?: number };

/**
 * When no lease is given: just under the REST integration's 29 s, the longest a synchronous turn
 * can run on AWS.
 */
const DEFAULT_LEASE_MS = 28_000;

/** The longest Retry-After a 409 suggests: most claims end with their request's answer, soon. */
const RETRY_HINT_SECONDS = 3;

/**
 * A chat turn's `clientMessageId` as an idempotency key, owned by its caller: one answer per key,
 * a retry of a failed or cut-short attempt completes the same turn (same anchor), a repeat of a
 * finished one gets its answer back, and a key reused for another request is refused.
 */
export class TurnClaims {
  constructor(private readonly store: TurnIdempotency) {}

  async start(turn: TurnRequest, fresh: TurnAnchor): Promise<TurnStart> {
    if (!turn.clientMessageId) return { anchor: fresh };
    const claim = await this.store.begin<ChatAnswer, TurnAnchor>(keyOf(turn.owner, turn.clientMessageId), {
      // A turn that chose nothing keeps the fingerprint turns had before requests could choose.
      fingerprint: fingerprintOf(
        turn.choice ? [turn.question, turn.sessionId, turn.choice] : [turn.question, turn.sessionId],
      ),
      leaseMs: Math.max(1_000, turn.leaseMs ?? DEFAULT_LEASE_MS),
      data: fresh,
    });
    switch (claim.status) {
      case 'claimed':
        if (claim.attempt > 1) logger.info('turn retried', { sessionId: claim.data.sessionId });
        return { anchor: claim.data, attempt: claim.attempt };
      case 'completed':
        return { replay: claim.result };
      case 'in_progress': {
        // A live request usually finishes within seconds; a dead one's claim lasts at most this long.
        const heldSeconds = Math.max(1, Math.ceil(claim.retryAfterMs / 1000));
        throw new ConflictError(
          `A request with this clientMessageId is still being answered (at most ${heldSeconds} s more); retry after Retry-After.`,
          Math.min(heldSeconds, RETRY_HINT_SECONDS),
        );
      }
      case 'mismatch':
        throw new IdempotencyKeyReusedError(
          'This clientMessageId was used for a different message or session; use a new one for a new question.',
        );
    }
  }

  /** Keeps the answer for repeats of the request, unless a retry took the key over meanwhile. */
  async finish(turn: TurnKey, answer: ChatAnswer, attempt?: number): Promise<void> {
    if (!turn.clientMessageId) return;
    await this.settle(() =>
      this.store.complete(keyOf(turn.owner, turn.clientMessageId as string), answer, attempt),
    );
  }

  /**
   * Frees the key for the client's retry, unless a retry took it over meanwhile: forgetting it when
   * no attempt stored anything (only a first attempt knows that) or the session is gone (no attempt
   * can store anything there), else keeping the anchor (the retry replaces what was stored).
   */
  async abandon(turn: TurnKey, progress: TurnProgress, attempt?: number): Promise<void> {
    if (!turn.clientMessageId) return;
    const key = keyOf(turn.owner, turn.clientMessageId);
    await this.settle(() =>
      !progress.gone && (progress.stored || attempt !== 1)
        ? this.store.release(key, attempt)
        : this.store.forget(key, attempt),
    );
  }

  /**
   * Forgets the keys of a deleted session's turns. A failure stops the delete (the caller answers
   * 503 and the owner's retried DELETE forgets them again), so no key outlives its session.
   */
  async forget(owner: string, clientMessageIds: readonly string[]): Promise<void> {
    await Promise.all(clientMessageIds.map((id) => this.store.forget(keyOf(owner, id))));
  }

  private async settle(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      // The key's lease runs out by itself; the client's retry then proceeds.
      logger.error('client message id not settled', { error: String(error) });
    }
  }
}

/** How far a turn got: whether it stored anything, and whether it found its session gone. */
export interface TurnProgress {
  stored: boolean;
  gone?: boolean;
}

const keyOf = (owner: string, clientMessageId: string) => `turn#${owner}#${clientMessageId}`;

/** A stable digest of a request's identifying parts, for `BeginOptions.fingerprint`. */
export function fingerprintOf(parts: readonly (string | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
