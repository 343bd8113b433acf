/**
 * Whether the best chunk is worth answering from, or the knowledge base should decline. Judged on
 * the question's words (idf-weighted) the chunk holds: the share of them, where a word the corpus
 * lacks weighs as much as its rarest, so a question about something else, mostly such words, is
 * declined.
 */
import type { QueryPlan, Vocabulary } from './query-plan.ts';

export interface Judgement {
  /** The idf-weighted share of the judged terms the chunk holds, 0..1. */
  readonly share: number;
  /** The summed idf of the judged terms it holds. */
  readonly matched: number;
}

/** Below this share of the question covered, the chunk is about something else. */
export const MIN_RELEVANT_SHARE = 0.3;

export function judge(plan: QueryPlan, terms: ReadonlySet<string>, vocabulary: Vocabulary): Judgement {
  let total = 0;
  let matched = 0;
  for (const term of plan.judged) {
    const idf = vocabulary.idf(term);
    total += idf;
    if (terms.has(term)) matched += idf;
  }
  return { share: total === 0 ? 0 : matched / total, matched };
}

export function isRelevant(judgement: Judgement): boolean {
  return judgement.share >= MIN_RELEVANT_SHARE;
}
