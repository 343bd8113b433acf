/**
 * The lexical index behind retrieval: BM25 over chunks (title boosted), plus the document
 * frequencies the relevance threshold and the generator need for IDF weights.
 *
 * The scoring is MiniSearch's (BM25+ with k = 1.2, b = 0.7, d = 0.5, a field's length counted in
 * distinct tokens, averages kept as running means), which the emulator used until a corpus of a
 * few thousand documents made its general-purpose search the bulk of every Retrieve: an OR query
 * over common words matches thousands of chunks, and MiniSearch builds a result object with match
 * details for each. This index keeps flat posting lists per term and field and scores into the
 * chunks' own records, adding the same numbers in the same order, so rankings are unchanged.
 */
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
/** BM25+ parameters (MiniSearch's defaults). */
const K = 1.2;
const B = 0.7;
const D = 0.5;

const TITLE = 0;
const TEXT = 1;
const FIELD_BOOSTS = [TITLE_BOOST, 1] as const;

/** One indexed chunk, and scratch space for the search running over it. */
interface Entry {
  readonly id: string;
  /** Distinct tokens per field (title, text): BM25's field length. */
  readonly lengths: readonly [number, number];
  readonly terms: ReadonlySet<string>;
  /** The postings it appears in, to take it out of their live counts when removed. */
  readonly postings: Posting[];
  alive: boolean;
  /** The search that last matched it, its score and how many query terms it has in that search. */
  search: number;
  score: number;
  matched: number;
  /** The query term last matched, and its score (title and text) so far. */
  term: number;
  termScore: number;
}

/** The chunks a term occurs in within one field, in the order they were added. */
interface Posting {
  entries: Entry[];
  frequencies: number[];
  /** Entries still in the index (removed ones are dropped from the lists when next searched). */
  live: number;
}

interface WordForm {
  readonly form: string;
  readonly term: string;
  /** Order first seen: of equally common corrections, the first seen wins. */
  readonly order: number;
}

export class SearchIndex {
  readonly #entries = new Map<string, Entry>();
  /** Per term, its postings in the title and in the text. */
  readonly #postings = new Map<string, [Posting | undefined, Posting | undefined]>();
  /** Running mean of each field's length over the indexed chunks. */
  readonly #averageLength = [0, 0];
  readonly #documentFrequency = new Map<string, number>();
  /** Every word form seen, with its term, by first letter and length, to correct misspellings. */
  readonly #wordForms = new Map<string, WordForm[]>();
  readonly #knownForms = new Set<string>();
  /** Counters stamping entries with the search and the query term scoring them. */
  #searches = 0;
  #searchTerms = 0;

  get size(): number {
    return this.#entries.size;
  }

