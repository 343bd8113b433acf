/**
 * Relevance of retrieved chunks to a question, on something sturdier than a raw BM25 score
 * (which grows with corpus statistics and chunk length, and can be high for one rare word shared
 * by accident, like "Paris" in a list of examples).
 *
 * A question is a set of concepts: each content word, with its synonyms, weighted by its IDF so
 * that matching "doc" in a help center about docs counts for little. Words the corpus has never
 * seen ("weather", "recipe") get the highest IDF, so they weigh heavily against a match. The
 * threshold asks how much of that weight the best chunk covers.
 */

export interface QueryConcept {
  /** The word the user wrote (analysed), then its synonyms or spelling correction. */
  readonly terms: readonly [string, ...string[]];
  /** 1 for the current question, less for earlier turns of the session. */
  readonly weight: number;
  /** Written as a name ("Netflix", "iPhone"). */
  readonly isName?: boolean;
  /** Conversational filler ("honestly", "keeps", "talk to"): counts for little either way. */
  readonly isFiller?: boolean;
  /**
   * Vague padding ("all the different things", "kinds of stuff", "various"): weighs as filler
   * when a chunk has it, and nothing when it does not, so it never counts against a match.
   */
  readonly isVague?: boolean;
}

/**
 * What a filler word weighs against a content word of the same IDF. Not zero: "who do we talk
 * to?" alone still says something, and a chunk that has the word is a slightly better match.
 */
export const FILLER_WEIGHT = 0.2;

export interface CorpusStatistics {
  idf(term: string): number;
  isKnown(term: string): boolean;
}

export interface Coverage {
  /** IDF-weighted share of the question's concepts found in the chunk, 0..1. */
  readonly share: number;
  /** The summed IDF of the matched concepts: how specific the overlap is. */
  readonly matchedIdf: number;
  /** IDF-weighted share of the question made of words the corpus has never seen, 0..1. */
  readonly unknownShare: number;
  /** Names in the question the corpus has never seen: the question is about something else. */
  readonly unknownNames: number;
  /** How many of the question's concepts the chunk contains. */
  readonly matchedConcepts: number;
  /** How many of them are content words, not conversational filler. */
  readonly matchedContent?: number;
}

/**
 * The best chunk must cover this share of the question. Below half, because people wrap questions
 * in words no help center uses ("I mistyped my password a bunch of times"); those filler words
 * are unknown to the corpus and so weigh as much as a real topic would.
 */
export const MIN_COVERAGE_SHARE = 0.4;
/**
 * When the chunk shares a single concept with the question, that concept must be most of the
 * question: "the weather in Paris" must not pass on a help page that happens to mention Paris.
 */
export const MIN_SINGLE_CONCEPT_SHARE = 0.5;
/** And the overlap must include something specific, not only words every page uses. */
export const MIN_MATCHED_IDF = 2;
/**
 * Below that share, a question wrapped in unknown words still passes when the chunk has this many
 * of its content words, this specific together, and covers at least this share.
 */
export const MIN_CONTENT_MATCHES = 3;
export const MIN_CONTENT_MATCHED_IDF = 4;
export const MIN_WRAPPED_SHARE = 0.3;

/** Concept IDFs worked out under statistics made by `memoizeStatistics`. */
const CONCEPT_IDF = new WeakMap<CorpusStatistics, WeakMap<QueryConcept, number>>();

/**
 * The same statistics, each term's IDF (and each concept's) worked out once: ranking a hundred
 * candidates sentence by sentence asks for the same few terms thousands of times. For one query
 * at a time: it does not see the index change.
 */
export function memoizeStatistics(stats: CorpusStatistics): CorpusStatistics {
  const idf = new Map<string, number>();
  const known = new Map<string, boolean>();
  const memoized: CorpusStatistics = {
    idf(term) {
      let value = idf.get(term);
      if (value === undefined) {
        value = stats.idf(term);
        idf.set(term, value);
      }
      return value;
    },
    isKnown(term) {
      let value = known.get(term);
      if (value === undefined) {
        value = stats.isKnown(term);
        known.set(term, value);
      }
      return value;
    },
  };
  CONCEPT_IDF.set(memoized, new WeakMap());
  return memoized;
}

