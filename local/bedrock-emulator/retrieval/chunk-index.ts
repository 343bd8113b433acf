/**
 * The lexical index: BM25 over four fields of each chunk, weighted by how much a match there says
 * about the chunk (FIELD_WEIGHT). Each term keeps its postings (chunk slot → the term's frequency
 * in each field, packed in one number) and how many chunks hold it per field, so a question costs
 * one pass over its terms' postings and a document's chunks are replaced without a rebuild.
 */
import { normalizeTerm, tokenize } from './analyzer.ts';

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
  /** Whether the chunk holds a term (any field). */
  has(term: string): boolean;
  /** Whether its title or headings hold a term. */
  inHeading(term: string): boolean;
}

interface Term {
  /** Chunk slot → packed field frequencies (see UNIT). */
  readonly postings: Map<number, number>;
  /** How many chunks hold the term, per field. */
  readonly chunksPerField: Int32Array;
}

const FIELDS = ['title', 'headings', 'description', 'body'] as const;

/**
 * A title names what the page is about; a section's headings and the page's description say it
 * less exactly (headings repeat a page's topic section after section); a body match may be a
 * passing mention.
 */
const FIELD_WEIGHT: readonly number[] = [2, 1.5, 1.5, 1];
/**
 * BM25+ per field (Lv and Zhai's lower bound DELTA, so a long field's match still counts), each
 * field with its own document frequency: a word rare in headings says more there than in bodies.
 * K1 and B are the usual saturation and length normalisation.
 */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** One occurrence in each field, packed: 8 bits for each short field, the rest for the body. */
const UNIT: readonly number[] = [1, 2 ** 8, 2 ** 16, 2 ** 24];
const BODY = 2 ** 24;
const MAX_SHORT_TF = 255;
const tfOf = (packed: number, field: number) =>
  field === 3 ? Math.floor(packed / BODY) : Math.floor(packed / (UNIT[field] ?? 1)) % 256;

export class ChunkIndex {
  readonly #terms = new Map<string, Term>();
  readonly #ids: (string | undefined)[] = [];
  readonly #slots = new Map<string, number>();
  readonly #free: number[] = [];
  /** Field lengths, four per slot. */
  readonly #lengths: number[] = [];
  readonly #totalLength = [0, 0, 0, 0];
  /** Each slot's terms, so removing a chunk touches only its own postings. */
  readonly #termsOf = new Map<number, readonly string[]>();
  /** See #lengthNorms; undefined after a change. */
  #norms: Float64Array | undefined;

  get size(): number {
    return this.#slots.size;
  }

  add(chunk: IndexedChunk): void {
    this.remove(chunk.id);
    this.#norms = undefined;
    const slot = this.#free.pop() ?? this.#ids.length;
    this.#ids[slot] = chunk.id;
    this.#slots.set(chunk.id, slot);
    const packed = new Map<string, number>();
    const distinct = new Set<string>();
    FIELDS.forEach((field, f) => {
      distinct.clear();
      const unit = UNIT[f] ?? BODY;
      for (const token of tokenize(chunk[field])) {
        distinct.add(token);
        const term = normalizeTerm(token);
        if (term === null) continue;
        const value = packed.get(term) ?? 0;
        if (f === 3 || tfOf(value, f) < MAX_SHORT_TF) packed.set(term, value + unit);
      }
      // A field's length is its distinct words, stop words included.
      this.#lengths[4 * slot + f] = distinct.size;
      this.#totalLength[f] = (this.#totalLength[f] ?? 0) + distinct.size;
    });
    for (const [word, value] of packed) {
      const term = this.#terms.get(word) ?? { postings: new Map(), chunksPerField: new Int32Array(4) };
      this.#terms.set(word, term);
      term.postings.set(slot, value);
      countFields(term, value, 1);
    }
    this.#termsOf.set(slot, [...packed.keys()]);
  }

  remove(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#norms = undefined;
    for (const word of this.#termsOf.get(slot) ?? []) {
      const term = this.#terms.get(word);
      if (term === undefined) continue;
      countFields(term, term.postings.get(slot) ?? 0, -1);
      term.postings.delete(slot);
      if (term.postings.size === 0) this.#terms.delete(word);
    }
    for (let f = 0; f < 4; f++)
      this.#totalLength[f] = (this.#totalLength[f] ?? 0) - (this.#lengths[4 * slot + f] ?? 0);
    this.#termsOf.delete(slot);
    this.#slots.delete(id);
    this.#ids[slot] = undefined;
    this.#free.push(slot);
  }

