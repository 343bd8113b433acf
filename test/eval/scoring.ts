/**
 * Scores of one answered case and the summary of a run: pure functions over what the API returned.
 */
import { mean, percentileOf } from '../bench/stats.ts';
import type { ApiCitation, GuardrailInfo } from './client.ts';
import { type CaseKind, type EvalCase, kindOf } from './dataset.ts';
import { bleu, rougeL } from './metrics.ts';

/**
 * What the answer was: grounded text (`answered`), the knowledge base's no-answer reply with no
 * citations (`no-answer`), the guardrail's message for a blocked question (`guardrail`), or no
 * answer at all (`error`).
 */
export type Outcome = 'answered' | 'no-answer' | 'guardrail' | 'error';

export interface CaseScores {
  /** The answer cites one of `expectedSources`; null when the case names none. */
  readonly citationHit: boolean | null;
  /** The first cited document is one of `expectedSources`; null when the case names none. */
  readonly firstCitationHit: boolean | null;
  /** For `expectNoAnswer` cases: the answer declined (no-answer reply, or the guardrail blocked it). */
  readonly declined: boolean | null;
  /** For answerable cases: the answer was the no-answer reply. */
  readonly falseNoAnswer: boolean | null;
  /** ROUGE-L F1 against `referenceAnswer`; null without one. */
  readonly rougeL: number | null;
  /** Sentence BLEU-4 against `referenceAnswer`; null without one. */
  readonly bleu: number | null;
}

export interface CaseResult {
  readonly id: string;
  readonly kind: CaseKind;
  readonly line: number;
  /** The scored (last) message. */
  readonly question: string;
  readonly turns: readonly string[];
  readonly expectedSources?: readonly string[];
  readonly expectNoAnswer: boolean;
  readonly referenceAnswer?: string;
  readonly sessionId?: string;
  readonly answer: string;
  readonly citations: readonly ApiCitation[];
  /** Distinct `sourceUri`s of the citations, in order of first appearance. */
  readonly citedSources: readonly string[];
  /** Latency of the scored (last) turn, in ms; null when it failed. */
  readonly latencyMs: number | null;
  readonly turnLatenciesMs: readonly number[];
  readonly guardrail: GuardrailInfo;
  readonly outcome: Outcome;
  readonly error?: string;
  readonly scores: CaseScores;
  /** Every expectation of the case held. */
  readonly pass: boolean;
  /** Why the case missed, in words; empty when it passed. */
  readonly problems: readonly string[];
}

/** What the API gave for a case: the last turn's answer, or the error that stopped the case. */
export type CaseAnswer =
  | {
      readonly ok: true;
      readonly sessionId: string;
      readonly answer: string;
      readonly citations: readonly ApiCitation[];
      readonly guardrail: GuardrailInfo;
      readonly turnLatenciesMs: readonly number[];
    }
  | { readonly ok: false; readonly error: string; readonly turnLatenciesMs: readonly number[] };

/** An expected source matches a cited URI exactly or as a path suffix (`section_12.md`, `billing/x.md`). */
export function matchesSource(uri: string, expected: string): boolean {
  return uri === expected || uri.endsWith(expected.startsWith('/') ? expected : `/${expected}`);
}

export function citedSourcesOf(citations: readonly ApiCitation[]): string[] {
  const uris: string[] = [];
  for (const citation of citations)
    for (const reference of citation.references)
      if (!uris.includes(reference.sourceUri)) uris.push(reference.sourceUri);
  return uris;
}

export function outcomeOf(
  answer: { answer: string; citations: readonly ApiCitation[]; guardrail: GuardrailInfo },
  noAnswerText: string,
): Exclude<Outcome, 'error'> {
  if (answer.citations.length === 0 && answer.answer.trim() === noAnswerText.trim()) return 'no-answer';
  if (answer.guardrail.action === 'INTERVENED' && answer.citations.length === 0) return 'guardrail';
  return 'answered';
}