/** The IDF a concept carries: its own word's, or (if the corpus lacks it) its commonest synonym's. */
export function conceptIdf(concept: QueryConcept, stats: CorpusStatistics): number {
  const memo = CONCEPT_IDF.get(stats);
  if (memo === undefined) return computeConceptIdf(concept, stats);
  let value = memo.get(concept);
  if (value === undefined) {
    value = computeConceptIdf(concept, stats);
    memo.set(concept, value);
  }
  return value;
}

function computeConceptIdf(concept: QueryConcept, stats: CorpusStatistics): number {
  const [word, ...synonyms] = concept.terms;
  const scale = concept.isFiller || concept.isVague ? FILLER_WEIGHT : 1;
  if (stats.isKnown(word)) return scale * stats.idf(word);
  const known = synonyms.filter((term) => stats.isKnown(term)).map((term) => stats.idf(term));
  return scale * (known.length > 0 ? Math.min(...known) : stats.idf(word));
}

function matches(concept: QueryConcept, terms: ReadonlySet<string>): boolean {
  for (const term of concept.terms) if (terms.has(term)) return true;
  return false;
}

/**
 * What a set of terms that matches a concept earns of its weight: all of it with the word the
 * user wrote, or when the corpus lacks that word (a misspelling, "favourite" where it says
 * "star"); `synonymCredit` with only a synonym of a word the corpus has ("change" for "editable").
 */
function credit(
  concept: QueryConcept,
  terms: ReadonlySet<string>,
  stats: CorpusStatistics,
  synonymCredit: number,
): number {
  if (synonymCredit === 1 || terms.has(concept.terms[0])) return 1;
  return stats.isKnown(concept.terms[0]) ? synonymCredit : 1;
}

export function coverage(
  concepts: readonly QueryConcept[],
  chunkTerms: ReadonlySet<string>,
  stats: CorpusStatistics,
  synonymCredit = 1,
): Coverage {
  let total = 0;
  let matched = 0;
  let unknown = 0;
  let unknownNames = 0;
  let matchedConcepts = 0;
  let matchedContent = 0;
  for (const concept of concepts) {
    const weight = concept.weight * conceptIdf(concept, stats);
    const found = matches(concept, chunkTerms);
    // Vague padding the chunk lacks is not part of what the question asks.
    if (concept.isVague && !found) continue;
    total += weight;
    if (found) {
      matched += weight * credit(concept, chunkTerms, stats, synonymCredit);
      matchedConcepts += 1;
      if (!concept.isFiller && concept.weight >= 1) matchedContent += 1;
    } else if (!concept.terms.some((term) => stats.isKnown(term))) {
      unknown += weight;
      if (concept.isName) unknownNames += 1;
    }
  }
  if (total === 0)
    return { share: 0, matchedIdf: 0, unknownShare: 0, unknownNames, matchedConcepts, matchedContent };
  return {
    share: matched / total,
    matchedIdf: matched,
    unknownShare: unknown / total,
    unknownNames,
    matchedConcepts,
    matchedContent,
  };
}

export function isRelevant(c: Coverage): boolean {
  const minShare = c.matchedConcepts > 1 ? MIN_COVERAGE_SHARE : MIN_SINGLE_CONCEPT_SHARE;
  // A question made only of the corpus's everyday words ("What can Coda AI do?") is specific
  // enough when the chunk has every one of them.
  const specific = c.matchedIdf >= MIN_MATCHED_IDF || (c.share === 1 && c.matchedConcepts > 1);
  if (c.unknownNames > 0 || !specific) return false;
  if (c.share >= minShare) return true;
  // A long, chatty question ("my doc list keeps getting cluttered, how do I keep my favourite
  // docs handy?") has words no help center uses besides its topic; when the chunk still has
  // several of its content words, and specific ones, the topic is there.
  return (
    (c.matchedContent ?? 0) >= MIN_CONTENT_MATCHES &&
    c.matchedIdf >= MIN_CONTENT_MATCHED_IDF &&
    c.share >= MIN_WRAPPED_SHARE
  );
}

