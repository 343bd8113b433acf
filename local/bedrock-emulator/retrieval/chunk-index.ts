/**
 * The lexical index: BM25 from MiniSearch over four fields of each chunk, weighted by how much a
 * match there says about the chunk (FIELD_BOOST), plus the term statistics the signals and the
 * relevance threshold need (document frequency, each chunk's terms).
 */
import MiniSearch from 'minisearch';
import { analyze, normalizeTerm, tokenize } from './analyzer.ts';

export interface IndexedChunk {
  readonly id: string;
  /** The document's title. */
  readonly title: string;
  /** The section's heading and the headings above it. */
  readonly headings: string;
  /** The document's description (front matter or sidecar), if any. */
  readonly description: string;
  readonly body: string;
}

export interface IndexHit {
  readonly id: string;
  readonly score: number;
}

/**
 * A title or heading names what the chunk is about; a description summarises the whole page; a
 * body match may be a passing mention.
 */
const FIELD_BOOST = { title: 2, headings: 2, description: 1.5, body: 1 } as const;
/** Words of this length or more that the corpus lacks are read as a one-letter misspelling. */
const MIN_FUZZY_LENGTH = 5;

export class ChunkIndex {
  readonly #search = new MiniSearch<IndexedChunk>({
    fields: ['title', 'headings', 'description', 'body'],
    tokenize,
    processTerm: normalizeTerm,
  });
  readonly #chunks = new Map<string, IndexedChunk>();
  readonly #terms = new Map<string, ReadonlySet<string>>();
  readonly #headingTerms = new Map<string, ReadonlySet<string>>();
  readonly #frequency = new Map<string, number>();

  get size(): number {
    return this.#chunks.size;
  }

  add(chunk: IndexedChunk): void {
    const terms = new Set(analyze(`${chunk.title}\n${chunk.headings}\n${chunk.description}\n${chunk.body}`));
    this.#search.add(chunk);
    this.#chunks.set(chunk.id, chunk);
    this.#terms.set(chunk.id, terms);
    this.#headingTerms.set(chunk.id, new Set(analyze(`${chunk.title}\n${chunk.headings}`)));
    for (const term of terms) this.#frequency.set(term, (this.#frequency.get(term) ?? 0) + 1);
  }

  remove(id: string): void {
    const chunk = this.#chunks.get(id);
    if (chunk === undefined) return;
    this.#search.remove(chunk);
    for (const term of this.#terms.get(id) ?? []) {
      const left = (this.#frequency.get(term) ?? 1) - 1;
      if (left > 0) this.#frequency.set(term, left);
      else this.#frequency.delete(term);
    }
    this.#chunks.delete(id);
    this.#terms.delete(id);
    this.#headingTerms.delete(id);
  }

  has(term: string): boolean {
    return this.#frequency.has(term);
  }

  /** BM25's inverse document frequency; a term the corpus lacks gets the rarest term's. */
  idf(term: string): number {
    const n = this.#frequency.get(term) ?? 0.5;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** The terms of a chunk, every field together. */
  termsOf(id: string): ReadonlySet<string> {
    return this.#terms.get(id) ?? new Set();
  }

  /** The terms of a chunk's title and headings. */
  headingTermsOf(id: string): ReadonlySet<string> {
    return this.#headingTerms.get(id) ?? new Set();
  }

  /** BM25 hits for weighted terms, best first. */
  search(terms: ReadonlyMap<string, number>, limit: number): IndexHit[] {
    if (terms.size === 0 || this.size === 0) return [];
    const hits = this.#search.search(
      { combineWith: 'OR', queries: [...terms.keys()] },
      {
        boost: FIELD_BOOST,
        // The terms are analysed already; MiniSearch must not stem them again.
        processTerm: (term) => term,
        boostTerm: (term) => terms.get(term) ?? 1,
        fuzzy: (term) => (term.length >= MIN_FUZZY_LENGTH && !this.has(term) ? 1 : false),
        weights: { fuzzy: 0.6, prefix: 0 },
      },
    );
    return hits.slice(0, limit).map((hit) => ({ id: String(hit.id), score: hit.score }));
  }
}
