/** The console's view of a run: the summary as a Markdown table, misses, and the baseline diff. */
import { type BaselineDiff, type CaseChange, formatDelta, formatMetric } from './baseline.ts';
import { missesFirst } from './html-report.ts';
import { formatComparison, type ProfileDiff, type ProfilesReport } from './profiles.ts';
import type { EvalReport } from './scoring.ts';

const pct = (value: number | null) => formatMetric('citationHitRate', value);
const ratio = (value: number | null, of: number) => (value === null ? '—' : `${pct(value)} (of ${of})`);

export function formatSummary(report: EvalReport): string {
  const { summary: s, run } = report;
  const rows: [string, string][] = [
    [
      'cases (questions / follow-ups / no-answer)',
      `${s.cases} (${s.byKind.question} / ${s.byKind['follow-up']} / ${s.byKind['no-answer']})`,
    ],
    ['passed / missed / errors', `${s.passed} / ${s.missed} / ${s.errors}`],
    ['citationHitRate', ratio(s.citationHitRate, s.withExpectedSources)],
    ['firstCitationHitRate', ratio(s.firstCitationHitRate, s.withExpectedSources)],
    ['noAnswerAccuracy', ratio(s.noAnswerAccuracy, s.expectNoAnswer)],
    ['falseNoAnswerRate', ratio(s.falseNoAnswerRate, s.answerable)],
    ['ROUGE-L F1 (mean)', s.rougeL === null ? '—' : `${s.rougeL.toFixed(3)} (of ${s.withReference})`],
    ['BLEU-4 (mean)', s.bleu === null ? '—' : `${s.bleu.toFixed(3)} (of ${s.withReference})`],
    [
      'latencyMs p50 / p95 / max',
      `${formatMetric('latencyMs', s.latencyMs.p50)} / ${formatMetric('latencyMs', s.latencyMs.p95)} / ${formatMetric('latencyMs', s.latencyMs.max)}`,
    ],
    ['guardrailInterventions', String(s.guardrailInterventions)],
    ...Object.entries(s.byIdKind ?? {}).map(([kind, g]): [string, string] => [
      `passed: ${kind}`,
      `${g.passed} / ${g.cases} (${pct(g.passed / g.cases)})`,
    ]),
  ];
  return [
    `Dataset ${run.dataset} on ${run.target} (${(run.durationMs / 1000).toFixed(1)} s)`,
    '',
    '| metric | value |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
}

export function formatMisses(report: EvalReport, limit = 50): string {
  const misses = missesFirst(report.results).filter((r) => !r.pass);
  if (misses.length === 0) return 'No misses.';
  const lines = misses.slice(0, limit).map((r) => {
    const got = r.outcome === 'error' ? '' : ` → ${r.citedSources[0] ?? `(${r.outcome})`}`;
    return `  MISS ${r.id}: ${r.question}${got}\n       ${r.problems.join('; ')}`;
  });
  if (misses.length > limit) lines.push(`  … and ${misses.length - limit} more (see report.html)`);
  return `Misses (${misses.length}):\n${lines.join('\n')}`;
}

export function formatDiff(diff: BaselineDiff): string {
  const changed = diff.summary.filter((d) => d.delta !== null && d.delta !== 0);
  const out = [`Since the baseline (${diff.baseline.startedAt}):`];
  out.push(
    changed.length === 0
      ? '  summary unchanged'
      : changed
          .map(
            (d) =>
              `  ${d.metric}: ${formatMetric(d.metric, d.before)} → ${formatMetric(d.metric, d.after)} (${formatDelta(d)})`,
          )
          .join('\n'),
  );
  const list = (title: string, changes: readonly CaseChange[]) => {
    if (changes.length === 0) return;
    out.push(`${title} (${changes.length}):`);
    for (const c of changes)
      out.push(`  ${c.id}: ${c.question}${c.details.length ? `\n       ${c.details.join('; ')}` : ''}`);
  };
  list('Newly missed', diff.newlyMissed);
  list('Newly passed', diff.newlyPassed);
  list('Other changes', diff.changed);
  if (diff.added.length) out.push(`New cases: ${diff.added.join(', ')}`);
  if (diff.removed.length) out.push(`Cases no longer in the dataset: ${diff.removed.join(', ')}`);
  return out.join('\n');
}

/** A run with `--profile`: each profile's summary and misses, the profiles side by side, the diffs. */
export function formatProfiles(
  report: ProfilesReport,
  diffs?: readonly ProfileDiff[],
  missLimit = 20,
): string {
  const out: string[] = [];
  for (const run of report.profiles) {
    out.push(`## Profile ${run.profile}`, '', formatSummary(run), '', formatMisses(run, missLimit), '');
  }
  out.push(`## Profiles side by side (${report.run.dataset})`, '', formatComparison(report));
  for (const entry of diffs ?? []) {
    out.push(
      '',
      `## Profile ${entry.profile}: ${entry.diff ? formatDiff(entry.diff) : 'new, not in the baseline'}`,
    );
  }
  return out.join('\n');
}