  add(chunk: IndexedChunk): void {
    if (this.#entries.has(chunk.id)) throw new Error(`duplicate chunk id ${chunk.id}`);
    const fields = [tokenize(chunk.title), tokenize(chunk.text)] as const;
    const terms = new Set<string>();
    const entry: Entry = {
      id: chunk.id,
      lengths: [new Set(fields[TITLE]).size, new Set(fields[TEXT]).size],
      terms,
      postings: [],
      alive: true,
      search: 0,
      score: 0,
      matched: 0,
      term: 0,
      termScore: 0,
    };
    const count = this.#entries.size;
    this.#entries.set(chunk.id, entry);
    fields.forEach((tokens, field) => {
      // As MiniSearch keeps it, so the scores come out to the same bits.
      this.#averageLength[field] =
        ((this.#averageLength[field] ?? 0) * count + entry.lengths[field as 0 | 1]) / (count + 1);
      const frequencies = new Map<string, number>();
      for (const token of tokens) {
        const term = normalizeTerm(token);
        if (term === null) continue;
        frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
        terms.add(term);
        if (token.length >= MIN_CORRECTABLE_LENGTH - 1) this.#addWordForm(token, term);
      }
      for (const [term, frequency] of frequencies) {
        let byField = this.#postings.get(term);
        if (byField === undefined) {
          byField = [undefined, undefined];
          this.#postings.set(term, byField);
        }
        let posting = byField[field];
        if (posting === undefined) {
          posting = { entries: [], frequencies: [], live: 0 };
          byField[field] = posting;
        }
        posting.entries.push(entry);
        posting.frequencies.push(frequency);
        posting.live += 1;
        entry.postings.push(posting);
      }
    });
    for (const term of terms) this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
  }

  #addWordForm(form: string, term: string): void {
    if (this.#knownForms.has(form)) return;
    this.#knownForms.add(form);
    const key = `${form[0]}${form.length}`;
    const forms = this.#wordForms.get(key) ?? [];
    forms.push({ form, term, order: this.#knownForms.size });
    this.#wordForms.set(key, forms);
  }

  remove(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    entry.alive = false;
    this.#entries.delete(id);
    const count = this.#entries.size + 1;
    entry.lengths.forEach((length, field) => {
      this.#averageLength[field] =
        count === 1 ? 0 : ((this.#averageLength[field] ?? 0) * count - length) / (count - 1);
    });
    for (const posting of entry.postings) posting.live -= 1;
    for (const term of entry.terms) {
      const df = (this.#documentFrequency.get(term) ?? 1) - 1;
      if (df > 0) this.#documentFrequency.set(term, df);
      else {
        this.#documentFrequency.delete(term);
        this.#postings.delete(term);
      }
    }
  }

  /** The analysed terms of a chunk (title and text), for coverage checks. */
  termsOf(id: string): ReadonlySet<string> {
    return this.#entries.get(id)?.terms ?? new Set();
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
    let best: WordForm | undefined;
    // One typo changes the length by one at most, and keeps the first letter.
    for (const length of [word.length - 1, word.length, word.length + 1]) {
      for (const candidate of this.#wordForms.get(`${word[0]}${length}`) ?? []) {
        const { form, term } = candidate;
        if (!this.isKnown(term) || !isOneTypoApart(word, form)) continue;
        // In a short word any other slip makes another word ("shoes", "shows"); a dropped letter
        // ("delet") is still a typo.
        if (word.length < MIN_CORRECTABLE_LENGTH + 1 && form.length !== word.length + 1) continue;
        if (
          best === undefined ||
          this.idf(term) < this.idf(best.term) ||
          (this.idf(term) === this.idf(best.term) && candidate.order < best.order)
        )
          best = candidate;
      }
    }
    return best?.term;
  }

  /**
   * Searches with analysed terms, each weighted (1 for the question, less for earlier turns): the
   * best `limit` chunks by BM25 summed over the terms they have.
   */
  search(weights: ReadonlyMap<string, number>, limit: number): IndexHit[] {
    if (weights.size === 0 || this.size === 0) return [];
    const search = ++this.#searches;
    const matched: Entry[] = [];
    const termMatched: Entry[] = [];
    for (const [term, weight] of weights) {
      const byField = this.#postings.get(term);
      if (byField === undefined) continue;
      const stamp = ++this.#searchTerms;
      termMatched.length = 0;
      for (let field = TITLE; field <= TEXT; field += 1) {
        const posting = byField[field];
        if (posting === undefined || posting.live === 0) continue;
        if (posting.entries.length !== posting.live) compact(posting);
        const idf = Math.log(1 + (this.size - posting.live + 0.5) / (posting.live + 0.5));
        const average = this.#averageLength[field] ?? 0;
        const boost = weight * (FIELD_BOOSTS[field] ?? 1);
        const { entries, frequencies } = posting;
        for (let i = 0; i < entries.length; i += 1) {
          const entry = entries[i] as Entry;
          const tf = frequencies[i] as number;
          const length = entry.lengths[field] as number;
          const score = boost * (idf * (D + (tf * (K + 1)) / (tf + K * (1 - B + (B * length) / average))));
          if (entry.term === stamp) entry.termScore += score;
          else {
            entry.term = stamp;
            entry.termScore = score;
            termMatched.push(entry);
          }
        }
      }
      // A term's title and text parts are added up first, then to the chunk's sum, term by term
      // in query order: the additions MiniSearch makes, in its order.
      for (const entry of termMatched) {
        if (entry.search === search) {
          entry.score += entry.termScore;
          entry.matched += 1;
        } else {
          entry.search = search;
          entry.score = entry.termScore;
          entry.matched = 1;
          matched.push(entry);
        }
      }
    }
    // MiniSearch multiplies a chunk's score by how many query terms it matched, and sorts by that;
    // coverage is judged separately (per concept, synonyms together), so that factor was taken
    // back out and the hits sorted again. Both sorts were stable: ties go by the multiplied score,
    // then by which chunk matched first. Only the best `limit` are kept, in that order.
    const best: { id: string; score: number; weighted: number }[] = [];
    for (const entry of matched) {
      const weighted = entry.score * entry.matched;
      const score = weighted / entry.matched;
      const last = best.at(-1);
      if (best.length >= limit && (last === undefined || !ranksAbove(score, weighted, last))) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (ranksAbove(score, weighted, best[middle] as { score: number; weighted: number })) high = middle;
        else low = middle + 1;
      }
      best.splice(low, 0, { id: entry.id, score, weighted });
      if (best.length > limit) best.pop();
    }
    return best.map(({ id, score }) => ({ id, score }));
  }
}

/** Whether a later hit goes before an earlier one: a higher score, or the same and a higher weighted one. */
function ranksAbove(score: number, weighted: number, other: { score: number; weighted: number }): boolean {
  return score > other.score || (score === other.score && weighted > other.weighted);
}

/** Drops removed chunks from a posting list, keeping the order of the others. */
function compact(posting: Posting): void {
  let kept = 0;
  for (let i = 0; i < posting.entries.length; i += 1) {
    const entry = posting.entries[i] as Entry;
    if (!entry.alive) continue;
    posting.entries[kept] = entry;
    posting.frequencies[kept] = posting.frequencies[i] as number;
    kept += 1;
  }
  posting.entries.length = kept;
  posting.frequencies.length = kept;
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
