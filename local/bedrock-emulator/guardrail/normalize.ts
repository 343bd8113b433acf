/**
 * Undoing the cheap disguises people put on words they expect a filter to catch: look-alike and
 * full-width characters, zero-width joiners, leetspeak ("1gn0re"), letters spelt out one by one
 * ("i g n o r e") and base64. Detectors scan every variant; none of this is needed for plain text.
 */

const ZERO_WIDTH = /[\u00AD\u180E\u200B-\u200F\u2060\uFEFF]/g;

/** NFKC (full-width and styled letters become plain), no zero-width characters, lower case. */
export function foldText(text: string): string {
  return text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(/[‘’]/g, "'").toLowerCase();
}

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

/**
 * Reads leetspeak in tokens that mix letters with digits or symbols ("1gn0re" → "ignore",
 * "sh1t" → "shit"); tokens without a letter ("401", "$129.99") are left alone.
 */
export function unleet(text: string): string {
  return text.replace(/[\p{L}\d@$!|]+/gu, (token) => {
    // A trailing "!" is punctuation ("now!"), not a letter.
    const core = token.replace(/[!|]+$/, '');
    if (!/\p{L}/u.test(core) || !/[\d@$!|]/.test(core)) return token;
    return core.replace(/[\d@$!|]/g, (c) => LEET[c] ?? c) + token.slice(core.length);
  });
}

/**
 * Joins letters spelt out one by one: "i g n o r e   a l l" → "ignore all". A single separator
 * joins letters; a longer gap (or a different separator) ends the word.
 */
export function joinSpacedLetters(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])\p{L}(?:([ .\-_*])\p{L}(?![\p{L}\p{N}])){2,}/gu, (run) =>
    run.replace(/[ .\-_*]/g, ''),
  );
}

/**
 * The readable text hidden in base64 segments of at least 16 characters: decoded segments that
 * come out as mostly printable text with spaces. A secret key or an id decodes to noise and is
 * ignored.
 */
export function decodeBase64Segments(text: string): string[] {
  const decoded: string[] = [];
  for (const [segment] of text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)) {
    const bytes = Buffer.from(segment, 'base64');
    if (bytes.length < 8) continue;
    const candidate = bytes.toString('utf8');
    const printable = candidate.replace(/[^\x20-\x7E\n\t]/g, '').length;
    if (printable / candidate.length >= 0.95 && /[a-z]{3,} [a-z]{2,}/i.test(candidate)) {
      decoded.push(candidate);
    }
  }
  return decoded;
}

/** Every reading of the text worth scanning: folded, un-leeted, letters joined, base64 decoded. */
export function textVariants(text: string): string[] {
  const folded = foldText(text);
  const variants = new Set([
    folded,
    unleet(folded),
    joinSpacedLetters(folded),
    joinSpacedLetters(unleet(folded)),
  ]);
  for (const decoded of decodeBase64Segments(text.normalize('NFKC'))) variants.add(foldText(decoded));
  return [...variants];
}
