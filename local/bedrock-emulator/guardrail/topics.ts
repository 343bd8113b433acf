/**
 * Denied topics, scored by what a question shares with the topic's own words: its name, its
 * definition and its examples (the same fields Bedrock's topic classifier is given).
 *
 * Each content word of the topic becomes a stemmed term with a weight:
 * - 1 for a specific word ("stock", "bitcoin"), 0.5 for a word that support questions use all the
 *   time in another sense (buy, price, share, index, good, now, recommend...: see `AMBIGUOUS`),
 *   except a verb whose plural noun the topic uses ("sell my shares", not "share a report");
 * - ×1.5 when the word recurs across the definition and examples, ×1.5 again when it is in the name.
 *
 * A text is on the topic when its distinct matching terms weigh at least {@link TOPIC_THRESHOLD},
 * with at least two terms and at least one specific one: a single word is never a topic. Two
 * readings do not count: a topic word whose object is time or effort ("invest time in setting up
 * workflows"), and a capitalised topic word naming a product ("our Investment plan tier").
 *
 * An approximation of a managed classifier that understands paraphrase: it only knows the words
 * the topic's definition and examples use, so those should name the vocabulary of the topic.
 */
import { stem, words } from './terms.ts';

export const TOPIC_THRESHOLD = 1.75;

/**
 * Words a support question uses in their everyday sense ("buy more seats", "the price of the
 * Business plan", "share a report"...): they count half.
 */
const AMBIGUOUS = new Set(
  `buy sell hold price pay money good best better right now time next year month week day today should
  recommend recommendation suggest advice split move put go make plan return value worth cost
  cheap expensive rate grow growth long short term high low new share index asset`
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .map(stem),
);

/**
 * Ambiguous words that are verbs in support questions ("share a report") but nouns on the topic
 * ("sell my shares"): their plural noun, when the topic uses it, counts as a specific word.
 */
const NOUN_WHEN_PLURAL = new Set(['share'].map(stem));

/** Objects that make "invest", "spend" and the like figurative. */
const FIGURATIVE_OBJECTS = new Set(
  'time effort energy hours days minutes attention resources thought'.split(' ').map(stem),
);

/** Nouns that make a capitalised word before them a product name ("Investment plan"). */
const PRODUCT_NOUNS = new Set(
  'plan tier package edition feature module add-on bundle workspace option subscription'.split(' ').map(stem),
);

/**
 * A topic's words, without numbers and single letters: "401(k)" and "S&P 500" leave "401", "k",
 * "s", "p" and "500", which in a support question are error codes and noise.
 */
function topicWords(text: string) {
  return words(text).filter((w) => w.text.length > 1 && !/^\p{N}+$/u.test(w.text));
}

export interface TopicModel {
  readonly name: string;
  /** Stemmed term → weight. */
  readonly terms: ReadonlyMap<string, number>;
  /** Plural nouns of ambiguous terms, as the topic writes them ("shares") → their weight as specific words. */
  readonly nouns: ReadonlyMap<string, number>;
}

export function buildTopicModel(topic: {
  readonly name: string;
  readonly definition: string;
  readonly examples?: readonly string[];
}): TopicModel {
  const sentences = [topic.definition, ...(topic.examples ?? [])];
  const nameStems = new Set(topicWords(topic.name).map((w) => w.stem));
  const occurrences = new Map<string, number>();
  for (const sentence of [topic.name, ...sentences]) {
    for (const s of new Set(topicWords(sentence).map((w) => w.stem)))
      occurrences.set(s, (occurrences.get(s) ?? 0) + 1);
  }
  const weigh = (s: string, base: number) => {
    let weight = base;
    if ((occurrences.get(s) ?? 0) - (nameStems.has(s) ? 1 : 0) >= 2) weight *= 1.5;
    if (nameStems.has(s)) weight *= 1.5;
    return weight;
  };
  const terms = new Map<string, number>();
  for (const s of occurrences.keys()) terms.set(s, weigh(s, AMBIGUOUS.has(s) ? 0.5 : 1));
  const nouns = new Map<string, number>();
  for (const sentence of [topic.name, ...sentences]) {
    for (const w of topicWords(sentence)) {
      const plural = w.text.toLowerCase();
      if (NOUN_WHEN_PLURAL.has(w.stem) && plural.endsWith('s')) nouns.set(plural, weigh(w.stem, 1));
    }
  }
  return { name: topic.name, terms, nouns };
}

export interface TopicScore {
  readonly score: number;
  /** The topic terms the text contains, stemmed. */
  readonly matched: readonly string[];
  readonly detected: boolean;
}

function startsSentence(text: string, index: number): boolean {
  const before = text.slice(0, index).replace(/["'“‘(\s]+$/u, '');
  return before.length === 0 || /[.!?:;]$/.test(before);
}

export function scoreTopic(model: TopicModel, text: string): TopicScore {
  const input = words(text);
  const matched = new Map<string, number>();
  const specific = new Set<string>();
  input.forEach((word, i) => {
    const noun = model.nouns.get(word.text.toLowerCase());
    const weight = noun ?? model.terms.get(word.stem);
    if (weight === undefined) return;
    const next = input[i + 1];
    if (next !== undefined && FIGURATIVE_OBJECTS.has(next.stem)) return;
    const capitalised = /^\p{Lu}/u.test(word.text) && !startsSentence(text, word.start);
    if (capitalised && next !== undefined && PRODUCT_NOUNS.has(next.stem)) return;
    matched.set(word.stem, Math.max(matched.get(word.stem) ?? 0, weight));
    if (noun !== undefined || !AMBIGUOUS.has(word.stem)) specific.add(word.stem);
  });
  let score = 0;
  for (const weight of matched.values()) score += weight;
  return {
    score,
    matched: [...matched.keys()],
    detected: score >= TOPIC_THRESHOLD && matched.size >= 2 && specific.size > 0,
  };
}
