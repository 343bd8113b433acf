/**
 * `--profile`: one dataset asked once per answer profile (one API key each), so a team compares
 * prompts, reranking and filters on its own questions. The report holds each profile's run whole,
 * and `--baseline` compares profile with profile of the same name.
 */
import { type BaselineDiff, diffReports, formatMetric } from './baseline.ts';
import type { EvalReport, EvalSummary, RunInfo } from './scoring.ts';

/** A profile named on the command line, with its key when one was given or found. */
export interface ProfileArg {
  readonly name: string;
  readonly apiKey?: string;
}

export interface ProfileRun extends EvalReport {
  readonly profile: string;
}

/** `report.json` of a run with `--profile`: the shared run facts, then each profile's report. */
export interface ProfilesReport {
  readonly version: 1;
  readonly run: RunInfo;
  readonly profiles: readonly ProfileRun[];
}

export class ProfileArgError extends Error {
  override readonly name = 'ProfileArgError';
}

/** Profile names as the answer settings write them, and `default` for the deployment's defaults. */
const PROFILE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** A report without profiles is compared with the profile of this name. */
export const UNPROFILED = 'default';

/** `LANTERN_API_KEY_<NAME>`: the name upper-cased, `-` as `_`. */
export function profileKeyVariable(name: string): string {
  return `LANTERN_API_KEY_${name.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Reads repeated `--profile NAME=KEY` or `--profile NAME` (the key then comes from
 * `LANTERN_API_KEY_<NAME>`, or offline from the settings file's `localApiKey`).
 */
export function parseProfileArgs(values: readonly string[], env: NodeJS.ProcessEnv): ProfileArg[] {
  const seen = new Set<string>();
  return values.map((value) => {
    const at = value.indexOf('=');
    const name = (at < 0 ? value : value.slice(0, at)).trim();
    if (!PROFILE_NAME.test(name)) {
      throw new ProfileArgError(
        `--profile ${value}: a profile name is lower-case letters, digits or -, starting with a letter or digit (NAME or NAME=KEY)`,
      );
    }
    if (seen.has(name)) throw new ProfileArgError(`--profile ${name} is given twice`);
    seen.add(name);
    const apiKey = at < 0 ? env[profileKeyVariable(name)] : value.slice(at + 1);
    if (apiKey !== undefined && !apiKey.trim())
      throw new ProfileArgError(`--profile ${name}= has an empty key`);
    return apiKey === undefined ? { name } : { name, apiKey };
  });
}

/** The profiles of a report by name: a report without profiles counts as {@link UNPROFILED}. */
export function profilesOf(report: EvalReport | ProfilesReport): ReadonlyMap<string, EvalReport> {
  if ('profiles' in report) return new Map(report.profiles.map((run) => [run.profile, run]));
  return new Map([[UNPROFILED, report]]);
}

export interface ProfileDiff {
  readonly profile: string;
  /** Absent for a profile the baseline did not run: it is new. */
  readonly diff?: BaselineDiff;
}

export function diffProfiles(baseline: EvalReport | ProfilesReport, current: ProfilesReport): ProfileDiff[] {
  const before = profilesOf(baseline);
  return current.profiles.map((run) => {
    const old = before.get(run.profile);
    return old ? { profile: run.profile, diff: diffReports(old, run) } : { profile: run.profile };
  });
}

const COMPARED: readonly { readonly label: string; readonly value: (s: EvalSummary) => string }[] = [
  { label: 'passed / cases', value: (s) => `${s.passed} / ${s.cases}` },
  { label: 'errors', value: (s) => String(s.errors) },
  { label: 'citationHitRate', value: (s) => formatMetric('citationHitRate', s.citationHitRate) },
  {
    label: 'firstCitationHitRate',
    value: (s) => formatMetric('firstCitationHitRate', s.firstCitationHitRate),
  },
  { label: 'noAnswerAccuracy', value: (s) => formatMetric('noAnswerAccuracy', s.noAnswerAccuracy) },
  { label: 'falseNoAnswerRate', value: (s) => formatMetric('falseNoAnswerRate', s.falseNoAnswerRate) },
  { label: 'ROUGE-L', value: (s) => formatMetric('rougeL', s.rougeL) },
  { label: 'BLEU', value: (s) => formatMetric('bleu', s.bleu) },
  { label: 'latency p50', value: (s) => formatMetric('latencyMs.p50', s.latencyMs.p50) },
  { label: 'latency p95', value: (s) => formatMetric('latencyMs.p95', s.latencyMs.p95) },
  { label: 'guardrailInterventions', value: (s) => String(s.guardrailInterventions) },
];

/** The profiles side by side: one row per metric, one column per profile. */
export function comparisonRows(
  report: ProfilesReport,
): { readonly label: string; readonly values: string[] }[] {
  return COMPARED.map(({ label, value }) => ({
    label,
    values: report.profiles.map((run) => value(run.summary)),
  }));
}

export function formatComparison(report: ProfilesReport): string {
  const names = report.profiles.map((run) => run.profile);
  return [
    `| metric | ${names.join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} |`,
    ...comparisonRows(report).map((row) => `| ${row.label} | ${row.values.join(' | ')} |`),
  ].join('\n');
}
