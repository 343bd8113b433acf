/**
 * Decides whether a retrieved chunk is relevant enough to answer from. A raw BM25 score is no
 * good for that: it grows with corpus statistics and chunk length, and a single rare word shared
 * by accident ("Paris" in an example list) can score high. Instead the test asks how much of the
 * question the chunk covers: the share of the question's content terms it contains, each term
 * weighted by its IDF, so that matching "doc" in a help center about docs counts for little and
 * a term the corpus has never seen ("weather") weighs heavily against the match.
 */

export interface Coverage {
  /** IDF-weighted share of the question's terms found in the chunk, 0..1. */
  readonly share: number;
  /** The summed IDF of the matched terms: how specific the overlap is. */
  readonly matchedIdf: number;
}

/** More than half of the question (by IDF weight) must be found in the chunk. */
export const MIN_COVERAGE_SHARE = 0.5;
/**
 * And the overlap must include something specific: about one term that occurs in a handful of
 * chunks (IDF ≈ 2), not only words every page uses.
 */
export const MIN_MATCHED_IDF = 2;

export function coverage(
  questionTerms: Iterable<string>,
  chunkTerms: ReadonlySet<string>,
  idf: (term: string) => number,
): Coverage {
  let total = 0;
  let matched = 0;
  for (const term of new Set(questionTerms)) {
    const weight = idf(term);
    total += weight;
    if (chunkTerms.has(term)) matched += weight;
  }
  return { share: total === 0 ? 0 : matched / total, matchedIdf: matched };
}

export function isRelevant(c: Coverage): boolean {
  return c.share >= MIN_COVERAGE_SHARE && c.matchedIdf >= MIN_MATCHED_IDF;
}

/**
 * The best share of the (weighted) query that a single passage unit covers: the title, or a
 * sentence together with its neighbour. A chunk whose query terms sit together in one sentence
 * ("You'll see an Installed Packs list") is more likely to answer than one that mentions each
 * term in a different paragraph.
 */
export function focus(
  weights: ReadonlyMap<string, number>,
  units: readonly ReadonlySet<string>[],
  idf: (term: string) => number,
): number {
  let total = 0;
  for (const [term, weight] of weights) total += weight * idf(term);
  if (total === 0) return 0;
  let best = 0;
  for (let i = 0; i < units.length; i += 1) {
    const here = units[i] ?? new Set<string>();
    const next = Number(process.env.WIN ?? 2) === 2 ? (units[i + 1] ?? new Set<string>()) : new Set<string>();
    let matched = 0;
    for (const [term, weight] of weights) if (here.has(term) || next.has(term)) matched += weight * idf(term);
    best = Math.max(best, matched / total);
  }
  return best;
}
