/**
 * The extractive generator: composes an answer from retrieved passages by picking the sentences
 * most relevant to the question, and reports exactly which passage each part of the answer came
 * from. Pure: no I/O, no clock, no randomness, so the same passages always give the same answer.
 *
 * It is a generator of parts (text, then the citation covering it) so a streaming endpoint can
 * emit the answer as it is composed; the non-streaming endpoint collects the parts.
 *
 * Spans are `{start, end}` offsets into the answer with `end` EXCLUSIVE:
 * `answer.slice(start, end) === citation.text`.
 */
import { analyze } from './analyzer.ts';
import { type Sentence, splitSentences } from './sentences.ts';

export interface Passage<R> {
  readonly text: string;
  /** Opaque to the generator; handed back in the citations that quote this passage. */
  readonly reference: R;
}

export interface GeneratorInput<R> {
  /** Query term → weight (already IDF-weighted; earlier turns and synonyms weigh less). */
  readonly queryWeights: ReadonlyMap<string, number>;
  /** Ranked best first. Empty when nothing relevant was retrieved. */
  readonly passages: readonly Passage<R>[];
  readonly noAnswerText: string;
}

export interface Span {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export type AnswerPart<R> =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'citation';
      readonly span: Span;
      readonly text: string;
      readonly references: readonly R[];
    };

export interface Answer<R> {
  readonly text: string;
  readonly citations: readonly {
    readonly span: Span;
    readonly text: string;
    readonly references: readonly R[];
  }[];
}

/** Enough to answer a help-center question, short enough to read in a chat bubble. */
const MAX_SENTENCES = 4;
const MIN_SENTENCES = 2;
const MAX_CHARS = 650;
/** Each rank down the result list makes a passage's sentences count this much less. */
const RANK_DECAY = 0.35;
/** How much of a heading's (or FAQ question's) match carries over to the sentences below it. */
const HEADING_CARRY = 0.6;
/** A second passage must be at least this good, relative to the first, to be quoted too. */
const SECOND_SOURCE_MIN = 0.6;

type Kind = 'sentence' | 'heading' | 'fragment';

interface Candidate {
  readonly passage: number;
  readonly index: number;
  readonly sentence: Sentence;
  readonly kind: Kind;
  /** The query's words this sentence contains. */
  readonly matched: ReadonlySet<string>;
  /** Query weight of the sentence's own words. */
  readonly own: number;
  /** Own score plus the heading it sits under, discounted by passage rank. */
  readonly score: number;
}

export function* generateAnswer<R>(input: GeneratorInput<R>): Generator<AnswerPart<R>, void, undefined> {
  const byPassage = input.passages.map((passage, i) => scorePassage(passage.text, i, input.queryWeights));
  const runs = chooseRuns(byPassage);
  if (runs.length === 0) {
    yield { type: 'text', text: input.noAnswerText };
    return;
  }
  let offset = 0;
  for (const [n, run] of runs.entries()) {
    if (n > 0) {
      yield { type: 'text', text: '\n\n' };
      offset += 2;
    }
    const passage = input.passages[run[0]?.passage ?? 0];
    const first = run[0];
    const last = run.at(-1);
    if (passage === undefined || first === undefined || last === undefined) continue;
    // Consecutive sentences keep the exact separator they had in the passage, so the cited
    // text is a verbatim slice of the passage.
    let previousEnd = first.sentence.start;
    for (const candidate of run) {
      yield { type: 'text', text: passage.text.slice(previousEnd, candidate.sentence.end) };
      previousEnd = candidate.sentence.end;
    }
    const text = passage.text.slice(first.sentence.start, last.sentence.end);
    yield {
      type: 'citation',
      span: { start: offset, end: offset + text.length },
      text,
      references: [passage.reference],
    };
    offset += text.length;
  }
}

/** Runs the generator to completion, the way the non-streaming endpoint needs it. */
export function collectAnswer<R>(parts: Iterable<AnswerPart<R>>): Answer<R> {
  let text = '';
  const citations: Answer<R>['citations'][number][] = [];
  for (const part of parts) {
    if (part.type === 'text') text += part.text;
    else citations.push({ span: part.span, text: part.text, references: part.references });
  }
  return { text, citations };
}

function scorePassage(text: string, rank: number, weights: ReadonlyMap<string, number>): Candidate[] {
  const sentences = splitSentences(text);
  const rankFactor = 1 / (1 + RANK_DECAY * rank);
  let headingScore = 0;
  return sentences.map((sentence, index) => {
    const terms = new Set(analyze(sentence.text));
    const matched = new Set([...terms].filter((term) => weights.has(term)));
    const kind = classify(sentence, index === sentences.length - 1);
    let own = 0;
    for (const term of matched) own += weights.get(term) ?? 0;
    // Long sentences match more words by chance; damp them gently.
    own /= 1 + Math.max(0, terms.size - 20) / 20;
    if (kind === 'heading') headingScore = own;
    const score = (own + (kind === 'heading' ? 0 : HEADING_CARRY * headingScore)) * rankFactor;
    return { passage: rank, index, sentence, kind, matched, own, score };
  });
}

