/**
 * Sentence segmentation with exact offsets. Extracted text keeps one block (paragraph, list item,
 * heading) per line, so a line break always ends a sentence; inside a line, a sentence ends at
 * `.`, `!` or `?` followed by a space and something that can start a sentence.
 */

export interface Sentence {
  /** Offset of the first character in the text that was split. */
  readonly start: number;
  /** Offset just past the last character (exclusive), so `text.slice(start, end)` is the sentence. */
  readonly end: number;
  readonly text: string;
  /** Zero-based index of the line the sentence sits on. */
  readonly line: number;
}

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'etc',
  'vs',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'no',
  'approx',
  'fig',
]);

/** A terminator, optional closing quotes/brackets, whitespace, then a plausible sentence start. */
const BOUNDARY = /[.!?]+["'”’)\]]*(?=\s+["'“‘([]?[\p{Lu}\p{N}])/gu;

export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let lineStart = 0;
  let line = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    splitLine(text, lineStart, lineEnd, line, sentences);
    if (newline === -1) break;
    lineStart = newline + 1;
    line += 1;
  }
  return sentences;
}

function splitLine(text: string, from: number, to: number, line: number, out: Sentence[]): void {
  const lineText = text.slice(from, to);
  let cursor = 0;
  BOUNDARY.lastIndex = 0;
  for (let match = BOUNDARY.exec(lineText); match !== null; match = BOUNDARY.exec(lineText)) {
    const end = match.index + match[0].length;
    if (isFalseBoundary(lineText.slice(cursor, match.index + 1))) continue;
    push(text, from + cursor, from + end, line, out);
    cursor = end;
  }
  push(text, from + cursor, to, line, out);
}

/** "1." opening a numbered step, or an abbreviation such as "e.g.", does not end a sentence. */
function isFalseBoundary(candidate: string): boolean {
  const trimmed = candidate.trim();
  if (/^\d+[.)]$/.test(trimmed)) return true;
  const lastWord = /(\S+)\.$/.exec(trimmed)?.[1]?.toLowerCase();
  return lastWord !== undefined && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord));
}

function push(text: string, start: number, end: number, line: number, out: Sentence[]): void {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s] ?? '')) s += 1;
  while (e > s && /\s/.test(text[e - 1] ?? '')) e -= 1;
  if (e > s) out.push({ start: s, end: e, text: text.slice(s, e), line });
}

/** A list item's marker: `1.`, `1)`, `-`, `*` or `•`, then a space. */
export const LIST_MARKER = /^(?:[-*•]|\d+[.)])\s+/;
