/**
 * Text → index terms, the same for chunks at ingestion and questions at query time: lower-cased
 * words, English function words and the words questions are wrapped in dropped, Porter-stemmed
 * (the `stemmer` package), so "installing" and "installed" meet on one term.
 */
import { stemmer } from 'stemmer';

/**
 * Function words, and the wrapping of a question ("how do I", "can you please", "ASAP", a time's
 * "PM"): no topic, and no unknown acronym to decline for. Not "sort": a customer sorts tables far
 * more often than asking for a sort of something.
 */
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below
  between both but by can could did do does doing down during each few for from further had has have
  having he her here hers him his how i if in into is it its itself just me more most my myself no nor
  not of off on once only or other our ours out over own same she should so some such than that the
  their theirs them then there these they this those through to too under until up very was we were
  what when where which while who whom why will with would you your yours also may might must shall
  us via yet etc please thanks thank hi hello hey ok okay like want wanna need tell know anyone
  anything something someone thing things way really actually maybe even still ever much get got
  getting many lot lots now whole kind stuff basically exactly simply anyway somehow instead
  let lets im ive id dont doesnt cant isnt wont didnt youre theres whats hows pm asap fyi btw imo tbh`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Stemming is most of the cost of indexing, and a corpus repeats the same few thousand words. */
const termCache = new Map<string, string | null>();
/** Bounds the cache (a corpus with more distinct words only stems some of them twice). */
const MAX_CACHED_TERMS = 200_000;

/** A token's term, or null for a stop word. Apostrophes go first: "don't" is "dont". */
export function normalizeTerm(token: string): string | null {
  const cached = termCache.get(token);
  if (cached !== undefined) return cached;
  const word = token.toLowerCase().replace(/['’]/g, '');
  const term =
    word.length === 0 || STOP_WORDS.has(word) ? null : /^\p{N}+$/u.test(word) ? word : stemmer(word);
  if (termCache.size >= MAX_CACHED_TERMS) termCache.clear();
  termCache.set(token, term);
  return term;
}

export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = normalizeTerm(token);
    if (term !== null) terms.push(term);
  }
  return terms;
}
