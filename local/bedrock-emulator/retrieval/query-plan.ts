/**
 * The question, analysed once: the terms to rank with and their weights, the terms relevance is
 * judged on, and what kind of answer it asks for. Ranking and generation read the same plan.
 */
import { analyze } from './analyzer.ts';

export interface Vocabulary {
  has(term: string): boolean;
  idf(term: string): number;
  /** The known term one edit away, if any. */
  nearest(term: string): string | undefined;
}

export interface QueryPlan {
  /** Term → weight for ranking: the question's own at 1, earlier turns' (in a follow-up) lower. */
  readonly terms: ReadonlyMap<string, number>;
  /** The question's own terms. */
  readonly own: ReadonlySet<string>;
  /** The terms an answer must cover: the question's, and in a follow-up the question it follows. */
  readonly judged: ReadonlySet<string>;
  readonly followUp: boolean;
  /** Capitalised words inside a sentence that the documents never use: names of other things. */
  readonly unknownNames: readonly string[];
  /** It asks how to do something: a procedure answers it. */
  readonly wantsSteps: boolean;
}

/** What the turns before a follow-up weigh, most recent first: it takes its topic from them, its own words still lead. */
const HISTORY_WEIGHTS = [0.4, 0.2] as const;
/** A question that stands on its own may still continue the conversation: earlier turns break ties. */
const FRESH_HISTORY_WEIGHTS = [0.2] as const;
/** A question with this many known terms or fewer, after earlier turns, leans on them. */
const FOLLOW_UP_MAX_TERMS = 2;
/** Words that point back at what was said before. */
const POINTS_BACK =
  /\b(?:it|its|this|that|these|those|them|they|there|one|ones|same|instead|also|too|again|else|undo)\b|^(?:and|but|so|also|what about|how about|then|ok|okay)\b/i;
const ASKS_STEPS =
  /\b(?:how (?:do|can|could|would|should|to|does)|how'?s|steps?|where (?:do|can|is|are)|set ?up|way to)\b|^(?:can|could) (?:i|we|you)\b/i;

/**
 * Words this long that the corpus lacks may be a one-letter misspelling of one it has: that word
 * is searched for too, weighing less (it may be another word), and relevance is still judged on
 * the word as written.
 */
const MIN_CORRECTED_LENGTH = 5;
const MISSPELT_WEIGHT = 0.6;
/** A capitalised word not opening a sentence: a name. */
const NAME = /(?<![.!?]\s+|^\s*)\b\p{Lu}[\p{Ll}\p{N}]+/gu;

export function planQuery(question: string, history: readonly string[], vocabulary: Vocabulary): QueryPlan {
  const own = new Set(analyze(question));
  const known = [...own].filter((term) => vocabulary.has(term));
  const followUp =
    history.length > 0 && (known.length <= FOLLOW_UP_MAX_TERMS || POINTS_BACK.test(question.trim()));
  const terms = new Map([...own].map((term) => [term, 1]));
  const judged = new Set(own);
  const recentFirst = [...history].reverse();
  (followUp ? HISTORY_WEIGHTS : FRESH_HISTORY_WEIGHTS).forEach((weight, i) => {
    for (const term of analyze(recentFirst[i] ?? '')) {
      if (!terms.has(term)) terms.set(term, weight);
      if (i === 0 && followUp) judged.add(term);
    }
  });
  for (const [term, weight] of [...terms]) {
    const nearest =
      term.length < MIN_CORRECTED_LENGTH || vocabulary.has(term) ? undefined : vocabulary.nearest(term);
    if (nearest !== undefined && !terms.has(nearest)) terms.set(nearest, MISSPELT_WEIGHT * weight);
  }
  const unknownNames = (question.match(NAME) ?? []).filter((name) =>
    analyze(name).some((term) => !vocabulary.has(term)),
  );
  return { terms, own, judged, followUp, unknownNames, wantsSteps: ASKS_STEPS.test(question) };
}
