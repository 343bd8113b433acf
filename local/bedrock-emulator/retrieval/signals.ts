/**
 * What re-ranks BM25's candidates: a short list of generic signals, each a factor on the BM25
 * score, each with its constant and why. Headings need none of their own: BM25 weighs them as a
 * field (chunk-index.ts). Signals tried and dropped for making no difference on the question sets
 * tuned on: a heading naming the question's words, a procedure for a how-to question.
 */
import type { QueryPlan, Vocabulary } from './query-plan.ts';

/** What the signals read of a chunk, computed once at ingestion. */
export interface ChunkFeatures {
  /** Every term of the chunk, title and headings included. */
  readonly terms: ReadonlySet<string>;
}

/** BM25 sums per-term scores: a chunk repeating one rare word outranks one that has them all. */
const COVERAGE_FLOOR = 0.25;
/** A follow-up asks something new: a chunk with none of its own words answers the last question again. */
const REPEAT_PENALTY = 0.5;

/** The idf-weighted share of `terms` (with their weights) that `has` holds, 0..1. */
export function weightedShare(
  terms: ReadonlyMap<string, number> | ReadonlySet<string>,
  has: ReadonlySet<string>,
  vocabulary: Vocabulary,
): number {
  let total = 0;
  let covered = 0;
  for (const [term, weight] of terms instanceof Map ? terms : [...terms].map((t) => [t, 1] as const)) {
    const mass = weight * vocabulary.idf(term);
    total += mass;
    if (has.has(term)) covered += mass;
  }
  return total === 0 ? 0 : covered / total;
}

export function signalFactor(plan: QueryPlan, chunk: ChunkFeatures, vocabulary: Vocabulary): number {
  const coverage = weightedShare(plan.terms, chunk.terms, vocabulary);
  const repeats = plan.followUp && plan.own.size > 0 && ![...plan.own].some((term) => chunk.terms.has(term));
  return (COVERAGE_FLOOR + coverage) * (repeats ? REPEAT_PENALTY : 1);
}
