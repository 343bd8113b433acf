/**
 * The question, analysed once: the terms to rank with and their weights, the terms relevance is
 * judged on, and what kind of answer it asks for. Ranking and generation read the same plan.
 */
import { analyze, normalizeTerm } from './analyzer.ts';
import { expandQuestion, type TermVocabulary, type Thesaurus } from './related-terms.ts';
import { wordNet } from './wordnet.ts';

export interface Vocabulary extends TermVocabulary {
  idf(term: string): number;
  /** Whether one chunk holds all the terms (none: true). */
  together(terms: readonly string[]): boolean;
}

export interface QueryPlan {
  /** Term → weight for ranking: the question's own at 1, earlier turns' (in a follow-up) lower. */
  readonly terms: ReadonlyMap<string, number>;
  /** The question's own terms, with the words the corpus writes as one of two of them. */
  readonly own: ReadonlySet<string>;
  /** A question term → the corpus's one word for it and the next ("log" in "log in" → "login"). */
  readonly joined: ReadonlyMap<string, string>;
  /**
   * The terms an answer must cover: the question's (but a modifier the corpus lacks), and in a
   * follow-up those the corpus uses of the question it follows (its gaps were judged when asked).
   */
  readonly judged: ReadonlySet<string>;
  readonly followUp: boolean;
  /** Capitalised words inside a sentence that the documents never use: names of other things. */
  readonly unknownNames: readonly string[];
  /** It asks how to do something: a procedure answers it. */
  readonly wantsSteps: boolean;
  /** A question term the corpus lacks → corpus terms for the same thing (see related-terms.ts). */
  readonly related: ReadonlyMap<string, ReadonlySet<string>>;
  /** The terms searched for only as another word for one of the question's, at RELATED_WEIGHT. */
  readonly expanded: ReadonlySet<string>;
}

/** What the turns before a follow-up weigh, most recent first: it takes its topic from them, its own words still lead. */
const HISTORY_WEIGHTS = [0.4, 0.2] as const;
/** A question that stands on its own may still continue the conversation: earlier turns break ties. */
const FRESH_HISTORY_WEIGHTS = [0.2] as const;
/** A question with this many known terms or fewer, after earlier turns, leans on them. */
const FOLLOW_UP_MAX_TERMS = 2;
/** Words that point back at what was said before, or ask what follows from it ("will it…"). */
const POINTS_BACK =
  /\b(?:it|its|this|that|these|those|them|they|there|one|ones|same|instead|also|too|again|else|undo)\b|^(?:and|but|so|also|what about|how about|then|ok|okay|will)\b/i;
