/**
 * The lexical index behind retrieval: MiniSearch (BM25, title boosted) over chunks, plus the
 * document frequencies the relevance threshold and the generator need for IDF weights.
 */
import MiniSearch from 'minisearch';
import { analyze, normalizeTerm, tokenize } from './analyzer.ts';

export interface IndexedChunk {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface IndexHit {
  readonly id: string;
  /** MiniSearch's BM25 score, with title matches boosted and per-term query weights applied. */
  readonly score: number;
}

/** A title names what a chunk is about, so a match there counts double. */
const TITLE_BOOST = 2;

export class SearchIndex {
  readonly #search = new MiniSearch<IndexedChunk>({
    fields: ['title', 'text'],
    tokenize,
    processTerm: normalizeTerm,
    searchOptions: { boost: { title: Number(process.env.TB ?? TITLE_BOOST) }, bm25: { k: Number(process.env.K ?? 1.2), b: Number(process.env.B ?? 0.7), d: 0.5 } },
  });
  readonly #termsById = new Map<string, ReadonlySet<string>>();
  readonly #documentFrequency = new Map<string, number>();

  get size(): number {
    return this.#termsById.size;
  }

  add(chunk: IndexedChunk): void {
    const terms = new Set([...analyze(chunk.title), ...analyze(chunk.text)]);
    this.#search.add(chunk);
    this.#termsById.set(chunk.id, terms);
    for (const term of terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
  }

  remove(id: string): void {
    const terms = this.#termsById.get(id);
    if (terms === undefined) return;
    this.#search.discard(id);
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

  /** Searches with analysed terms, each weighted (1 for the question, less for earlier turns). */
  search(weights: ReadonlyMap<string, number>, limit: number): IndexHit[] {
    const terms = [...weights.keys()];
    if (terms.length === 0 || this.size === 0) return [];
    const results = this.#search.search(terms.join(' '), {
      tokenize: (query) => query.split(' '),
      processTerm: (term) => term,
      boostTerm: (term) => weights.get(term) ?? 1,
      combineWith: 'OR',
    });
    return results.slice(0, limit).map((result) => ({ id: String(result.id), score: result.score }));
  }
}