/**
 * The best share of the query that one unit of a chunk covers on its own: its title or a single
 * sentence. A chunk whose query words sit together in one sentence ("You'll then see an Installed
 * Packs list") is more likely to answer than one that mentions each word in a different paragraph.
 * `synonymCredit` is what a unit having only a synonym of a word ("format" for "underline") earns.
 */
export function focus(
  concepts: readonly QueryConcept[],
  units: readonly ReadonlySet<string>[],
  stats: CorpusStatistics,
  synonymCredit = 1,
): number {
  // coverage(concepts, unit, stats).share for each unit, with the weights worked out once.
  const weights = concepts.map((concept) => concept.weight * conceptIdf(concept, stats));
  let total = 0;
  concepts.forEach((concept, i) => {
    if (!concept.isVague) total += weights[i] ?? 0;
  });
  let best = 0;
  for (const unit of units) {
    let matched = 0;
    let vague = 0;
    concepts.forEach((concept, i) => {
      if (!matches(concept, unit)) return;
      matched += credit(concept, unit, stats, synonymCredit) * (weights[i] ?? 0);
      if (concept.isVague) vague += weights[i] ?? 0;
    });
    best = Math.max(best, total + vague === 0 ? 0 : matched / (total + vague));
  }
  return best;
}

/** How many terms apart two question words may sit in a chunk and still read as one phrase. */
export const PHRASE_WINDOW = 3;

/**
 * The IDF-weighted share of the question's neighbouring word pairs ("delete … workspace",
 * "Pack buttons") that a chunk has in that order, at most `PHRASE_WINDOW` terms apart, within one
 * sentence or its title. Sharing the words is what coverage measures; sharing how they go
 * together tells "delete a workspace" from "delete icons from the workspace library".
 */
export function proximity(
  allConcepts: readonly QueryConcept[],
  sequences: readonly (readonly string[])[],
  stats: CorpusStatistics,
): number {
  // "the different things Coda AI can do" pairs "Coda AI", not "different things".
  const concepts = allConcepts.some((concept) => concept.isVague)
    ? allConcepts.filter((concept) => !concept.isVague)
    : allConcepts;
  let total = 0;
  let matched = 0;
  for (let i = 0; i + 1 < concepts.length; i += 1) {
    const first = concepts[i];
    const second = concepts[i + 1];
    if (first === undefined || second === undefined) continue;
    const weight = Math.min(conceptIdf(first, stats), conceptIdf(second, stats));
    total += weight;
    if (sequences.some((sequence) => inOrder(first, second, sequence))) matched += weight;
  }
  return total === 0 ? 0 : matched / total;
}

function inOrder(first: QueryConcept, second: QueryConcept, sequence: readonly string[]): boolean {
  for (let i = 0; i < sequence.length; i += 1) {
    if (!first.terms.includes(sequence[i] ?? '')) continue;
    for (let j = i + 1; j <= i + PHRASE_WINDOW && j < sequence.length; j += 1) {
      if (second.terms.includes(sequence[j] ?? '')) return true;
    }
  }
  return false;
}

/**
 * How closely a short unit (an FAQ's question) says what the question says, 0..1: the harmonic
 * mean of the IDF-weighted share of the question it covers and the share of its own words the
 * question has. A heading that names only the topic ("How is a Compose column different from a
 * normal canvas column?" for "what is a compose column?") covers the question and still scores
 * lower than one asking it, because most of it asks something else.
 */
export function similarity(
  concepts: readonly QueryConcept[],
  unit: ReadonlySet<string>,
  stats: CorpusStatistics,
): number {
  const recall = coverage(concepts, unit, stats).share;
  let total = 0;
  let matched = 0;
  for (const term of unit) {
    const idf = stats.idf(term);
    total += idf;
    if (concepts.some((concept) => concept.terms.includes(term))) matched += idf;
  }
  const precision = total === 0 ? 0 : matched / total;
  return recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
}
