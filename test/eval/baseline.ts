/**
 * `--baseline report.json`: what changed between an earlier run and this one, per case (matched by
 * id) and in the summary. Newly missed cases come first, then newly passing ones.
 */
import { readFileSync } from 'node:fs';
import type { ProfilesReport } from './profiles.ts';
import type { CaseResult, EvalReport, EvalSummary, Outcome } from './scoring.ts';

/** A change of ROUGE-L or BLEU smaller than this is noise, not a change worth listing. */
const SCORE_EPSILON = 0.05;

export type ChangeKind = 'newly-missed' | 'newly-passed' | 'changed';

export interface CaseSnapshot {
  readonly pass: boolean;
  readonly outcome: Outcome;
  readonly citedSources: readonly string[];
  readonly rougeL: number | null;
  readonly bleu: number | null;
  readonly latencyMs: number | null;
  readonly problems: readonly string[];
}

export interface CaseChange {
  readonly id: string;
  readonly question: string;
  readonly kind: ChangeKind;
  /** What differs, in words: `outcome answered → no-answer`, `first source a.md → b.md`, … */
  readonly details: readonly string[];
  readonly before: CaseSnapshot;
  readonly after: CaseSnapshot;
}

export interface SummaryDelta {
  readonly metric: string;
  readonly before: number | null;
  readonly after: number | null;
  /** after − before; null when either is missing. */
  readonly delta: number | null;
  /** Whether a rise is good (rates, scores) or bad (misses, latency). */
  readonly higherIsBetter: boolean;
}

export interface BaselineDiff {
  readonly baseline: { readonly dataset: string; readonly target: string; readonly startedAt: string };
  readonly summary: readonly SummaryDelta[];
  readonly newlyMissed: readonly CaseChange[];
  readonly newlyPassed: readonly CaseChange[];
  readonly changed: readonly CaseChange[];
  /** Ids only in this run / only in the baseline. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

const SUMMARY_METRICS: readonly {
  metric: string;
  pick: (s: EvalSummary) => number | null;
  higherIsBetter: boolean;
}[] = [
  { metric: 'citationHitRate', pick: (s) => s.citationHitRate, higherIsBetter: true },
  { metric: 'firstCitationHitRate', pick: (s) => s.firstCitationHitRate, higherIsBetter: true },
  { metric: 'noAnswerAccuracy', pick: (s) => s.noAnswerAccuracy, higherIsBetter: true },
  { metric: 'falseNoAnswerRate', pick: (s) => s.falseNoAnswerRate, higherIsBetter: false },
  { metric: 'rougeL', pick: (s) => s.rougeL, higherIsBetter: true },
  { metric: 'bleu', pick: (s) => s.bleu, higherIsBetter: true },
  { metric: 'latencyMs.p50', pick: (s) => s.latencyMs.p50, higherIsBetter: false },
  { metric: 'latencyMs.p95', pick: (s) => s.latencyMs.p95, higherIsBetter: false },
  { metric: 'passed', pick: (s) => s.passed, higherIsBetter: true },
  { metric: 'missed', pick: (s) => s.missed, higherIsBetter: false },
  { metric: 'errors', pick: (s) => s.errors, higherIsBetter: false },
  { metric: 'guardrailInterventions', pick: (s) => s.guardrailInterventions, higherIsBetter: false },
];

const snapshot = (r: CaseResult): CaseSnapshot => ({
  pass: r.pass,
  outcome: r.outcome,
  citedSources: r.citedSources,
  rougeL: r.scores.rougeL,
  bleu: r.scores.bleu,
  latencyMs: r.latencyMs,
  problems: r.problems,
});

const fixed = (value: number | null) => (value === null ? '—' : value.toFixed(2));

function describe(before: CaseResult, after: CaseResult): string[] {
  const details: string[] = [];
  if (before.outcome !== after.outcome) details.push(`outcome ${before.outcome} → ${after.outcome}`);
  const firstBefore = before.citedSources[0] ?? '(none)';
  const firstAfter = after.citedSources[0] ?? '(none)';
  if (firstBefore !== firstAfter) details.push(`first source ${firstBefore} → ${firstAfter}`);
  for (const metric of ['rougeL', 'bleu'] as const) {
    const a = before.scores[metric];
    const b = after.scores[metric];
    if (a !== null && b !== null && Math.abs(b - a) >= SCORE_EPSILON)
      details.push(`${metric} ${fixed(a)} → ${fixed(b)}`);
  }
  if (before.pass !== after.pass && after.problems.length) details.push(...after.problems);
  return details;
}

export function diffReports(baseline: EvalReport, current: EvalReport): BaselineDiff {
  const before = new Map(baseline.results.map((r) => [r.id, r]));
  const after = new Map(current.results.map((r) => [r.id, r]));
  const newlyMissed: CaseChange[] = [];
  const newlyPassed: CaseChange[] = [];
  const changed: CaseChange[] = [];
  for (const result of current.results) {
    const old = before.get(result.id);
    if (!old) continue;
    const details = describe(old, result);
    const kind: ChangeKind | undefined =
      old.pass && !result.pass
        ? 'newly-missed'
        : !old.pass && result.pass
          ? 'newly-passed'
          : details.length
            ? 'changed'
            : undefined;
    if (!kind) continue;
    const change = {
      id: result.id,
      question: result.question,
      kind,
      details,
      before: snapshot(old),
      after: snapshot(result),
    };
    (kind === 'newly-missed' ? newlyMissed : kind === 'newly-passed' ? newlyPassed : changed).push(change);
  }
  return {
    baseline: {
      dataset: baseline.run.dataset,
      target: baseline.run.target,
      startedAt: baseline.run.startedAt,
    },
    summary: SUMMARY_METRICS.map(({ metric, pick, higherIsBetter }) => {
      const a = pick(baseline.summary);
      const b = pick(current.summary);
      return { metric, before: a, after: b, delta: a === null || b === null ? null : b - a, higherIsBetter };
    }),
    newlyMissed,
    newlyPassed,
    changed,
    added: current.results.filter((r) => !before.has(r.id)).map((r) => r.id),
    removed: baseline.results.filter((r) => !after.has(r.id)).map((r) => r.id),
  };
}

export class ReportFileError extends Error {
  override readonly name = 'ReportFileError';
}

/** Reads an earlier `report.json`, with or without profiles. */
export function loadBaseline(path: string): EvalReport | ProfilesReport {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ReportFileError(`cannot read baseline ${path}: ${(error as Error).message}`, { cause: error });
  }
  const report = value as Partial<ProfilesReport> | null;
  if (
    typeof report === 'object' &&
    report !== null &&
    report.version === 1 &&
    Array.isArray(report.profiles)
  ) {
    if (
      typeof report.run === 'object' &&
      report.profiles.every((run) => typeof run?.profile === 'string' && isEvalReport(run))
    ) {
      return report as ProfilesReport;
    }
  } else if (isEvalReport(value)) {
    return value;
  }
  throw new ReportFileError(
    `baseline ${path} is not an eval report.json (version 1, with run, summary and results, or with profiles)`,
  );
}

