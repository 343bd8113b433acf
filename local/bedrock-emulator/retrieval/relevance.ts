/**
 * Whether the best chunk is worth answering from, or the knowledge base should decline. Judged on
 * the question's words (idf-weighted) the chunk holds: the share of them, where a word the corpus
 * lacks weighs as much as its rarest, so a question about something else, mostly such words, is
 * declined.
 */
import type { IndexHit } from './chunk-index.ts';
import { heldMass, type QueryPlan, type Vocabulary } from './query-plan.ts';

export interface Judgement {
  /** The idf-weighted share of the judged terms the chunk's title and headings hold, 0..1. */
  readonly headingShare: number;
  /** The idf-weighted share of the judged terms the chunk holds, 0..1. */
  readonly share: number;
  /** The summed idf of the judged terms it holds. */
  readonly matched: number;
}

/** Below this share of the question covered, the chunk is about something else. */
export const MIN_RELEVANT_SHARE = 0.25;
/**
 * A chunk whose title and headings share no word with the question names another topic: words
 * scattered through its body answer only when they cover this much of the question.
 */
const UNHEADED_SHARE = 0.4;

export function judge(plan: QueryPlan, hit: IndexHit, vocabulary: Vocabulary): Judgement {
  let total = 0;
  let matched = 0;
  let headed = 0;
  for (const term of plan.judged) {
    const idf = vocabulary.idf(term);
    total += idf;
    matched += heldMass(plan, term, vocabulary, (t) => hit.has(t));
    headed += heldMass(plan, term, vocabulary, (t) => hit.inHeading(t));
  }
  const of = (mass: number) => (total === 0 ? 0 : mass / total);
  return { share: of(matched), matched, headingShare: of(headed) };
}

/**
 * A name the documents never use ("Zanzibar", "Premium") means the question is about something
 * they do not cover, however many everyday words it shares with them.
 */
export function isRelevant(plan: QueryPlan, judgement: Judgement): boolean {
  if (plan.unknownNames.length > 0) return false;
  const needed = judgement.headingShare > 0 ? MIN_RELEVANT_SHARE : UNHEADED_SHARE;
  return judgement.share >= needed;
}
