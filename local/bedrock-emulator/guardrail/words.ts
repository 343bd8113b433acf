/**
 * The word policy: custom words and phrases, and a local stand-in for AWS's managed PROFANITY list
 * (whose contents AWS does not publish). Matching is by whole word, case-insensitive; profanity also
 * matches its usual disguises: leetspeak ("sh1t"), masking stars ("f*ck") and stretched letters
 * ("fuuuck").
 */
export interface WordMatch {
  /** The text as it appears in the input. */
  readonly match: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Common English profanity (not insults in general: those are the INSULTS content filter's job).
 * A local approximation of the managed list.
 */
export const LOCAL_PROFANITY: readonly string[] = [
  'fuck',
  'fucks',
  'fucking',
  'fucked',
  'fucker',
  'fuckers',
  'motherfucker',
  'motherfucking',
  'fuckin',
  'shit',
  'shits',
  'shitty',
  'bullshit',
  'horseshit',
  'bitch',
  'bitches',
  'bastard',
  'bastards',
  'asshole',
  'assholes',
  'cunt',
  'cunts',
  'dickhead',
  'wanker',
  'twat',
  'prick',
  'goddamn',
  'son of a bitch',
];

/** Leetspeak stand-ins for letters. */
const LEET_FOR_WORDS: Readonly<Record<string, readonly string[]>> = {
  a: ['4', '@'],
  e: ['3'],
  i: ['1', '!'],
  l: ['1'],
  o: ['0'],
  s: ['5', '$'],
  t: ['7'],
};

interface Token {
  /** Lower-cased, as every list pattern expects it. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Words, keeping the characters people use to disguise them (`*`, `@`, `$`, digits). */
function tokens(text: string): Token[] {
  const found: Token[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}*@$!]+(?:['’]\p{L}+)?/gu)) {
    // A trailing "!" is punctuation ("moron!"); inside a word it is a disguised "i" ("sh!t").
    const word = m[0].replace(/!+$/, '');
    if (word.length > 0) found.push({ text: word.toLowerCase(), start: m.index, end: m.index + word.length });
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A regex for one word of a list entry. Exact words match exactly (case aside); disguisable
 * words allow each letter to repeat, to be written in leetspeak, and every letter but the first
 * to be masked with `*`.
 */
function wordPattern(word: string, disguised: boolean): RegExp {
  if (!disguised) return new RegExp(`^${escapeRegExp(word.toLowerCase())}$`, 'u');
  const letters = [...word.toLowerCase()].map((letter, i) => {
    const forms = [escapeRegExp(letter), ...(LEET_FOR_WORDS[letter] ?? []).map(escapeRegExp)];
    if (i > 0) forms.push('\\*');
    return `(?:${forms.join('|')})+`;
  });
  return new RegExp(`^${letters.join('')}$`, 'u');
}

export interface WordList {
  readonly entries: readonly { readonly text: string; readonly patterns: readonly RegExp[] }[];
  /** Any entry's first word: most tokens start no entry, and one test tells so. */
  readonly anyFirstWord: RegExp;
}

export function compileWordList(words: readonly string[], options: { disguised: boolean }): WordList {
  const entries = words.map((text) => ({
    text,
    patterns: text
      .trim()
      .split(/\s+/)
      .map((word) => wordPattern(word, options.disguised)),
  }));
  const firstWords = entries.map((entry) => `(?:${entry.patterns[0]?.source ?? '(?!)'})`);
  // An empty list matches nothing.
  return { entries, anyFirstWord: new RegExp(firstWords.join('|') || '(?!)', 'u') };
}

/** Whether the entry's words match the tokens from `at` on. A plain loop: it runs once per token and entry. */
function matchesAt(patterns: readonly RegExp[], words: readonly Token[], at: number): boolean {
  for (let k = 0; k < patterns.length; k++) {
    if (!patterns[k]?.test(words[at + k]?.text ?? '')) return false;
  }
  return true;
}

/** Every occurrence of a listed word or phrase, as it appears in `text`. */
export function findWords(text: string, list: WordList): WordMatch[] {
  const words = tokens(text);
  const found: WordMatch[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!list.anyFirstWord.test(words[i]?.text ?? '')) continue;
    for (const entry of list.entries) {
      const n = entry.patterns.length;
      if (i + n > words.length) continue;
      if (!matchesAt(entry.patterns, words, i)) continue;
      const first = words[i];
      const last = words[i + n - 1];
      if (first === undefined || last === undefined) continue;
      if (found.some((other) => first.start < other.end && other.start < last.end)) continue;
      found.push({ match: text.slice(first.start, last.end), start: first.start, end: last.end });
    }
  }
  return found;
}