function isEvalReport(value: unknown): value is EvalReport {
  const report = value as Partial<EvalReport> | null;
  return (
    typeof report === 'object' &&
    report !== null &&
    report.version === 1 &&
    typeof report.summary === 'object' &&
    Array.isArray(report.results) &&
    typeof report.run === 'object'
  );
}

/** Formats a summary metric for people: rates and scores as percentages or 0.xx, latencies in ms. */
export function formatMetric(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (metric.endsWith('Rate') || metric === 'noAnswerAccuracy') return `${(100 * value).toFixed(1)} %`;
  if (metric.startsWith('latencyMs')) return `${value.toFixed(0)} ms`;
  if (metric === 'rougeL' || metric === 'bleu') return value.toFixed(3);
  return String(value);
}

export function formatDelta(delta: SummaryDelta): string {
  if (delta.delta === null) return '—';
  if (delta.delta === 0) return '=';
  const sign = delta.delta > 0 ? '+' : '−';
  const magnitude = Math.abs(delta.delta);
  const { metric } = delta;
  if (metric.endsWith('Rate') || metric === 'noAnswerAccuracy')
    return `${sign}${(100 * magnitude).toFixed(1)} pts`;
  if (metric.startsWith('latencyMs')) return `${sign}${magnitude.toFixed(0)} ms`;
  if (metric === 'rougeL' || metric === 'bleu') return `${sign}${magnitude.toFixed(3)}`;
  return `${sign}${magnitude}`;
}

/** Whether a delta is an improvement, a regression or neither. */
export function verdictOf(delta: SummaryDelta): 'better' | 'worse' | 'same' {
  if (delta.delta === null || delta.delta === 0) return 'same';
  return delta.delta > 0 === delta.higherIsBetter ? 'better' : 'worse';
}
