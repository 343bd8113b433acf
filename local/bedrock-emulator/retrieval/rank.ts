/**
 * Ranking: BM25 candidates from the index, re-ranked by the signals, then marked relevant or not.
 */
import type { ChunkIndex } from './chunk-index.ts';
import type { QueryPlan } from './query-plan.ts';
import { isRelevant, type Judgement, judge } from './relevance.ts';
import { signalFactor } from './signals.ts';

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