export function scoreCase(c: EvalCase, got: CaseAnswer, noAnswerText: string): CaseResult {
  const base = {
    id: c.id,
    kind: kindOf(c),
    line: c.line,
    question: c.turns.at(-1) ?? '',
    turns: c.turns,
    ...(c.expectedSources ? { expectedSources: c.expectedSources } : {}),
    expectNoAnswer: c.expectNoAnswer,
    ...(c.referenceAnswer ? { referenceAnswer: c.referenceAnswer } : {}),
    turnLatenciesMs: got.turnLatenciesMs,
  };
  if (!got.ok) {
    return {
      ...base,
      answer: '',
      citations: [],
      citedSources: [],
      latencyMs: null,
      guardrail: { action: 'NONE' },
      outcome: 'error',
      error: got.error,
      scores: {
        citationHit: c.expectedSources ? false : null,
        firstCitationHit: c.expectedSources ? false : null,
        declined: c.expectNoAnswer ? false : null,
        falseNoAnswer: null,
        rougeL: c.referenceAnswer ? 0 : null,
        bleu: c.referenceAnswer ? 0 : null,
      },
      pass: false,
      problems: [got.error],
    };
  }
  const citedSources = citedSourcesOf(got.citations);
  const outcome = outcomeOf(got, noAnswerText);
  const expected = c.expectedSources;
  const isExpected = (uri: string) => expected?.some((e) => matchesSource(uri, e)) ?? false;
  const citationHit = expected ? citedSources.some(isExpected) : null;
  const firstCitationHit = expected ? citedSources[0] !== undefined && isExpected(citedSources[0]) : null;
  const declined = c.expectNoAnswer ? outcome !== 'answered' : null;
  const falseNoAnswer = c.expectNoAnswer ? null : outcome === 'no-answer';
  const scores: CaseScores = {
    citationHit,
    firstCitationHit,
    declined,
    falseNoAnswer,
    rougeL: c.referenceAnswer ? rougeL(got.answer, c.referenceAnswer).f1 : null,
    bleu: c.referenceAnswer ? bleu(got.answer, c.referenceAnswer) : null,
  };
  const problems: string[] = [];
  if (declined === false) problems.push('answered a question it should have declined');
  if (falseNoAnswer) problems.push('declined a question the knowledge base answers');
  else if (outcome === 'guardrail' && !c.expectNoAnswer) problems.push('the guardrail blocked the question');
  if (citationHit === false && outcome === 'answered') problems.push('cites none of the expected sources');
  return {
    ...base,
    sessionId: got.sessionId,
    answer: got.answer,
    citations: got.citations,
    citedSources,
    latencyMs: got.turnLatenciesMs.at(-1) ?? null,
    guardrail: got.guardrail,
    outcome,
    scores,
    pass: problems.length === 0,
    problems,
  };
}

export interface EvalSummary {
  readonly cases: number;
  readonly byKind: Readonly<Record<CaseKind, number>>;
  readonly passed: number;
  readonly missed: number;
  readonly errors: number;
  /** Share of cases with `expectedSources` whose answer cites one of them. */
  readonly citationHitRate: number | null;
  /** Same, counting only the first cited document. */
  readonly firstCitationHitRate: number | null;
  readonly withExpectedSources: number;
  /** Share of `expectNoAnswer` cases that were declined. */
  readonly noAnswerAccuracy: number | null;
  readonly expectNoAnswer: number;
  /** Share of answerable cases that got the no-answer reply. */
  readonly falseNoAnswerRate: number | null;
  readonly answerable: number;
  /** Means over the cases with a `referenceAnswer`. */
  readonly rougeL: number | null;
  readonly bleu: number | null;
  readonly withReference: number;
  /** Of the scored (last) turns that were answered. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly max: number | null;
  };
  /** Answers where the guardrail intervened (blocked the question or masked something). */
  readonly guardrailInterventions: number;
  /**
   * Cases grouped by the kind letter of ids shaped `<name>-<q|p|f|n><NN>` (q direct question,
   * p paraphrase, f follow-up, n no-answer); absent when no id has that shape.
   */
  readonly byIdKind?: Readonly<Record<string, { readonly cases: number; readonly passed: number }>>;
}

