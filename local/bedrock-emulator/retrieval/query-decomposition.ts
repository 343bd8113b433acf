/**
 * QUERY_DECOMPOSITION (`orchestrationConfiguration.queryTransformationConfiguration`): Bedrock asks
 * a model to split a compound question into simpler ones and retrieves for each. The emulator
 * splits where the wording does — between questions, at semicolons, and at "and"/"also" joining
 * two clauses that each name something (two content words or more) — and retrieves for the whole
 * question and for each part, taking their best chunks in turn.
 */
import { analyze } from './analyzer.ts';

/** Content words a part needs to be a question of its own rather than a fragment. */
const MIN_PART_TERMS = 2;
/** A model asked to decompose returns a handful of sub-questions, not one per word. */
const MAX_PARTS = 5;

/** The question's parts, or none when it does not split into two or more that stand alone. */
export function decomposeQuestion(question: string): string[] {
  const pieces = question
    .split(/(?<=\?)\s+|;\s*|\s+(?:and also|and|also)\s+/i)
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
  const parts: string[] = [];
  for (const piece of pieces) {
    // A fragment ("and when?") belongs to the part before it.
    if (analyze(piece).length < MIN_PART_TERMS && parts.length > 0) parts[parts.length - 1] += ` ${piece}`;
    else parts.push(piece);
  }
  const standalone = parts.filter((part) => analyze(part).length >= MIN_PART_TERMS);
  return standalone.length >= 2 ? standalone.slice(0, MAX_PARTS) : [];
}

/** Round-robin over ranked lists, each item once (by `key`), at most `limit`. */
export function interleave<T>(
  lists: readonly (readonly T[])[],
  key: (item: T) => string,
  limit: number,
): T[] {
  const seen = new Set<string>();
  const picked: T[] = [];
  for (let i = 0; picked.length < limit && lists.some((list) => i < list.length); i++) {
    for (const item of lists.flatMap((list) => list.slice(i, i + 1))) {
      if (picked.length < limit && !seen.has(key(item)) && seen.add(key(item))) picked.push(item);
    }
  }
  return picked;
}