/**
 * Headings and FAQ questions are not answers ("How do I delete my account?") but tell what the
 * sentences below them are about; fragments are pieces of sentences cut by chunking.
 */
function classify(sentence: Sentence, lastInPassage: boolean): Kind {
  const text = sentence.text;
  const words = text.split(/\s+/).length;
  const punctuated = /[.!:;)"'”’]$/.test(text);
  // FAQ questions, and lead-ins to link lists such as "Within this article you'll find...".
  if (text.endsWith('?') || /(\.\.\.|…)$/.test(text)) return 'heading';
  if (!punctuated && words <= 10) return 'heading';
  if (/^\p{Ll}/u.test(text) || words < 3) return 'fragment';
  if (lastInPassage && !punctuated) return 'fragment';
  return 'sentence';
}

function chooseRuns(byPassage: readonly Candidate[][]): Candidate[][] {
  const all = byPassage.flat().filter((c) => c.kind === 'sentence' && c.score > 0);
  const anchor = best(all);
  if (anchor === undefined) return [];
  const anchorPassage = byPassage[anchor.passage] ?? [];
  // A second source is quoted only when it is nearly as good and says something about a part of
  // the question the first passage does not mention at all.
  const firstCovers = new Set(anchorPassage.flatMap((c) => [...c.matched]));
  const second = best(
    all.filter(
      (c) =>
        c.passage !== anchor.passage &&
        c.score >= SECOND_SOURCE_MIN * anchor.score &&
        [...c.matched].some((term) => !firstCovers.has(term)),
    ),
  );
  const first = growRun(anchorPassage, anchor, second === undefined ? MAX_SENTENCES : MAX_SENTENCES - 1);
  const used = first.reduce((sum, c) => sum + c.sentence.text.length, 0);
  if (second === undefined || used + second.sentence.text.length > MAX_CHARS) return [first];
  return [first, [second]];
}

function best(candidates: readonly Candidate[]): Candidate | undefined {
  let top: Candidate | undefined;
  for (const c of candidates) if (top === undefined || c.score > top.score) top = c;
  return top;
}

/**
 * Grows a run of consecutive sentences around the anchor, within its section (a heading ends
 * it): forward while the next sentence is relevant, continues a list, or the run is still short;
 * then backward if the run is still a single sentence.
 */
function growRun(passage: readonly Candidate[], anchor: Candidate, maxSentences: number): Candidate[] {
  const run = [anchor];
  let chars = anchor.sentence.text.length;
  const fits = (c: Candidate) => run.length < maxSentences && chars + c.sentence.text.length <= MAX_CHARS;

  for (let i = anchor.index + 1; i < passage.length; i += 1) {
    const next = passage[i];
    const last = run.at(-1);
    if (next === undefined || last === undefined || next.kind !== 'sentence' || !fits(next)) break;
    const continuesList = /:$/.test(last.sentence.text) || isListItem(next.sentence.text);
    if (!(next.own > 0 || continuesList || run.length < MIN_SENTENCES)) break;
    run.push(next);
    chars += next.sentence.text.length;
  }
  // A step's instruction comes first on its line ("5. Find the plan... If you want to cancel..."),
  // so an anchor later in a numbered step brings the step's start with it.
  for (let i = anchor.index - 1; i >= 0; i -= 1) {
    const previous = passage[i];
    if (previous === undefined || previous.sentence.line !== anchor.sentence.line) break;
    if (!isListItem(previous.sentence.text) && i === anchor.index - 1 && !isListItemLine(passage, i)) break;
    if (previous.kind !== 'sentence' || !fits(previous)) break;
    run.unshift(previous);
    chars += previous.sentence.text.length;
  }
  for (let i = (run[0]?.index ?? anchor.index) - 1; run.length < MIN_SENTENCES && i >= 0; i -= 1) {
    const previous = passage[i];
    if (previous === undefined || previous.kind !== 'sentence' || !fits(previous)) break;
    run.unshift(previous);
    chars += previous.sentence.text.length;
  }
  // An answer should not stop on a lead-in that promises more ("To remove a Pack:").
  while (run.length > 1 && /:$/.test(run.at(-1)?.sentence.text ?? '')) run.pop();
  return run;
}

function isListItem(text: string): boolean {
  return /^\d+[.)]\s/.test(text);
}

/** Whether the line holding sentence `i` starts with a step number. */
function isListItemLine(passage: readonly Candidate[], i: number): boolean {
  const line = passage[i]?.sentence.line;
  const first = passage.find((c) => c.sentence.line === line);
  return first !== undefined && isListItem(first.sentence.text);
}
