/**
 * The emulator's reranker: a second opinion on passages already retrieved, as Bedrock's rerank
 * models give one, served by `Rerank` and by `rerankingConfiguration` on retrieval.
 *
 * It scores a passage on its own, not against the whole corpus the way the first stage's BM25
 * does: how much of the question it covers (each question term weighted by how rare it is among
 * the passages being reranked) and how close together it holds those terms (the shortest stretch
 * of its words containing every question term it has). A passage naming the question's words
 * together outranks one that repeats a single rare word, whatever their lengths; term frequency
 * does not count at all. Scores are 0..1, deterministic, comparable within one call.
 */
import { analyze } from './analyzer.ts';

/** How much proximity can move a score: coverage leads, proximity orders passages covering alike. */
const PROXIMITY_SHARE = 0.4;

/**
 * What the reranker reads of a passage: its text, and optionally metadata (`key: value` lines),
 * which count towards coverage but not proximity (they are not prose: their words stand nowhere
 * near the text's).
 */
export type RerankDocument = string | { readonly text: string; readonly metadata: string };

/** One score per document, in the documents' order. */
export function rerankScores(query: string, documents: readonly RerankDocument[]): number[] {
  const queryTerms = [...new Set(analyze(query))];
  if (queryTerms.length === 0) return documents.map(() => 0);
  const analysed = documents.map((document) =>
    typeof document === 'string'
      ? { text: analyze(document), metadata: [] }
      : { text: analyze(document.text), metadata: analyze(document.metadata) },
  );
  const weight = rarityWeights(
    queryTerms,
    analysed.map(({ text, metadata }) => [...text, ...metadata]),
  );
  const total = queryTerms.reduce((sum, term) => sum + (weight.get(term) ?? 0), 0);
  return analysed.map(({ text, metadata }) => {
    const held = new Set([...text, ...metadata]);
    const present = queryTerms.filter((term) => held.has(term));
    const inText = new Set(text);
    const coverage = present.reduce((sum, term) => sum + (weight.get(term) ?? 0), 0) / total;
    const near = proximity(
      text,
      present.filter((term) => inText.has(term)),
    );
    return Number((coverage * (1 - PROXIMITY_SHARE + PROXIMITY_SHARE * near)).toFixed(6));
  });
}

/** Indexes of `documents`, best first (ties keep their input order), with their scores. */
export function rerank(
  query: string,
  documents: readonly RerankDocument[],
): { readonly index: number; readonly relevanceScore: number }[] {
  return rerankScores(query, documents)
    .map((relevanceScore, index) => ({ index, relevanceScore }))
    .sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
}

/** Rarer among the passages weighs more (BM25's idf, always positive). */
function rarityWeights(queryTerms: readonly string[], analysed: readonly string[][]): Map<string, number> {
  const sets = analysed.map((terms) => new Set(terms));
  const n = analysed.length;
  return new Map(
    queryTerms.map((term) => {
      const df = sets.filter((set) => set.has(term)).length;
      return [term, Math.log(1 + (n - df + 0.5) / (df + 0.5))];
    }),
  );
}

/**
 * 1 when the passage's question terms stand side by side, falling as the shortest stretch of the
 * passage holding all of them grows (`k / length` for `k` terms); 1 for a single term, 0 for none.
 */
export function proximity(terms: readonly string[], present: readonly string[]): number {
  const k = present.length;
  if (k <= 1) return k;
  const wanted = new Set(present);
  const inWindow = new Map<string, number>();
  let best = Number.POSITIVE_INFINITY;
  let start = 0;
  for (let end = 0; end < terms.length; end++) {
    const term = terms[end] as string;
    if (wanted.has(term)) inWindow.set(term, (inWindow.get(term) ?? 0) + 1);
    while (inWindow.size === k) {
      best = Math.min(best, end - start + 1);
      const first = terms[start] as string;
      const count = inWindow.get(first) ?? 0;
      if (count === 1) inWindow.delete(first);
      else if (count > 1) inWindow.set(first, count - 1);
      start++;
    }
  }
  return Number.isFinite(best) ? k / best : 0;
}
