/**
 * The lexical index behind retrieval: MiniSearch (BM25, title boosted) over chunks, plus the
 * document frequencies the relevance threshold and the generator need for IDF weights.
 *
 * A question is scored one term at a time: MiniSearch scores each term over the index, and the
 * per-term scores, weighted, are summed here, so each term's scores can be kept between questions
 * (`term-scores.ts`).
 */
import MiniSearch from 'minisearch';
import { normalizeTerm, tokenize } from './analyzer.ts';
import { TermScoreCache, type TermScores } from './term-scores.ts';

export interface IndexedChunk {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface IndexHit {
  readonly id: string;
  /** BM25 summed over matched terms, title matches boosted, per-term query weights applied. */
  readonly score: number;
}

const MIN_CORRECTABLE_LENGTH = 5;

/** A title names what a chunk is about, so a match there counts double. */
const TITLE_BOOST = 2;

/** A term in more than this share of the chunks (and in at least a few) does not select candidates. */
const COMMON_TERM_SHARE = 0.1;
const COMMON_TERM_MIN_CHUNKS = 50;

/** Terms in fewer chunks than this are quick to score when asked; the rest are scored ahead. */
const SCORE_AHEAD_MIN_CHUNKS = 100;

export class SearchIndex {
  /** The tokens of the chunk being added, so MiniSearch does not tokenize its fields again. */
  #tokenized: ReadonlyMap<string, string[]> | undefined;
  readonly #search = new MiniSearch<IndexedChunk>({
    fields: ['title', 'text'],
    tokenize: (text) => this.#tokenized?.get(text) ?? tokenize(text),
    processTerm: normalizeTerm,
    searchOptions: { boost: { title: TITLE_BOOST } },
  });
  readonly #termsById = new Map<string, ReadonlySet<string>>();
  /** The chunks as added: MiniSearch's `remove` needs them to take their terms out at once. */
  readonly #chunks = new Map<string, IndexedChunk>();
  readonly #documentFrequency = new Map<string, number>();
  /** Every word form seen, with its term, to correct misspelt question words against. */
  readonly #wordForms = new Map<string, string>();
  /** Dense numbers for chunk ids, so a question's scores add up in a typed array. */
  readonly #slotOf = new Map<string, number>();
  readonly #idAt: (string | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  readonly #termScores = new TermScoreCache({
    score: (term) => this.#score(term),
    commonTerms: () =>
      [...this.#documentFrequency]
        .filter(([, df]) => df >= SCORE_AHEAD_MIN_CHUNKS)
        .sort((a, b) => b[1] - a[1])
        .map(([term]) => term),
  });
  /** A question's summed scores by chunk slot; all zero between questions. */
  #totals = new Float64Array(0);

  get size(): number {
    return this.#termsById.size;
  }

  add(chunk: IndexedChunk): void {
    const titleTokens = tokenize(chunk.title);
    const textTokens = tokenize(chunk.text);
    const terms = new Set<string>();
    for (const tokens of [titleTokens, textTokens]) {
      for (const token of tokens) {
        const term = normalizeTerm(token);
        if (term === null) continue;
        terms.add(term);
        if (token.length >= MIN_CORRECTABLE_LENGTH - 1 && !this.#wordForms.has(token))
          this.#wordForms.set(token, term);
      }
    }
    this.#tokenized = new Map([
      [chunk.title, titleTokens],
      [chunk.text, textTokens],
    ]);
    try {
      this.#search.add(chunk);
    } finally {
      this.#tokenized = undefined;
    }
    this.#termsById.set(chunk.id, terms);
    this.#chunks.set(chunk.id, chunk);
    const slot = this.#freeSlots.pop() ?? this.#idAt.length;
    this.#idAt[slot] = chunk.id;
    this.#slotOf.set(chunk.id, slot);
    this.#termScores.invalidate();
    for (const term of terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
  }

  /**
   * The query terms worth looking up. A term in a large share of the chunks adds almost nothing to
   * a BM25 ranking but makes an OR query match (and score, and sort) most of the index: on a large
   * corpus that is most of the search time. Such terms still count when candidates are re-ranked
   * and judged; they only stop pulling in candidates, unless nothing rarer is asked.
   */
  #selective(terms: readonly string[]): string[] {
    const cap = Math.max(COMMON_TERM_MIN_CHUNKS, COMMON_TERM_SHARE * this.size);
    const rare = terms.filter((term) => (this.#documentFrequency.get(term) ?? 0) <= cap);
    return rare.length > 0 ? rare : [...terms];
  }

  remove(id: string): void {
    const terms = this.#termsById.get(id);
    if (terms === undefined) return;
    const chunk = this.#chunks.get(id);
    // `remove` (not the lazy `discard`) updates term statistics now, so scores after a document is
    // replaced or deleted are those of an index that never held it.
    if (chunk) this.#search.remove(chunk);
    this.#chunks.delete(id);
    this.#termsById.delete(id);
    const slot = this.#slotOf.get(id);
    if (slot !== undefined) {
      this.#idAt[slot] = undefined;
      this.#slotOf.delete(id);
      this.#freeSlots.push(slot);
    }
    this.#termScores.invalidate();
    for (const term of terms) {
      const df = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (df > 0) this.#documentFrequency.set(term, df);
      else this.#documentFrequency.delete(term);
    }
  }

  /** The analysed terms of a chunk (title and text), for coverage checks. */
  termsOf(id: string): ReadonlySet<string> {
    return this.#termsById.get(id) ?? new Set();
  }

  /**
   * BM25 inverse document frequency. A term the corpus has never seen gets the highest weight,
   * which is what makes "weather" or "recipe" count against a match rather than be ignored.
   */
  idf(term: string): number {
    const n = this.size;
    const df = this.#documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  isKnown(term: string): boolean {
    return this.#documentFrequency.has(term);
  }

  /**
   * The term of a known word one typo away from `word` ("subscripton", "seperate", "delet"), if
   * any; of several, the most common. Only words of 5 letters or more (6 unless a letter was
   * dropped), only edits that keep the
   * first letter and do not change the last one (a changed ending is more often a different word,
   * "factory" and "factor", than a typo), though a dropped last letter ("delet") is a typo.
   */
  correct(word: string): string | undefined {
    if (word.length < MIN_CORRECTABLE_LENGTH) return undefined;
    let best: string | undefined;
    for (const [form, term] of this.#wordForms) {
      if (form[0] !== word[0] || !this.isKnown(term) || !isOneTypoApart(word, form)) continue;
      // In a short word any other slip makes another word ("shoes", "shows"); a dropped letter
      // ("delet") is still a typo.
      if (word.length < MIN_CORRECTABLE_LENGTH + 1 && form.length !== word.length + 1) continue;
      if (best === undefined || this.idf(term) < this.idf(best)) best = term;
    }
    return best;
  }

  /**
   * Searches with analysed terms, each weighted (1 for the question, less for earlier turns): the
   * `limit` chunks with the highest sum of weighted BM25 scores over the terms they contain.
   */
  search(weights: ReadonlyMap<string, number>, limit: number): IndexHit[] {
    const terms = this.#selective([...weights.keys()]);
    if (terms.length === 0 || this.size === 0) return [];
    if (this.#totals.length < this.#idAt.length) this.#totals = new Float64Array(this.#idAt.length * 2);
    const totals = this.#totals;
    const matched: number[] = [];
    for (const term of terms) {
      const weight = weights.get(term) ?? 1;
      const { slots, scores } = this.#termScores.get(term);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        if (totals[slot] === 0) matched.push(slot);
        totals[slot] = (totals[slot] as number) + weight * (scores[i] as number);
      }
    }
    const hits = topSlots(matched, totals, limit).map((slot) => ({
      id: this.#idAt[slot] as string,
      score: totals[slot] as number,
    }));
    for (const slot of matched) totals[slot] = 0;
    return hits;
  }

  /** Resolves once the common terms of the index as it is now are scored ahead of questions. */
  settled(): Promise<void> {
    return this.#termScores.settled();
  }

  /** Stops scoring terms ahead of questions. */
  close(): void {
    this.#termScores.close();
  }

  /** One term's BM25 score (title boosted) in every chunk that has it, from MiniSearch. */
  #score(term: string): TermScores {
    const results = this.#search.search(term, { tokenize: (query) => [query], processTerm: (t) => t });
    const slots = new Int32Array(results.length);
    const scores = new Float64Array(results.length);
    for (let i = 0; i < results.length; i++) {
      const result = results[i] as (typeof results)[number];
      slots[i] = this.#slotOf.get(String(result.id)) ?? 0;
      scores[i] = result.score;
    }
    return { slots, scores };
  }
}