  /** Whether a chunk holds the term (`headed`: in its title or headings). */
  has(term: string, headed = false): boolean {
    const counts = this.#terms.get(term)?.chunksPerField;
    return counts !== undefined && (!headed || (counts[0] ?? 0) + (counts[1] ?? 0) > 0);
  }

  together(terms: readonly string[]): boolean {
    const postings = terms.map((term) => this.#terms.get(term)?.postings ?? new Map<number, number>());
    const [rarest, ...others] = postings.sort((a, b) => a.size - b.size);
    return rarest === undefined || [...rarest.keys()].some((slot) => others.every((p) => p.has(slot)));
  }

  /** BM25's inverse document frequency; a term the corpus lacks gets the rarest term's. */
  idf(term: string): number {
    return inverseFrequency(this.#terms.get(term)?.postings.size ?? 0.5, this.size);
  }

  /**
   * BM25 hits for weighted terms, best first: per field, summed, then multiplied by how many of
   * the terms the chunk holds (a chunk with more of the question's words is worth that much more).
   * With `accept` (a metadata filter), rejected chunks are dropped before the best `limit` are
   * taken, as a vector store filters before its nearest-neighbour search rather than after.
   */
  search(terms: ReadonlyMap<string, number>, limit: number, accept?: (id: string) => boolean): IndexHit[] {
    const norms = this.#lengthNorms();
    const scores = new Float64Array(this.#ids.length);
    const matched = new Uint16Array(this.#ids.length);
    const touched: number[] = [];
    for (const [word, weight] of terms) {
      const term = this.#terms.get(word);
      if (term === undefined) continue;
      const fieldIdf = Array.from(
        term.chunksPerField,
        (n, f) => weight * (FIELD_WEIGHT[f] ?? 1) * inverseFrequency(n, this.size),
      );
      for (const [slot, packed] of term.postings) {
        let score = 0;
        for (let f = 0; f < 4; f++) {
          const tf = tfOf(packed, f);
          if (tf > 0)
            score += (fieldIdf[f] ?? 0) * (DELTA + (tf * (K1 + 1)) / (tf + (norms[4 * slot + f] ?? K1)));
        }
        if (matched[slot] === 0) touched.push(slot);
        scores[slot] = (scores[slot] ?? 0) + score;
        matched[slot] = (matched[slot] ?? 0) + 1;
      }
    }
    for (const slot of touched) scores[slot] = (scores[slot] ?? 0) * (matched[slot] ?? 1);
    const hits = accept ? touched.filter((slot) => accept(this.#ids[slot] ?? '')) : touched;
    // Only the best `limit` are sorted: the cut-off is found on a typed copy first.
    const sorted = Float64Array.from(hits, (slot) => scores[slot] ?? 0).sort();
    const cutoff = sorted[Math.max(0, sorted.length - limit)] ?? 0;
    return hits
      .filter((slot) => (scores[slot] ?? 0) >= cutoff)
      .sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0))
      .slice(0, limit)
      .map((slot) => ({
        id: this.#ids[slot] ?? '',
        score: scores[slot] ?? 0,
        has: (word) => this.#terms.get(word)?.postings.has(slot) ?? false,
        inHeading: (word) => (this.#terms.get(word)?.postings.get(slot) ?? 0) % (UNIT[2] ?? 1) > 0,
      }));
  }

  /** K1 times each slot's length normalisation per field, computed once per index change. */
  #lengthNorms(): Float64Array {
    if (this.#norms !== undefined) return this.#norms;
    const norms = new Float64Array(4 * this.#ids.length);
    const average = this.#totalLength.map((total) => total / Math.max(1, this.size) || 1);
    for (let i = 0; i < norms.length; i++) {
      norms[i] = K1 * (1 - B + (B * (this.#lengths[i] ?? 0)) / (average[i % 4] ?? 1));
    }
    this.#norms = norms;
    return norms;
  }
}

function inverseFrequency(chunks: number, total: number): number {
  return Math.log(1 + (total - chunks + 0.5) / (chunks + 0.5));
}

function countFields(term: Term, packed: number, change: number): void {
  const counts = term.chunksPerField;
  if (packed >= BODY) counts[3] = (counts[3] ?? 0) + change;
  const short = packed % BODY;
  for (let f = 0; short > 0 && f < 3; f++) if (tfOf(short, f) > 0) counts[f] = (counts[f] ?? 0) + change;
}
