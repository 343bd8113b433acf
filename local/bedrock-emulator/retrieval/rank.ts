/**
 * Ranking: BM25 candidates from the index, re-ranked by a short list of generic signals (each a
 * factor on the BM25 score, with its constant and why), then marked relevant or not. Headings need
 * no signal of their own: BM25 weighs them as a field (chunk-index.ts).
 */
import type { ChunkIndex, IndexHit } from './chunk-index.ts';
import { heldMass, type QueryPlan, type Vocabulary } from './query-plan.ts';
import { isRelevant, type Judgement, judge } from './relevance.ts';

export interface RankedChunk {
  readonly id: string;
  /** 0..1, what Retrieve reports: the rank relative to the best hit. */
  readonly score: number;
  /** Worth answering from: it covers the question and ranks close to the best. */
  readonly relevant: boolean;
  readonly judgement: Judgement;
}

/** How many BM25 hits are re-ranked: more than any numberOfResults a caller sensibly asks for. */
const CANDIDATES = 100;
/** A hit below the best may be answered from only when it ranks at least this close to it. */
const CLOSE_RANK = 0.3;
/** BM25 sums per-term scores: a chunk repeating one rare word outranks one that has them all. */
const COVERAGE_FLOOR = 0.25;
/** A follow-up asks something new: a chunk with none of its own words answers the last question again. */
const REPEAT_PENALTY = 0.5;
/** A follow-up continues the topic asked about before: a section headed by it, up to this much more. */
const TOPIC_BONUS = 0.5;

/** `accept`: a metadata filter over chunk ids; only accepted chunks become candidates. */
export function rankChunks(
  plan: QueryPlan,
  index: ChunkIndex,
  limit: number,
  accept?: (id: string) => boolean,
): RankedChunk[] {
  const ranked = index
    .search(plan.terms, CANDIDATES, accept)
    .map((hit) => ({ hit, rank: hit.score * signalFactor(plan, hit, index) }))
    .sort((a, b) => b.rank - a.rank)
    .slice(0, limit);
  const best = ranked[0]?.rank || 1;
  return ranked.map(({ hit, rank }, i) => {
    const judgement = judge(plan, hit, index);
    return {
      id: hit.id,
      score: Number((rank / best).toFixed(4)),
      relevant: (i === 0 || rank >= CLOSE_RANK * best) && isRelevant(plan, judgement),
      judgement,
    };
  });
}

/** The idf-weighted share of the question a chunk covers; a follow-up's repeat penalty and topic bonus. */
function signalFactor(plan: QueryPlan, hit: IndexHit, vocabulary: Vocabulary): number {
  let total = 0;
  let covered = 0;
  let topic = 0;
  let headed = 0;
  for (const [term, weight] of plan.terms) {
    // A related word is counted with the word it stands in for, not as one more word to cover.
    if (plan.expanded.has(term)) continue;
    total += weight * vocabulary.idf(term);
    covered += weight * heldMass(plan, term, vocabulary, (t) => hit.has(t));
    if (plan.own.has(term)) continue;
    topic += vocabulary.idf(term);
    headed += hit.inHeading(term) ? vocabulary.idf(term) : 0;
  }
  const coverage = total === 0 ? 0 : covered / total;
  const repeats =
    plan.followUp &&
    plan.own.size > 0 &&
    ![...plan.own].some((term) => heldMass(plan, term, vocabulary, (t) => hit.has(t)) > 0);
  const onTopic = plan.followUp && topic > 0 ? 1 + (TOPIC_BONUS * headed) / topic : 1;
  return (COVERAGE_FLOOR + coverage) * (repeats ? REPEAT_PENALTY : 1) * onTopic;
}
