/**
 * What re-ranks BM25's candidates: a short list of generic signals, each a factor on the BM25
 * score, each with its constant and why. Headings need none of their own: BM25 weighs them as a
 * field (chunk-index.ts). Signals tried and dropped for making no difference on the question sets
 * tuned on: a heading naming the question's words, a procedure for a how-to question.
 */
import type { IndexHit } from './chunk-index.ts';
import { heldMass, type QueryPlan, type Vocabulary } from './query-plan.ts';

/** BM25 sums per-term scores: a chunk repeating one rare word outranks one that has them all. */
const COVERAGE_FLOOR = 0.25;
/** A follow-up asks something new: a chunk with none of its own words answers the last question again. */
const REPEAT_PENALTY = 0.5;

export function signalFactor(plan: QueryPlan, hit: IndexHit, vocabulary: Vocabulary): number {
  let total = 0;
  let covered = 0;
  for (const [term, weight] of plan.terms) {
    // A related word is counted with the word it stands in for, not as one more word to cover.
    if (plan.expanded.has(term)) continue;
    total += weight * vocabulary.idf(term);
    covered += weight * heldMass(plan, term, vocabulary, (t) => hit.has(t));
  }
  const coverage = total === 0 ? 0 : covered / total;
  const repeats =
    plan.followUp &&
    plan.own.size > 0 &&
    ![...plan.own].some((term) => heldMass(plan, term, vocabulary, (t) => hit.has(t)) > 0);
  return (COVERAGE_FLOOR + coverage) * (repeats ? REPEAT_PENALTY : 1);
}