const ASKS_STEPS =
  /\b(?:how (?:do|can|could|would|should|to|does)|how'?s|steps?|where (?:do|can|is|are)|set ?up|way to)\b|^(?:can|could) (?:i|we|you)\b/i;

/** Another word for a question's word may mean something else in this corpus: the question's own words lead. */
const RELATED_WEIGHT = 0.3;
/**
 * How much a related word stands in for the question's word when judging whether a passage
 * covers the question: it is evidence, not the word asked about.
 */
export const RELATED_CREDIT = 0.5;
/** A capitalised word not opening a sentence: a name. */
const NAME = /(?<![.!?]\s+|^\s*)\b\p{Lu}[\p{Ll}\p{N}]+/gu;
/** Capitalised words in a row name one thing ("Amazon Echo"): unknown unless a chunk holds them together. */
const NAMES = /(?<![.!?]\s+|^\s*)\b\p{Lu}[\p{Ll}\p{N}]+(?:\s+\p{Lu}[\p{Ll}\p{N}]+)+/gu;
/** Such words opening a sentence name a thing too, unless the first is a function word ("How Do"). */
const OPENING_NAMES = /(?<=^\s*|[.!?]\s+)\p{Lu}[\p{Ll}\p{N}]+(?: \p{Lu}[\p{Ll}\p{N}]+)+/gu;
/** An acronym names a format, standard or product ("PDF", "SAML") wherever it stands, unless the whole question shouts. */
const ACRONYM = /\b\p{Lu}{2,5}s?\b/gu;

export function planQuery(
  question: string,
  history: readonly string[],
  vocabulary: Vocabulary,
  thesaurus: Thesaurus = wordNet,
): QueryPlan {
  const own = new Set(analyze(question));
  const known = [...own].filter((term) => vocabulary.has(term));
  const followUp =
    history.length > 0 && (known.length <= FOLLOW_UP_MAX_TERMS || POINTS_BACK.test(question.trim()));
  const { related, modifiers } = expandQuestion(question, vocabulary, thesaurus);
  const judged = new Set([...own].filter((term) => !modifiers.has(term)));
  // A word the corpus writes as one ("login") asked as two ("log in"): searched for too.
  const joined = compounds(question, vocabulary);
  for (const term of joined.values()) own.add(term);
  const terms = new Map([...own].map((term) => [term, 1]));
  const recentFirst = [...history].reverse();
  (followUp ? HISTORY_WEIGHTS : FRESH_HISTORY_WEIGHTS).forEach((weight, i) => {
    for (const term of analyze(recentFirst[i] ?? '')) {
      if (!terms.has(term)) terms.set(term, weight);
      if (i === 0 && followUp && vocabulary.has(term)) judged.add(term);
    }
  });
  const expanded = new Set<string>();
  for (const relatives of related.values()) {
    for (const term of relatives) {
      if (terms.has(term)) continue;
      terms.set(term, RELATED_WEIGHT);
      expanded.add(term);
    }
  }
  const acronyms = /\p{Ll}/u.test(question) ? (question.match(ACRONYM) ?? []) : [];
  const named = question.match(NAME) ?? [];
  // A function word capitalised inside a sentence ("Do", "My"): Title Case, where capitals name nothing.
  const titled = named.some((word) => normalizeTerm(word) === null);
  const opening =
    question.match(OPENING_NAMES)?.filter((name) => normalizeTerm(name.split(' ')[0] ?? '')) ?? [];
  const names = titled ? acronyms : [...named, ...(question.match(NAMES) ?? []), ...opening, ...acronyms];
  const unknownNames = names.filter((name) => !vocabulary.together(analyze(name)));
  const wantsSteps = ASKS_STEPS.test(question);
  return { terms, own, joined, judged, followUp, unknownNames, wantsSteps, related, expanded };
}

/**
 * A content word and the next, with only spaces between, whose join is a corpus term ("log in" →
 * "login"; not "a way", nor "log? In"): each word's term → the join.
 */
function compounds(question: string, vocabulary: Vocabulary): Map<string, string> {
  const found = new Map<string, string>();
  const words = [...question.matchAll(/[\p{L}\p{N}'’]+/gu)];
  words.forEach((word, i) => {
    const next = words[i + 1];
    if (next === undefined || normalizeTerm(word[0]) === null) return;
    if (!/^[ \t]+$/.test(question.slice(word.index + word[0].length, next.index))) return;
    const joined = normalizeTerm(word[0] + next[0]);
    if (joined === null || !vocabulary.has(joined)) return;
    for (const part of [word[0], next[0]].flatMap((w) => normalizeTerm(w) ?? [])) found.set(part, joined);
  });
  return found;
}

/**
 * The idf mass of a term a passage holds: the term's own idf (also when it holds the one word the
 * term was joined into), or RELATED_CREDIT of it through a related word, no more than that word's
 * own idf (a common word says little); 0 when neither.
 */
export function heldMass(
  plan: QueryPlan,
  term: string,
  vocabulary: Pick<Vocabulary, 'idf'>,
  holds: (term: string) => boolean,
): number {
  const idf = vocabulary.idf(term);
  const joined = plan.joined.get(term);
  if (holds(term) || (joined !== undefined && holds(joined))) return idf;
  let best = 0;
  for (const relative of plan.related.get(term) ?? []) {
    if (holds(relative)) best = Math.max(best, RELATED_CREDIT * Math.min(idf, vocabulary.idf(relative)));
  }
  return best;
}
