/**
 * The extractive generator: composes an answer from retrieved passages by picking the sentences
 * most relevant to the question, and reports exactly which passage each part of the answer came
 * from. Pure: no I/O, no clock, no randomness, so the same passages always give the same answer.
 *
 * It is a generator of parts (text, then the citation covering it) so a streaming endpoint can
 * emit the answer as it is composed; the non-streaming endpoint collects the parts.
 *
 * What it answers with:
 * - **A procedure, from its start.** When the best sentences are steps of a numbered or bulleted
 *   list (or the lead-in that introduces one), the answer is the procedure from its lead-in
 *   ("To remove a Pack:") or step 1 through its end, within `MAX_CHARS`; a longer list gives its
 *   first steps and then the most relevant one.
 * - **Otherwise a few consecutive sentences** around the best one, never starting on a heading
 *   or on a sentence that leans on the one before it ("It …", "This …") without that sentence.
 * - **At most one sentence from another passage**, when that passage is nearly as good or covers
 *   a part of the question the first does not.
 *
 * Every piece taken from a passage is a verbatim, contiguous slice of it, with its own citation;
 * two pieces of one passage (step 1 to 3, then step 7) are two citations of the same reference.
 * Spans are `{start, end}` offsets into the answer with `end` EXCLUSIVE:
 * `answer.slice(start, end) === citation.text`.
 */
import { analyze } from './analyzer.ts';
import { isInstruction, LIST_MARKER, type Sentence, splitSentences } from './ingestion/sentences.ts';

export interface Passage<R> {
  readonly text: string;
  /** Opaque to the generator; handed back in the citations that quote this passage. */
  readonly reference: R;
}

