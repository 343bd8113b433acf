/**
 * Words → stemmed terms for the guardrail's lexical scoring (denied topics, contextual grounding).
 * Kept apart from the retrieval analyzer on purpose: the guardrail's behaviour must not shift when
 * retrieval tuning changes its stop words.
 */
import { stemmer } from 'stemmer';
import { rememberLast } from './remember-last.ts';

/** Function words and the words people wrap questions in; they carry no topic. */
const STOP_WORDS = new Set(
  `a about above after again all also am an and any are as at be because been before being between both
  but by can could did do does doing for from had has have having he her here him his how i if in into is
  it its just me more most my no nor not of off on once only or other our out over own same she so some
  such than that the their them then there these they this those through to too under until up very was
  we were what when where whether which while who whom why will with would you your yours etc please thanks hi
  hello hey ok okay like want tell know anyone anything something thing things way really actually maybe
  think let us get got much many lot`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

export function stem(word: string): string {
  return stemmer(word.toLowerCase());
}

export interface Word {
  /** As written, without a trailing "'s". */
  readonly text: string;
  readonly stem: string;
  readonly start: number;
}

/** The content words of a text, in order, with their stems and positions. */
export const words = rememberLast((text: string): readonly Word[] =>
  [...text.matchAll(/[\p{L}\p{N}]+(?:['’]\p{L}+)?/gu)]
    .map((m) => ({ text: m[0].replace(/['’]\p{L}+$/u, ''), start: m.index }))
    .filter((w) => w.text.length > 0 && !STOP_WORDS.has(w.text.toLowerCase()))
    .map((w) => ({ ...w, stem: stem(w.text) })),
);

/** The distinct stems of a text's content words. */
export function contentTerms(text: string): Set<string> {
  return new Set(words(text).map((w) => w.stem));
}
