/**
 * The extractive generator: answers with verbatim slices of the best passages and cites each
 * slice exactly. Pure (no I/O, clock or randomness) and a generator of parts, so a stream can send
 * each part as it is composed.
 *
 * - A procedure is kept whole: when the best sentence is a step or the lead-in of a list (or the
 *   question asks how and the passage has steps), the answer is the list from its lead-in to its
 *   last step, within MAX_CHARS.
 * - Otherwise the best sentence and the next, starting a sentence earlier when it leans on the
 *   one before ("It …", "Then …").
 * - The section's heading comes with the slice when the slice opens the section, for context.
 * - A how-to question whose best passage has no steps is answered from the first passage that has.
 * - The next other document's best sentence is added when it scores at least half as well and
 *   holds a word of the question the answer lacks.
 *
 * Spans are offsets into the answer, end EXCLUSIVE: `answer.slice(start, end) === citation.text`.
 */
import { LIST_MARKER, type Sentence, splitSentences } from '../ingestion/sentences.ts';
import { analyze } from '../retrieval/analyzer.ts';

export interface Passage<R> {
  readonly text: string;
  /** Opaque to the generator; handed back in the citations that quote this passage. */
  readonly reference: R;
  /** The headings opening the passage's section (its first lines, when it opens the section). */
  readonly headings?: readonly string[];
  /** Which document the passage comes from: a second source must be another document. */
  readonly document?: string;
}

/** Query term → weight (IDF-weighted; earlier turns weigh less). */
export interface QueryWeights extends ReadonlyMap<string, number> {
  /** The question asks how to do something: a procedure answers it best, where there is one. */
  readonly wantsSteps?: boolean;
}

export interface GeneratorInput<R> {
  readonly queryWeights: QueryWeights;
  /** Ranked best first. Empty when nothing relevant was retrieved. */
  readonly passages: readonly Passage<R>[];
  readonly noAnswerText: string;
}

export interface Span {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

interface Citation<R> {
  readonly span: Span;
  readonly text: string;
  readonly references: readonly R[];
}

export type AnswerPart<R> =
  | { readonly type: 'text'; readonly text: string }
  | ({ readonly type: 'citation' } & Citation<R>);

export interface Answer<R> {
  readonly text: string;
  readonly citations: readonly Citation<R>[];
}

/** Enough for a help-center answer, short enough for a chat bubble. */
export const MAX_CHARS = 700;
/** A procedure is preferred to prose for a how-to question unless the prose scores this much more. */
const STEPS_PREFERENCE = 0.7;
/**
 * Another document's sentence joins the answer only when it scores at least this share of the best
 * and holds a word of the question the answer lacks: otherwise it repeats what is cited already.
 */
const SECOND_SOURCE_MIN = 0.5;
/** How many sentences a prose answer holds. */
const PROSE_SENTENCES = 2;
/** A numbered step's marker. */
const NUMBERED = /^\d+[.)]\s/;
/** Words that open a sentence leaning on the one before it. */
const LEANS_BACK =
  /^(?:it|its|this|that|these|those|they|them|then|also|however|but|so|otherwise|instead)\b/i;

interface Range {
  readonly start: number;
  readonly end: number;
  readonly score: number;
}

export function* generateAnswer<R>(input: GeneratorInput<R>): Generator<AnswerPart<R>, void, undefined> {
  const [first, ...others] = leadWithSteps(input.passages, input.queryWeights);
  const main = first === undefined ? undefined : answerRange(first, input.queryWeights);
  if (first === undefined || main === undefined) {
    yield { type: 'text', text: input.noAnswerText };
    return;
  }
  const pieces: { passage: Passage<R>; range: Range }[] = [{ passage: first, range: main }];
  // Only the next document down is considered: one further down supports the answer less.
  const other = others.find((p) => p.document === undefined || p.document !== first.document);
  const extra = other && best(scored(other, input.queryWeights));
  const answered = first.text.slice(main.start, main.end);
  const supports = extra !== undefined && extra.score >= SECOND_SOURCE_MIN * main.score;
  if (other && extra && supports && addsToAnswer(extra.text, answered, input.queryWeights))
    pieces.push({ passage: other, range: extra });
  let offset = 0;
  for (const [n, { passage, range }] of pieces.entries()) {
    // Pieces from different documents stand in paragraphs of their own.
    if (n > 0) yield { type: 'text', text: '\n\n' };
    offset += n > 0 ? 2 : 0;
    const text = passage.text.slice(range.start, range.end);
    yield { type: 'text', text };
    yield {
      type: 'citation',
      span: { start: offset, end: offset + text.length },
      text,
      references: [passage.reference],
    };
    offset += text.length;
  }
}

/**
 * A how-to question is answered by steps: when the best passage has none and another passage has
 * a procedure about the question, that passage leads.
 */
function leadWithSteps<R>(passages: readonly Passage<R>[], weights: QueryWeights): readonly Passage<R>[] {
  const [first] = passages;
  if (!weights.wantsSteps || first === undefined || hasSteps(first, weights)) return passages;
  const steps = passages.find((passage) => hasSteps(passage, weights));
  return steps === undefined ? passages : [steps, ...passages.filter((passage) => passage !== steps)];
}

