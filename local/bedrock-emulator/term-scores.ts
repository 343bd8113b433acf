/**
 * Each term's BM25 scores over the index, kept between questions until the index changes. Scoring
 * a term costs in proportion to the chunks that have it, and the costly terms (those in many
 * chunks) are the very ones that come back in question after question. Once the index has been
 * quiet for a moment, the most common terms are scored ahead of time, half a millisecond at a
 * time and only while no questions are being asked, so questions neither wait for that work nor,
 * later, for most of their terms.
 */

/** One term's score in each chunk that has it, by chunk slot. */
export interface TermScores {
  readonly slots: Int32Array;
  readonly scores: Float64Array;
}

export interface TermScoreOptions {
  /** Scores one term over the whole index. */
  readonly score: (term: string) => TermScores;
  /** The terms worth scoring ahead of time, most costly first. */
  readonly commonTerms: () => string[];
  /** Scores kept at most, summed over terms (each is 12 bytes). */
  readonly maxScores?: number;
  /** How long the index stays unchanged before scoring ahead starts. */
  readonly quietMs?: number;
  /** How long no question may have been asked before scoring ahead goes on. */
  readonly questionsQuietMs?: number;
}

/** About 100 MB of scores: far more than the common terms of a 5,000-document corpus need. */
const MAX_SCORES = 8_000_000;
const QUIET_MS = 100;
/** Scoring ahead gives way to questions: it waits until none was asked for this long. */
const QUESTIONS_QUIET_MS = 20;
/** Scoring ahead yields to other work after this much of it at a time. */
const SLICE_MS = 0.5;

export class TermScoreCache {
  readonly #options: TermScoreOptions;
  readonly #maxScores: number;
  /** Least recently used first. */
  readonly #kept = new Map<string, TermScores>();
  #keptScores = 0;
  /** Bumped by every change of the index, so scoring ahead for an older index stops. */
  #generation = 0;
  #quietTimer: NodeJS.Timeout | undefined;
  #lastAskedAt = Number.NEGATIVE_INFINITY;
  /** True from a change of the index until its common terms are scored. */
  #settling = false;
  readonly #waiting: (() => void)[] = [];

  constructor(options: TermScoreOptions) {
    this.#options = options;
    this.#maxScores = options.maxScores ?? MAX_SCORES;
  }

  get(term: string): TermScores {
    this.#lastAskedAt = performance.now();
    const kept = this.#kept.get(term);
    if (kept !== undefined) {
      this.#kept.delete(term);
      this.#kept.set(term, kept);
      return kept;
    }
    return this.#keep(term, this.#options.score(term));
  }

  /** Every score depends on the chunk count, the average length and the document frequencies. */
  invalidate(): void {
    this.#generation += 1;
    this.#kept.clear();
    this.#keptScores = 0;
    this.#settling = true;
    clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(
      () => this.#scoreAhead(this.#generation),
      this.#options.quietMs ?? QUIET_MS,
    );
    // A quiet index that nobody closed must not hold the process open.
    this.#quietTimer.unref();
  }

  /** Resolves once the common terms of the index as it is now are scored (or scoring stopped). */
  settled(): Promise<void> {
    if (!this.#settling) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Stops scoring ahead. */
  close(): void {
    this.#generation += 1;
    clearTimeout(this.#quietTimer);
    this.#settle();
  }

  #settle(): void {
    this.#settling = false;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  #keep(term: string, scores: TermScores): TermScores {
    this.#kept.set(term, scores);
    this.#keptScores += scores.slots.length;
    for (const [oldest, dropped] of this.#kept) {
      if (this.#keptScores <= this.#maxScores || oldest === term) break;
      this.#kept.delete(oldest);
      this.#keptScores -= dropped.slots.length;
    }
    return scores;
  }

  #scoreAhead(generation: number): void {
    const terms = this.#options.commonTerms();
    let next = 0;
    const slice = () => {
      if (generation !== this.#generation) return;
      const askedAgo = performance.now() - this.#lastAskedAt;
      const questionsQuietMs = this.#options.questionsQuietMs ?? QUESTIONS_QUIET_MS;
      if (askedAgo < questionsQuietMs) {
        setTimeout(slice, questionsQuietMs - askedAgo);
        return;
      }
      const until = performance.now() + SLICE_MS;
      while (next < terms.length && performance.now() < until) {
        const term = terms[next++] as string;
        if (this.#kept.has(term)) continue;
        const scores = this.#options.score(term);
        if (this.#keptScores + scores.slots.length > this.#maxScores) return this.#settle();
        this.#keep(term, scores);
      }
      if (next < terms.length) setImmediate(slice);
      else this.#settle();
    };
    slice();
  }
}