/** The kind an id names (`help-p07` → `paraphrase`), or undefined when it names none. */
export function idKindOf(id: string): string | undefined {
  const letter = /-([qpfn])\d+$/.exec(id)?.[1];
  return letter === undefined
    ? undefined
    : ({ q: 'direct', p: 'paraphrase', f: 'follow-up', n: 'no-answer' } as const)[letter as 'q'];
}

function groupByIdKind(results: readonly CaseResult[]): EvalSummary['byIdKind'] {
  const groups: Record<string, { cases: number; passed: number }> = {};
  for (const r of results) {
    const kind = idKindOf(r.id);
    if (kind === undefined) continue;
    const group = groups[kind] ?? { cases: 0, passed: 0 };
    groups[kind] = { cases: group.cases + 1, passed: group.passed + (r.pass ? 1 : 0) };
  }
  return Object.keys(groups).length === 0 ? undefined : groups;
}

const share = (hits: number, of: number) => (of === 0 ? null : hits / of);
const finite = (value: number) => (Number.isFinite(value) ? value : null);

export function summarize(results: readonly CaseResult[]): EvalSummary {
  const count = (predicate: (r: CaseResult) => boolean) => results.filter(predicate).length;
  const sourced = results.filter((r) => r.scores.citationHit !== null);
  const noAnswer = results.filter((r) => r.scores.declined !== null);
  const answerable = results.filter((r) => !r.expectNoAnswer && r.outcome !== 'error');
  const referenced = results.filter((r) => r.scores.rougeL !== null);
  const latencies = results.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  const byIdKind = groupByIdKind(results);
  return {
    cases: results.length,
    byKind: {
      question: count((r) => r.kind === 'question'),
      'follow-up': count((r) => r.kind === 'follow-up'),
      'no-answer': count((r) => r.kind === 'no-answer'),
    },
    passed: count((r) => r.pass),
    missed: count((r) => !r.pass),
    errors: count((r) => r.outcome === 'error'),
    citationHitRate: share(sourced.filter((r) => r.scores.citationHit).length, sourced.length),
    firstCitationHitRate: share(sourced.filter((r) => r.scores.firstCitationHit).length, sourced.length),
    withExpectedSources: sourced.length,
    noAnswerAccuracy: share(noAnswer.filter((r) => r.scores.declined).length, noAnswer.length),
    expectNoAnswer: noAnswer.length,
    falseNoAnswerRate: share(answerable.filter((r) => r.scores.falseNoAnswer).length, answerable.length),
    answerable: answerable.length,
    rougeL: referenced.length ? mean(referenced.map((r) => r.scores.rougeL ?? 0)) : null,
    bleu: referenced.length ? mean(referenced.map((r) => r.scores.bleu ?? 0)) : null,
    withReference: referenced.length,
    latencyMs: {
      p50: finite(percentileOf(latencies, 0.5)),
      p95: finite(percentileOf(latencies, 0.95)),
      max: latencies.length ? Math.max(...latencies) : null,
    },
    guardrailInterventions: count((r) => r.guardrail.action === 'INTERVENED'),
    ...(byIdKind === undefined ? {} : { byIdKind }),
  };
}

/** Where and when a run happened, beside its `summary` and `results` in `report.json`. */
export interface RunInfo {
  readonly dataset: string;
  /** `local: DIR` for a stack the eval started, else the API URL. */
  readonly target: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly noAnswerText: string;
}

export interface EvalReport {
  readonly version: 1;
  readonly run: RunInfo;
  readonly summary: EvalSummary;
  readonly results: readonly CaseResult[];
}
