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
const NUMBERED = /^\d+[.)]\s+/;
/** Verbs help centers open an instruction with ("Click …", "Go to …", "Hover over …"). */
const INSTRUCTION_VERB =
  /^(?:click|tap|go|select|choose|open|type|press|enter|hover|scroll|navigate|search|pick|drag|right[- ]click|toggle|turn|switch|paste|add|remove|delete|set|check|sign|download|upload|install|visit|head|hit|follow|confirm|save|use|create|give|write|fill|copy|find|make|allow|close)\b/i;

/**
 * Whether a sentence is a step of a procedure: a numbered item, or a sentence (bulleted or not)
 * that tells the reader what to do ("Click Upload and select a file.", "To star a doc, hover over
 * its name…").
 */
export function isInstruction(text: string): boolean {
  if (NUMBERED.test(text)) return true;
  const body = text.replace(LIST_MARKER, '');
  return INSTRUCTION_VERB.test(body) || /^to \p{L}+[^,.]{0,60}, /iu.test(body);
}

/** "You can format these values by selecting …", "To do so, just right click …". */
const TELLS_HOW =
  /\b(?:you can|you'll need to|you need to|you will need to|you must|you should)\b[^.!?]{0,120}?\b(?:by|typing|clicking|selecting)\b|^(?:to do so|to do this|simply|just|then)\b/i;

/**
 * Whether a sentence tells the reader how to do something: a step of a procedure, or a sentence
 * that names the means ("You can format these values by selecting the column chip …"). An
 * overview that only lists what a feature can do ("you can reference columns, format text") does
 * not.
 */
export function tellsHow(text: string): boolean {
  const body = text.replace(LIST_MARKER, '');
  return isInstruction(text) || TELLS_HOW.test(body) || conditionalStep(body);
}

/** "Whenever you need to update the summary block, just hover over the block and click …". */
const CONDITION =
  /^(?:when|whenever|if|once|after|anytime|any time)\b[^,.!?]{0,100},\s*(?:just\s+|simply\s+|then\s+)?/i;

/** A step under a condition: the condition names the goal, the imperative after it the means. */
function conditionalStep(text: string): boolean {
  const condition = CONDITION.exec(text);
  return condition !== null && INSTRUCTION_VERB.test(text.slice(condition[0].length));
}

/** Verbs a task section's heading opens with ("Add custom icons", "Convert to editable"). */
const TASK_HEADING =
  /^(?:add|remove|delete|install|uninstall|import|export|request|convert|use|reference|format|get|invite|access|customize|customise|manage|create|edit|share|set|connect|change|cancel|downgrade|upgrade|upload|download|find|enable|disable|move|copy|star|pin|open|sync|build|make|write|run|update|restore|turn)\b/i;

/** Whether a title names a task ("Add a new Compose column") rather than a subject. */
export function isTaskTitle(title: string): boolean {
  return TASK_HEADING.test(title.replace(/^[*_#\s]+/, ''));
}