/** Whether a passage holds a numbered procedure that shares a word with the question. */
function hasSteps(passage: Passage<unknown>, weights: QueryWeights): boolean {
  const lines = lineSpans(passage.text);
  return listBlocks(lines, weights).some(
    (list) =>
      list.score > 0 &&
      lines.slice(list.leadLine, list.lastLine + 1).some((l) => NUMBERED.test(l.text.trim())),
  );
}

/** Runs the generator to completion, the way the non-streaming endpoint needs it. */
export function collectAnswer<R>(parts: Iterable<AnswerPart<R>>): Answer<R> {
  let text = '';
  const citations: Citation<R>[] = [];
  for (const part of parts) {
    if (part.type === 'text') text += part.text;
    else citations.push({ span: part.span, text: part.text, references: part.references });
  }
  return { text, citations };
}

function addsToAnswer(extra: string, answer: string, weights: QueryWeights): boolean {
  const answered = new Set(analyze(answer));
  return analyze(extra).some((term) => weights.has(term) && !answered.has(term));
}

function score(text: string, weights: QueryWeights): number {
  let total = 0;
  for (const term of new Set(analyze(text))) total += weights.get(term) ?? 0;
  return total;
}

/** The passage's sentences that are not its headings, each with its score. */
function scored(passage: Passage<unknown>, weights: QueryWeights): (Sentence & { score: number })[] {
  const headings = new Set(passage.headings ?? []);
  return splitSentences(passage.text)
    .filter((s) => s.text.length > 0 && !headings.has(s.text))
    .map((s) => ({ ...s, score: score(s.text, weights) }));
}

/** The first of the best scored items. */
const best = <T extends { readonly score: number }>(items: readonly T[]): T | undefined =>
  items.reduce<T | undefined>((a, b) => (a === undefined || b.score > a.score ? b : a), undefined);

function answerRange(passage: Passage<unknown>, weights: QueryWeights): Range | undefined {
  const sentences = scored(passage, weights);
  const top = best(sentences);
  if (top === undefined) return undefined;
  const lines = lineSpans(passage.text);
  const lists = listBlocks(lines, weights);
  const around = lists.find((list) => top.line >= list.leadLine && top.line <= list.lastLine);
  const steps = weights.wantsSteps ? best(lists) : undefined;
  const list = around ?? (steps && steps.score >= STEPS_PREFERENCE * top.score ? steps : undefined);
  const range = list === undefined ? prose(sentences, top) : listRange(lines, list, top.score);
  return withHeading(passage, lines, range);
}

interface LineSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function lineSpans(text: string): LineSpan[] {
  let start = 0;
  return text.split('\n').map((line) => {
    const span = { start, end: start + line.length, text: line };
    start = span.end + 1;
    return span;
  });
}

interface ListBlock {
  /** The line introducing the list ("To remove it:"), or its first item. */
  readonly leadLine: number;
  readonly lastLine: number;
  readonly score: number;
}

/** Runs of list items (with their indented continuations) and the line that leads into each. */
function listBlocks(lines: readonly LineSpan[], weights: QueryWeights): ListBlock[] {
  const blocks: ListBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!LIST_MARKER.test(lines[i]?.text.trim() ?? '')) {
      i += 1;
      continue;
    }
    const firstItem = i;
    while (
      i < lines.length &&
      (LIST_MARKER.test(lines[i]?.text.trim() ?? '') || /^\s+\S/.test(lines[i]?.text ?? ''))
    )
      i += 1;
    const before = lines[firstItem - 1]?.text.trim() ?? '';
    const leadLine = before.endsWith(':') ? firstItem - 1 : firstItem;
    const text = lines
      .slice(leadLine, i)
      .map((l) => l.text)
      .join('\n');
    blocks.push({ leadLine, lastLine: i - 1, score: score(text, weights) });
  }
  return blocks;
}

/** The list from its lead-in, cut after the last whole line that fits MAX_CHARS. */
function listRange(lines: readonly LineSpan[], list: ListBlock, best: number): Range {
  const start = lines[list.leadLine]?.start ?? 0;
  let end = lines[list.leadLine]?.end ?? start;
  for (let i = list.leadLine + 1; i <= list.lastLine; i += 1) {
    const line = lines[i];
    if (line === undefined || line.end - start > MAX_CHARS) break;
    end = line.end;
  }
  return { start, end, score: Math.max(best, list.score) };
}

function prose(
  sentences: readonly (Sentence & { score: number })[],
  best: Sentence & { score: number },
): Range {
  let from = sentences.indexOf(best);
  if (from > 0 && LEANS_BACK.test(best.text)) from -= 1;
  let to = from;
  while (
    to + 1 < sentences.length &&
    to - from + 1 < PROSE_SENTENCES &&
    (sentences[to + 1]?.end ?? 0) - (sentences[from]?.start ?? 0) <= MAX_CHARS
  )
    to += 1;
  const [start, end] = [sentences[from]?.start ?? best.start, sentences[to]?.end ?? best.end];
  return { start, end, score: best.score };
}

/** When nothing but the section's headings stands before the slice, they open it, for context. */
function withHeading(passage: Passage<unknown>, lines: readonly LineSpan[], range: Range): Range {
  const headings = new Set(passage.headings ?? []);
  const before = lines.filter((line) => line.end <= range.start && line.text.trim().length > 0);
  if (before.length === 0 || !before.every((line) => headings.has(line.text.trim()))) return range;
  return { ...range, start: before[0]?.start ?? range.start };
}
