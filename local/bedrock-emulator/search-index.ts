/**
 * The lexical index behind retrieval: MiniSearch (BM25, title boosted) over chunks, plus the
 * document frequencies the relevance threshold and the generator need for IDF weights.
 */
import MiniSearch from 'minisearch';
import { normalizeTerm, tokenize } from './analyzer.ts';

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

  /** Searches with analysed terms, each weighted (1 for the question, less for earlier turns). */
  search(weights: ReadonlyMap<string, number>, limit: number): IndexHit[] {
    const terms = this.#selective([...weights.keys()]);
    if (terms.length === 0 || this.size === 0) return [];
    const results = this.#search.search(terms.join(' '), {
      tokenize: (query) => query.split(' '),
      processTerm: (term) => term,
      boostTerm: (term) => weights.get(term) ?? 1,
      combineWith: 'OR',
    });
    // MiniSearch multiplies a document's score by how many query terms it matched; coverage is
    // judged separately (per concept, synonyms together), so that factor is taken back out here.
    return results
      .map((result) => ({
        id: String(result.id),
        score: result.score / Math.max(1, result.queryTerms.length),
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
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