/**
 * The `limit` slots with the highest totals, best first (ties by slot, so results are stable).
 * A numeric sort of the totals finds the cut-off score, so only the chunks above it are sorted
 * by comparison. Sorts `matched` in place when it is no longer than `limit`.
 */
function topSlots(matched: number[], totals: Float64Array, limit: number): number[] {
  let chosen = matched;
  if (matched.length > limit) {
    const sorted = new Float64Array(matched.length);
    for (let i = 0; i < matched.length; i++) sorted[i] = totals[matched[i] as number] as number;
    sorted.sort();
    const cutoff = sorted[sorted.length - limit] as number;
    chosen = matched.filter((slot) => (totals[slot] as number) >= cutoff);
  }
  return chosen.sort((a, b) => (totals[b] as number) - (totals[a] as number) || a - b).slice(0, limit);
}

/**
 * Typed `a` is one insertion, deletion, neighbouring-key substitution or transposition away from
 * known `b`, none at the last character, except that `a` may lack `b`'s last letter.
 */
function isOneTypoApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  if (b.length === a.length + 1 && b.startsWith(a)) return true;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  const last = Math.min(a.length, b.length) - 1;
  if (i >= last) return false;
  const rest = (x: string, from: number) => x.slice(from);
  if (a.length === b.length) {
    const transposed = a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2);
    // A wrong letter is a typo when its key sits next to the right one ("pasdword"); otherwise
    // it is more likely another word ("leaking" is not "leaving").
    const slipped = areNeighbourKeys(a[i] ?? '', b[i] ?? '') && rest(a, i + 1) === rest(b, i + 1);
    return transposed || slipped;
  }
  return a.length > b.length ? rest(a, i + 1) === rest(b, i) : rest(a, i) === rest(b, i + 1);
}

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Whether two letters are neighbours on a QWERTY keyboard (same row or the rows next to it). */
function areNeighbourKeys(a: string, b: string): boolean {
  const at = (key: string) => {
    const row = KEYBOARD_ROWS.findIndex((r) => r.includes(key));
    return row === -1 ? undefined : { row, column: (KEYBOARD_ROWS[row] ?? '').indexOf(key) + row * 0.5 };
  };
  const p = at(a);
  const q = at(b);
  if (p === undefined || q === undefined) return false;
  return Math.abs(p.row - q.row) <= 1 && Math.abs(p.column - q.column) <= 1;
}
