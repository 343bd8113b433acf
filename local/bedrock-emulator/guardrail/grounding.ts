/**
 * Contextual grounding, lexically: GROUNDING is the share of the response's content words found
 * in the grounding sources; RELEVANCE is twice the share of the query's content words the response
 * contains, capped at 1, because questions carry framing words ("how long does it take") that a
 * relevant answer does not repeat. Bedrock scores both with a model that understands paraphrase; word overlap is an
 * approximation that is strict with paraphrase and lenient with a response that copies its source.
 */
import { contentTerms } from './terms.ts';

export interface GroundingScores {
  readonly grounding: number;
  readonly relevance: number;
}

function share(of: ReadonlySet<string>, within: ReadonlySet<string>): number {
  if (of.size === 0) return 1;
  let found = 0;
  for (const term of of) if (within.has(term)) found++;
  return found / of.size;
}

const round = (score: number): number => Math.round(Math.min(1, score) * 100) / 100;

export function groundingScores(input: {
  readonly sources: readonly string[];
  readonly query: string;
  readonly response: string;
}): GroundingScores {
  const response = contentTerms(input.response);
  const sources = contentTerms(input.sources.join('\n'));
  return {
    grounding: round(share(response, sources)),
    relevance: round(2 * share(contentTerms(input.query), response)),
  };
}