/** Query term → weight (already IDF-weighted; earlier turns and synonyms weigh less). */
export interface QueryWeights extends ReadonlyMap<string, number> {
  /** The question asks how to do something: a procedure answers it best, where there is one. */
  readonly wantsSteps?: boolean;
  /**
   * Term → the question word it stands for, when terms are one word's alternatives (synonyms,
   * spelling fixes): a sentence with "delete" and "remove" has one of the question's words, not
   * two. Terms not listed stand for themselves.
   */
  readonly conceptOf?: ReadonlyMap<string, string>;
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

/** Prose answers: enough to answer a help-center question, short enough for a chat bubble. */
const MAX_SENTENCES = 4;
const MIN_SENTENCES = 2;
/** The first passage's share of the answer, procedures included. */
export const MAX_CHARS = 700;
/** The sentence another passage may add. */
const MAX_SECOND_SOURCE_CHARS = 300;
/** Each rank down the result list makes a passage's sentences count this much less. */
const RANK_DECAY = 1;
/** How much of a heading's (or FAQ question's) match carries over to the sentences below it. */
const HEADING_CARRY = 0.6;
/** A passage nearly as good as the first (its best sentence, before rank) adds a sentence. */
const ALTERNATE_MIN = 0.8;
/** A passage that covers a part of the question the first does not needs less. */
const SECOND_SOURCE_MIN = 0.6;
/** A procedure in the anchor's passage is preferred to prose scoring at most this much more. */
const PROCEDURE_PREFERENCE = 0.8;
/**
 * When the question asks how to do something, the passage's instructions (heading, lead-in and
 * steps together) are preferred to prose covering the question at most this much better.
 */
const STEPS_PREFERENCE = 0.8;
/** Sentences about the article rather than the product ("This article explains …") count less. */
const META_DISCOUNT = 0.3;
const META = /\b(?:this|the following) (?:article|guide|section|page)\b|\bin this article\b|\bread on\b/i;
/** A line this short ending in a question mark is a heading (an FAQ question). */
const MAX_HEADING_WORDS = 25;
/** Words that open a sentence leaning on the one before it. */
const DANGLING_START =
  /^(?:it|its|this|that|these|those|they|them|then|also|alternatively|however|but|and|so|instead|otherwise|in other words|in that case|the same|such|from there|from here)\b/i;

type Kind = 'sentence' | 'heading' | 'fragment';

interface LineInfo {
  /** Leading spaces: nested list items and continuation lines of an item are indented. */
  readonly indent: number;
  /** The line starts a list item (`1. `, `- `). */
  readonly item: boolean;
}

interface Candidate {
  readonly passage: number;
  readonly index: number;
  readonly sentence: Sentence;
  readonly kind: Kind;
  /** Part of a list: an item or a continuation line of one. */
  readonly inList: boolean;
  /** Leading spaces of its line: nesting depth in a list. */
  readonly indent: number;
  /** Tells the reader what to do: a numbered step, "Click …", "To star a doc, hover …". */
  readonly instruction: boolean;
  /** The query's words this sentence contains. */
  readonly matched: ReadonlySet<string>;
  /** Query weight of the sentence's own words. */
  readonly own: number;
  /** Own score plus the heading it sits under, before the passage's rank discount. */
  readonly merit: number;
  /** Merit discounted by passage rank. */
  readonly score: number;
}

/** A contiguous run of one passage's sentences: one citation. */
interface Segment {
  readonly passage: number;
  readonly first: Candidate;
  readonly last: Candidate;
  /** Continues the previous segment's list, so it follows on the next line. */
  readonly sameList: boolean;
}

export function* generateAnswer<R>(input: GeneratorInput<R>): Generator<AnswerPart<R>, void, undefined> {
  const byPassage = input.passages.map((passage, i) => scorePassage(passage.text, i, input.queryWeights));
  const segments = compose(byPassage, input.passages, input.queryWeights);
  if (segments.length === 0) {
    yield { type: 'text', text: input.noAnswerText };
    return;
  }
  let offset = 0;
  for (const [n, segment] of segments.entries()) {
    const passage = input.passages[segment.passage];
    const candidates = byPassage[segment.passage];
    if (passage === undefined || candidates === undefined) continue;
    if (n > 0) {
      // A later step of the same list goes on the next line, indented as in the passage.
      const separator = segment.sameList ? `\n${' '.repeat(segment.first.indent)}` : '\n\n';
      yield { type: 'text', text: separator };
      offset += separator.length;
    }
    // Sentence by sentence, keeping the exact separators they had in the passage, so the cited
    // text is a verbatim slice of the passage.
    let previousEnd = segment.first.sentence.start;
    for (let i = segment.first.index; i <= segment.last.index; i += 1) {
      const end = candidates[i]?.sentence.end ?? previousEnd;
      yield { type: 'text', text: passage.text.slice(previousEnd, end) };
      previousEnd = end;
    }
    const text = passage.text.slice(segment.first.sentence.start, segment.last.sentence.end);
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

function scorePassage(text: string, rank: number, weights: QueryWeights): Candidate[] {
  const sentences = splitSentences(text);
  const lines = describeLines(text);
  // A short line ending in a question is a heading however many sentences it has ("I pasted a
  // link into a Pack column, but nothing happened. What's wrong?").
  const questionLines = new Set(
    text
      .split('\n')
      .flatMap((line, i) =>
        line.trim().endsWith('?') &&
        line.split(/\s+/).length <= MAX_HEADING_WORDS &&
        !LIST_MARKER.test(line.trim())
          ? [i]
          : [],
      ),
  );
  const rankFactor = 1 / (1 + RANK_DECAY * rank);
  let headingScore = 0;
  // A question opening a paragraph ("Have you ever wanted to …? Maybe …") speaks for its own line
  // only; a heading on a line of its own, for everything down to the next heading.
  let headingLine: number | undefined;
  return sentences.map((sentence, index) => {
    const line = lines[sentence.line] ?? { indent: 0, item: false };
    const inList = line.item || line.indent > 0;
    const terms = new Set(analyze(sentence.text));
    const matched = new Set([...terms].filter((term) => weights.has(term)));
    const kind = questionLines.has(sentence.line)
      ? 'heading'
      : classify(sentence, inList, index === sentences.length - 1);
    let own = worth(matched, weights);
    // Long sentences match more words by chance; damp them gently.
    own /= 1 + Math.max(0, terms.size - 20) / 20;
    if (META.test(sentence.text)) own *= META_DISCOUNT;
    if (headingLine !== undefined && sentence.line !== headingLine) headingScore = 0;
    if (kind === 'heading') {
      headingScore = own;
      headingLine = sentences[index + 1]?.line === sentence.line ? sentence.line : undefined;
    }
    const merit = own + (kind === 'heading' ? 0 : HEADING_CARRY * headingScore);
    const score = merit * rankFactor;
    const instruction = isInstruction(sentence.text);
    return {
      passage: rank,
      index,
      sentence,
      kind,
      inList,
      indent: line.indent,
      instruction,
      matched,
      own,
      merit,
      score,
    };
  });
}

function describeLines(text: string): LineInfo[] {
  return text.split('\n').map((line) => {
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    return { indent, item: LIST_MARKER.test(line.slice(indent)) };
  });
}

/**
 * Headings and FAQ questions are not answers ("How do I delete my account?") but tell what the
 * sentences below them are about; fragments are pieces of sentences cut by chunking. A list item
 * is content however it is punctuated ("3. Click the +New Icon").
 */
function classify(sentence: Sentence, inList: boolean, lastInPassage: boolean): Kind {
  const text = sentence.text.replace(LIST_MARKER, '');
  const words = text.split(/\s+/).length;
  const punctuated = /[.!:;)"'”’]$/.test(text);
  if (inList)
    return /^\p{Ll}/u.test(sentence.text) && !LIST_MARKER.test(sentence.text) ? 'fragment' : 'sentence';
  // FAQ questions, and lead-ins to link lists such as "Within this article you'll find...".
  if (text.endsWith('?') || /(\.\.\.|…)$/.test(text)) return 'heading';
  if (!punctuated && words <= 10) return 'heading';
  if (/^\p{Ll}/u.test(text) || words < 3) return 'fragment';
  if (lastInPassage && !punctuated) return 'fragment';
  return 'sentence';
}

const answerable = (c: Candidate) => c.kind === 'sentence' && c.score > 0;
const length = (from: Candidate, to: Candidate) => to.sentence.end - from.sentence.start;

function compose<R>(
  byPassage: readonly Candidate[][],
  passages: readonly Passage<R>[],
  weights: QueryWeights,
): Segment[] {
  const wantsSteps = weights.wantsSteps === true;
  const anchor = best(byPassage.flat().filter(answerable));
  if (anchor === undefined) return [];
  const anchorPassage = byPassage[anchor.passage] ?? [];
  const primary = answerFrom(anchorPassage, anchor, weights, wantsSteps);
  const used = primary.reduce((sum, s) => sum + length(s.first, s.last), 0);

  // One sentence from another passage: one nearly as good, or one that covers a part of the
  // question the first passage does not mention at all.
  const firstCovers = new Set(anchorPassage.flatMap((c) => [...c.matched]));
  const anchorWorth = worth(anchor.matched, weights);
  const firstText = passages[anchor.passage]?.text ?? '';
  const second = best(
    byPassage.flat().filter((c) => {
      if (c.passage === anchor.passage || !answerable(c) || c.inList || c.sentence.text.endsWith(':'))
        return false;
      if (DANGLING_START.test(c.sentence.text) || firstText.includes(c.sentence.text)) return false;
      if (c.sentence.text.length > MAX_SECOND_SOURCE_CHARS) return false;

      // Nearly as good, and about the same thing: it has (nearly) all the words the anchor has.
      const shared = worth(
        [...c.matched].filter((term) => anchor.matched.has(term)),
        weights,
      );
      const nearlyAsGood = c.merit >= ALTERNATE_MIN * anchor.merit && shared >= ALTERNATE_MIN * anchorWorth;
      // Or mostly about a part of the question the first passage does not mention at all, and
      // still linked to the anchor by a word.
      const uncovered = worth(
        [...c.matched].filter((term) => !firstCovers.has(term)),
        weights,
      );
      const coversMore =
        c.merit >= SECOND_SOURCE_MIN * anchor.merit &&
        uncovered >= 0.5 * worth(c.matched, weights) &&
        shared > 0;
      return nearlyAsGood || coversMore;
    }),
  );
  if (second === undefined || used > MAX_CHARS) return primary;
  return [...primary, { passage: second.passage, first: second, last: second, sameList: false }];
}

function best(candidates: readonly Candidate[]): Candidate | undefined {
  let top: Candidate | undefined;
  for (const c of candidates) if (top === undefined || c.score > top.score) top = c;
  return top;
}

/**
 * The answer from the anchor's passage: the procedure the anchor belongs to (or introduces), or
 * one in the same section that answers nearly as well; for a question asking how to do something,
 * the passage's best set of instructions when it covers the question about as well as the
 * anchor does; otherwise prose around the anchor.
 */
function answerFrom(
  passage: readonly Candidate[],
  anchor: Candidate,
  weights: QueryWeights,
  wantsSteps: boolean,
): Segment[] {
  const listed = anchor.inList || introducesList(passage, anchor) || leadsAlone(passage, anchor);
  if (wantsSteps && !(listed && listOf(passage, anchor).some((c) => c.instruction))) {
    const steps = bestInstructions(passage, weights);
    const anchorMerit = worth(
      [...anchor.matched, ...(headingAbove(passage, anchor.index)?.matched ?? [])],
      weights,
    );
    if (steps !== undefined && steps.merit >= STEPS_PREFERENCE * anchorMerit)
      return procedure(passage, steps.anchor);
  }
  if (listed) return procedure(passage, anchor);
  const step = bestStepInSection(passage, anchor);
  return step === undefined ? [prose(passage, anchor)] : procedure(passage, step);
}

/** What some of the query's terms are worth together: each question word counted once, at its best. */
function worth(terms: Iterable<string>, weights: QueryWeights): number {
  const best = new Map<string, number>();
  for (const term of terms) {
    const concept = weights.conceptOf?.get(term) ?? term;
    best.set(concept, Math.max(best.get(concept) ?? 0, weights.get(term) ?? 0));
  }
  let sum = 0;
  for (const value of best.values()) sum += value;
  return sum;
}

function headingAbove(passage: readonly Candidate[], i: number): Candidate | undefined {
  for (let j = i - 1; j >= 0; j -= 1) if (passage[j]?.kind === 'heading') return passage[j];
  return undefined;
}

/**
 * The passage's list of instructions that covers most of the question, counting its heading,
 * lead-in and steps together, with the step (or lead-in) to anchor it on.
 */
function bestInstructions(
  passage: readonly Candidate[],
  weights: QueryWeights,
): { anchor: Candidate; merit: number } | undefined {
  let top: { anchor: Candidate; merit: number } | undefined;
  for (let i = 0; i < passage.length; ) {
    const first = passage[i];
    if (first === undefined || !first.inList) {
      i += 1;
      continue;
    }
    const list = listOf(passage, first);
    i += list.length;
    if (!list.some((c) => c.instruction)) continue;
    const leadIn = passage[first.index - 1];
    const parts = [...list, ...(leadIn?.kind === 'sentence' ? [leadIn] : [])];
    const heading = headingAbove(passage, first.index);
    const merit = worth(
      [...parts, ...(heading ? [heading] : [])].flatMap((c) => [...c.matched]),
      weights,
    );
    const anchor = best(parts.filter(answerable)) ?? list.find((c) => c.kind === 'sentence');
    if (anchor !== undefined && merit > 0 && (top === undefined || merit > top.merit))
      top = { anchor, merit };
  }
  return top;
}

/** A paragraph of one sentence right above a list: it introduces the list, colon or not. */
function leadsAlone(passage: readonly Candidate[], c: Candidate): boolean {
  const previous = passage[c.index - 1];
  const next = passage[c.index + 1];
  const alone = previous === undefined || previous.sentence.line !== c.sentence.line;
  return alone && next !== undefined && next.sentence.line !== c.sentence.line && next.inList;
}

/** The list a step belongs to, or the one a lead-in introduces. */
function listOf(passage: readonly Candidate[], c: Candidate): Candidate[] {
  let from = c.inList ? c.index : c.index + 1;
  while (from > 0 && passage[from - 1]?.inList) from -= 1;
  let to = from;
  while (to < passage.length && passage[to]?.inList) to += 1;
  return passage.slice(from, to);
}

/** Whether the sentence ends its line with a colon and the next line is a list. */
function introducesList(passage: readonly Candidate[], c: Candidate): boolean {
  const next = passage[c.index + 1];
  return (
    c.sentence.text.endsWith(':') &&
    next !== undefined &&
    next.sentence.line !== c.sentence.line &&
    next.inList
  );
}

/** The best step or lead-in in the anchor's section, if it answers nearly as well as the anchor. */
function bestStepInSection(passage: readonly Candidate[], anchor: Candidate): Candidate | undefined {
  const { from, to } = sectionAround(passage, anchor.index);
  const steps = passage
    .slice(from, to)
    .filter((c) => answerable(c) && c.own > 0 && (c.inList || introducesList(passage, c)));
  const top = best(steps);
  return top !== undefined && top.merit >= PROCEDURE_PREFERENCE * anchor.merit ? top : undefined;
}

/** Indices [from, to) of the sentences between the headings around sentence `i`. */
function sectionAround(passage: readonly Candidate[], i: number): { from: number; to: number } {
  let from = i;
  while (from > 0 && passage[from - 1]?.kind !== 'heading') from -= 1;
  let to = i + 1;
  while (to < passage.length && passage[to]?.kind !== 'heading') to += 1;
  return { from, to };
}

interface Unit {
  /** First and last sentence index. */
  readonly from: number;
  readonly to: number;
  readonly indent: number;
  readonly chars: number;
}

/**
 * The procedure around `anchor` (a step, or the lead-in introducing the steps): lead-in, then
 * every line of the list, if that fits; otherwise the lead-in, the steps from the start in order
 * as long as they fit, the anchor's step with the steps it sits under, and after it further
 * top-level steps; nested lines without a query word are the first to go.
 */
function procedure(passage: readonly Candidate[], anchor: Candidate): Segment[] {
  const lineOf = (i: number) => passage[i]?.sentence.line ?? -1;
  // The list's lines: contiguous list sentences around the anchor (or after its lead-in).
  const list = listOf(passage, anchor);
  const listFrom = list[0]?.index ?? anchor.index;
  const listTo = list.at(-1)?.index ?? anchor.index;

  const units: Unit[] = [];
  for (let i = listFrom; i <= listTo; ) {
    let j = i;
    while (j + 1 <= listTo && lineOf(j + 1) === lineOf(i)) j += 1;
    const first = passage[i];
    const last = passage[j];
    if (first === undefined || last === undefined) break;
    units.push({ from: i, to: j, indent: first.indent, chars: length(first, last) });
    i = j + 1;
  }
  // The anchor itself, when it introduces the list, always leads in.
  const leadIn = anchor.inList ? leadInBefore(passage, listFrom) : unitOf(anchor);
  const all: Unit[] = leadIn === undefined ? units : [leadIn, ...units];
  const start = passage[all[0]?.from ?? -1];
  const end = passage[all.at(-1)?.to ?? -1];
  if (start === undefined || end === undefined) return [prose(passage, anchor)];
  if (length(start, end) <= MAX_CHARS) return toSegments(passage, all, anchor.passage);

  const anchorUnit = all.findIndex((u) => u.from <= anchor.index && anchor.index <= u.to);
  const chosen = new Set<number>([Math.max(0, anchorUnit)]);
  let budget = MAX_CHARS - (all[Math.max(0, anchorUnit)]?.chars ?? 0);
  const take = (k: number) => {
    const unit = all[k];
    if (unit === undefined || chosen.has(k) || unit.chars + 1 > budget) return false;
    chosen.add(k);
    budget -= unit.chars + 1;
    return true;
  };
  // The steps the anchor sits under ("2. Choose …" above "  1. To fill one cell, …").
  let indent = all[anchorUnit]?.indent ?? 0;
  for (let k = anchorUnit - 1; k >= 0 && indent > 0; k -= 1) {
    const unit = all[k];
    if (unit !== undefined && unit.indent < indent && (leadIn === undefined || k > 0)) {
      take(k);
      indent = unit.indent;
    }
  }
  const introduces = leadIn !== undefined && passage[leadIn.from]?.sentence.text.endsWith(':');
  if (introduces) take(0);
  const hasWords = (u: Unit) => passage.slice(u.from, u.to + 1).some((c) => c.own > 0);
  for (let k = leadIn === undefined ? 0 : 1; k < anchorUnit; k += 1) {
    const unit = all[k];
    if (unit === undefined || (unit.indent > 0 && !hasWords(unit))) continue;
    if (!take(k)) break;
  }
  for (let k = anchorUnit + 1; k < all.length; k += 1) {
    const unit = all[k];
    if (unit === undefined || (unit.indent > 0 && !hasWords(unit))) continue;
    if (!take(k)) break;
  }
  // A lead-in without a colon is context, welcome only if there is room left.
  if (leadIn !== undefined && !introduces) take(0);
  return toSegments(
    passage,
    all.filter((_, k) => chosen.has(k)),
    anchor.passage,
  );
}

function unitOf(c: Candidate): Unit {
  return { from: c.index, to: c.index, indent: 0, chars: c.sentence.text.length };
}

/** The sentence introducing the list that starts at `listFrom`: the last one of the line before. */
function leadInBefore(passage: readonly Candidate[], listFrom: number): Unit | undefined {
  const previous = passage[listFrom - 1];
  if (previous === undefined || previous.kind !== 'sentence' || META.test(previous.sentence.text))
    return undefined;
  if (!previous.sentence.text.endsWith(':') && previous.sentence.text.length > 200) return undefined;
  // "From there you can:" brings the sentence it leans on ("Go to Settings → Tags.").
  const before = passage[previous.index - 1];
  if (
    DANGLING_START.test(previous.sentence.text) &&
    before !== undefined &&
    before.kind === 'sentence' &&
    before.sentence.line === previous.sentence.line
  ) {
    return { from: before.index, to: previous.index, indent: 0, chars: length(before, previous) };
  }
  return unitOf(previous);
}

/** Chosen units (in order) as segments: adjacent units make one contiguous segment. */
function toSegments(passage: readonly Candidate[], units: readonly Unit[], passageIndex: number): Segment[] {
  const segments: Segment[] = [];
  let open: { from: number; to: number } | undefined;
  const close = () => {
    const first = open === undefined ? undefined : passage[open.from];
    const last = open === undefined ? undefined : passage[open.to];
    if (first !== undefined && last !== undefined)
      segments.push({ passage: passageIndex, first, last, sameList: segments.length > 0 });
  };
  for (const unit of [...units].sort((a, b) => a.from - b.from)) {
    if (open !== undefined && unit.from === open.to + 1) open.to = unit.to;
    else {
      close();
      open = { from: unit.from, to: unit.to };
    }
  }
  close();
  return segments;
}

/**
 * A run of consecutive sentences around the anchor, within its section (a heading ends it):
 * forward while the next sentence is relevant or the run is still short; back by one when the
 * run would open on a sentence leaning on the one before it ("It …", "This …").
 */
function prose(passage: readonly Candidate[], anchor: Candidate): Segment {
  const run = [anchor];
  let chars = anchor.sentence.text.length;
  const fits = (c: Candidate) =>
    run.length < MAX_SENTENCES && chars + c.sentence.text.length + 1 <= MAX_CHARS;
  const add = (c: Candidate, atStart: boolean) => {
    if (atStart) run.unshift(c);
    else run.push(c);
    chars += c.sentence.text.length + 1;
  };

  // Back to the start of the paragraph when it is near ("If you are not happy with an annual
  // subscription, …" before "The same 30-day window applies …"), and in any case past a sentence
  // that leans on the one before it.
  const paragraphStart = passage.findIndex((c) => c.sentence.line === anchor.sentence.line);
  const near = anchor.index - paragraphStart <= MAX_SENTENCES - MIN_SENTENCES;
  for (let i = anchor.index - 1; i >= 0; i -= 1) {
    const head = run[0];
    const previous = passage[i];
    if (head === undefined || previous === undefined) break;
    const sameParagraph = near && previous.sentence.line === anchor.sentence.line;
    if (!sameParagraph && !DANGLING_START.test(head.sentence.text)) break;
    if (previous.kind !== 'sentence' || previous.inList || !fits(previous)) break;
    add(previous, true);
  }
  for (let i = anchor.index + 1; i < passage.length; i += 1) {
    const next = passage[i];
    if (next === undefined || next.kind !== 'sentence' || next.inList || !fits(next)) break;
    if (!(next.own > 0 || run.length < MIN_SENTENCES) || META.test(next.sentence.text)) break;
    add(next, false);
  }
  // Still a single sentence: the one before it, when it belongs to the same section.
  const head = run[0];
  const before = head === undefined ? undefined : passage[head.index - 1];
  if (
    run.length < MIN_SENTENCES &&
    before !== undefined &&
    before.kind === 'sentence' &&
    !before.inList &&
    !META.test(before.sentence.text) &&
    fits(before)
  )
    add(before, true);
  // An answer should not stop on a lead-in that promises more ("To remove a Pack:").
  while (run.length > 1 && /:$/.test(run.at(-1)?.sentence.text ?? '')) run.pop();
  const first = run[0] ?? anchor;
  const last = run.at(-1) ?? anchor;
  return { passage: anchor.passage, first, last, sameList: false };
}
