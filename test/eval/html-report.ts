/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, no network) with the
 * summary, a score chart, the latency distribution, the changes since a baseline, and every case,
 * misses first. Every piece of text from the dataset or the API goes through `escapeHtml`.
 */
import { type BaselineDiff, type CaseChange, formatDelta, formatMetric, verdictOf } from './baseline.ts';
import { comparisonRows, type ProfileDiff, type ProfilesReport } from './profiles.ts';
import type { CaseResult, EvalReport } from './scoring.ts';
import { matchesSource } from './scoring.ts';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const pct = (value: number | null) => (value === null ? '—' : `${(100 * value).toFixed(1)} %`);
const num = (value: number | null, digits = 3) => (value === null ? '—' : value.toFixed(digits));
const msText = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);

/** Errors first, then misses, then passes; dataset order within each group. */
export function missesFirst(results: readonly CaseResult[]): CaseResult[] {
  const rank = (r: CaseResult) => (r.outcome === 'error' ? 0 : r.pass ? 2 : 1);
  return [...results].sort((a, b) => rank(a) - rank(b) || a.line - b.line);
}

interface Bar {
  readonly label: string;
  readonly value: number | null;
  readonly baseline?: number | null;
  readonly detail: string;
}

/** Horizontal bars on a 0–100 % scale; a baseline value shows as a dark tick. */
function scoreChart(bars: readonly Bar[]): string {
  const width = 640;
  const labelWidth = 190;
  const barWidth = width - labelWidth - 70;
  const rowHeight = 30;
  const height = bars.length * rowHeight + 24;
  const rows = bars.map((bar, i) => {
    const y = i * rowHeight + 4;
    const w = bar.value === null ? 0 : Math.max(0, Math.min(1, bar.value)) * barWidth;
    const tick =
      bar.baseline === undefined || bar.baseline === null
        ? ''
        : `<line x1="${labelWidth + bar.baseline * barWidth}" x2="${labelWidth + bar.baseline * barWidth}" y1="${y - 2}" y2="${y + 22}" class="tick"><title>baseline ${escapeHtml(pct(bar.baseline))}</title></line>`;
    return `<g><text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(bar.label)}</text>
<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="20" class="track"/>
<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="20" class="bar"><title>${escapeHtml(bar.detail)}</title></rect>${tick}
<text x="${labelWidth + barWidth + 6}" y="${y + 15}">${escapeHtml(bar.value === null ? 'n/a' : pct(bar.value))}</text></g>`;
  });
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const x = labelWidth + t * barWidth;
      return `<line x1="${x}" x2="${x}" y1="0" y2="${height - 20}" class="grid"/><text x="${x}" y="${height - 6}" text-anchor="middle" class="axis">${t * 100} %</text>`;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Scores">${axis}${rows.join('')}</svg>`;
}

/** Histogram of the scored turns' latencies, with p50 and p95 marked. */
export function latencyChart(latencies: readonly number[], p50: number | null, p95: number | null): string {
  if (latencies.length === 0) return '<p>No answered turns.</p>';
  const width = 640;
  const height = 220;
  const left = 48;
  const bottom = 30;
  const plotWidth = width - left - 12;
  const plotHeight = height - bottom - 16;
  const max = Math.max(...latencies) * 1.05 || 1;
  const binCount = Math.min(24, Math.max(6, Math.ceil(Math.sqrt(latencies.length) * 2)));
  const binWidth = max / binCount;
  const bins = new Array<number>(binCount).fill(0);
  for (const value of latencies) {
    const index = Math.min(binCount - 1, Math.floor(value / binWidth));
    bins[index] = (bins[index] ?? 0) + 1;
  }
  const tallest = Math.max(...bins, 1);
  const bars = bins
    .map((count, i) => {
      const h = (count / tallest) * plotHeight;
      const x = left + (i * plotWidth) / binCount;
      const label = `${Math.round(i * binWidth)}–${Math.round((i + 1) * binWidth)} ms: ${count} case${count === 1 ? '' : 's'}`;
      return `<rect x="${x.toFixed(1)}" y="${(16 + plotHeight - h).toFixed(1)}" width="${(plotWidth / binCount - 2).toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${escapeHtml(label)}</title></rect>`;
    })
    .join('');
  const marker = (value: number | null, name: string) => {
    if (value === null) return '';
    const x = left + (value / max) * plotWidth;
    return `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="10" y2="${16 + plotHeight}" class="marker"/><text x="${(x + 4).toFixed(1)}" y="12" class="axis">${escapeHtml(`${name} ${Math.round(value)} ms`)}</text>`;
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const x = left + t * plotWidth;
      const anchor = t === 0 ? 'start' : t === 1 ? 'end' : 'middle';
      return `<text x="${x.toFixed(1)}" y="${height - 10}" text-anchor="${anchor}" class="axis">${Math.round(t * max)} ms</text>`;
    })
    .join('');
  const yAxis = `<text x="${left - 6}" y="22" text-anchor="end" class="axis">${tallest}</text><text x="${left - 6}" y="${16 + plotHeight}" text-anchor="end" class="axis">0</text><line x1="${left}" x2="${left + plotWidth}" y1="${16 + plotHeight}" y2="${16 + plotHeight}" class="grid"/>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Latency distribution">${yAxis}${bars}${marker(p50, 'p50')}${marker(p95, 'p95')}${ticks}</svg>`;
}

function badge(r: CaseResult): string {
  if (r.outcome === 'error') return '<span class="badge error">ERROR</span>';
  return r.pass ? '<span class="badge pass">PASS</span>' : '<span class="badge miss">MISS</span>';
}

function sourcesCell(r: CaseResult): string {
  if (r.citedSources.length === 0) return '<span class="muted">none</span>';
  return r.citedSources
    .map((uri) => {
      const hit = r.expectedSources?.some((e) => matchesSource(uri, e)) ?? false;
      return `<div class="${hit ? 'hit' : ''}">${escapeHtml(uri)}</div>`;
    })
    .join('');
}

function expectationCell(r: CaseResult): string {
  if (r.expectNoAnswer) return '<em>no answer</em>';
  if (!r.expectedSources) return '<span class="muted">—</span>';
  return r.expectedSources.map((s) => `<div>${escapeHtml(s)}</div>`).join('');
}

function answerCell(r: CaseResult): string {
  if (r.outcome === 'error') return `<span class="error-text">${escapeHtml(r.error ?? 'error')}</span>`;
  const short = r.answer.length > 140 ? `${r.answer.slice(0, 140)}…` : r.answer;
  const reference = r.referenceAnswer
    ? `<p class="reference"><strong>Reference:</strong> ${escapeHtml(r.referenceAnswer)}</p>`
    : '';
  const problems = r.problems.length
    ? `<p class="problems">${r.problems.map((p) => escapeHtml(p)).join('<br>')}</p>`
    : '';
  return `${problems}<details><summary>${escapeHtml(short)}</summary><p class="answer">${escapeHtml(r.answer)}</p>${reference}</details>`;
}

function questionCell(r: CaseResult): string {
  const earlier = r.turns
    .slice(0, -1)
    .map((t) => `<div class="muted">› ${escapeHtml(t)}</div>`)
    .join('');
  return `${earlier}<div>${escapeHtml(r.question)}</div>`;
}

function latencyCell(r: CaseResult, max: number): string {
  if (r.latencyMs === null) return '—';
  const width = max > 0 ? Math.max(2, Math.round((r.latencyMs / max) * 60)) : 2;
  return `<span class="lat" style="width:${width}px"></span> ${escapeHtml(msText(r.latencyMs))}`;
}

function changeCell(change: CaseChange | undefined, added: boolean): string {
  if (added) return '<span class="muted">new case</span>';
  if (!change) return '';
  const label =
    change.kind === 'newly-missed'
      ? 'newly missed'
      : change.kind === 'newly-passed'
        ? 'newly passed'
        : 'changed';
  return `<span class="change ${escapeHtml(change.kind)}">${escapeHtml(label)}</span><div class="muted">${change.details.map((d) => escapeHtml(d)).join('<br>')}</div>`;
}

function caseTable(report: EvalReport, diff?: BaselineDiff): string {
  const changes = new Map<string, CaseChange>();
  for (const change of [...(diff?.newlyMissed ?? []), ...(diff?.newlyPassed ?? []), ...(diff?.changed ?? [])])
    changes.set(change.id, change);
  const added = new Set(diff?.added ?? []);
  const maxLatency = Math.max(0, ...report.results.map((r) => r.latencyMs ?? 0));
  const rows = missesFirst(report.results).map(
    (r) => `<tr class="${r.pass ? 'row-pass' : 'row-miss'}">
<td>${badge(r)}</td>
<td><code>${escapeHtml(r.id)}</code><div class="muted">${escapeHtml(r.kind)}</div></td>
<td>${questionCell(r)}</td>
<td>${expectationCell(r)}</td>
<td class="sources">${sourcesCell(r)}</td>
<td>${answerCell(r)}</td>
<td class="num">${num(r.scores.rougeL, 2)}</td>
<td class="num">${num(r.scores.bleu, 2)}</td>
<td class="num">${latencyCell(r, maxLatency)}</td>
${diff ? `<td>${changeCell(changes.get(r.id), added.has(r.id))}</td>` : ''}
</tr>`,
  );
  return `<table class="cases"><thead><tr><th></th><th>id</th><th>question</th><th>expected</th><th>cited</th><th>answer</th><th>ROUGE-L</th><th>BLEU</th><th>latency</th>${diff ? '<th>since baseline</th>' : ''}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function baselineSection(diff: BaselineDiff): string {
  const rows = diff.summary
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.metric)}</td><td class="num">${escapeHtml(formatMetric(d.metric, d.before))}</td><td class="num">${escapeHtml(formatMetric(d.metric, d.after))}</td><td class="num ${verdictOf(d)}">${escapeHtml(formatDelta(d))}</td></tr>`,
    )
    .join('');
  const list = (title: string, changes: readonly CaseChange[]) =>
    changes.length === 0
      ? ''
      : `<h3>${escapeHtml(title)} (${changes.length})</h3><ul>${changes
          .map(
            (c) =>
              `<li><code>${escapeHtml(c.id)}</code> ${escapeHtml(c.question)}${c.details.length ? `<div class="muted">${c.details.map((d) => escapeHtml(d)).join('; ')}</div>` : ''}</li>`,
          )
          .join('')}</ul>`;
  const ids = (title: string, values: readonly string[]) =>
    values.length
      ? `<p>${escapeHtml(title)}: ${values.map((v) => `<code>${escapeHtml(v)}</code>`).join(', ')}</p>`
      : '';
  return `<section><h2>Since the baseline</h2>
<p class="muted">Baseline: ${escapeHtml(diff.baseline.dataset)} on ${escapeHtml(diff.baseline.target)}, ${escapeHtml(diff.baseline.startedAt)}</p>
<table class="deltas"><thead><tr><th>metric</th><th>baseline</th><th>now</th><th>change</th></tr></thead><tbody>${rows}</tbody></table>
${list('Newly missed', diff.newlyMissed)}${list('Newly passed', diff.newlyPassed)}${list('Other changes', diff.changed)}
${ids('New cases', diff.added)}${ids('Cases no longer in the dataset', diff.removed)}
${diff.newlyMissed.length + diff.newlyPassed.length + diff.changed.length === 0 ? '<p>No case changed.</p>' : ''}</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:16px 0 6px}
.muted{color:#6a7280;font-size:12px}code{font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.card{border:1px solid #dde1e8;border-radius:8px;padding:10px 14px;min-width:150px}
.card .value{font-size:20px;font-weight:600}.card .label{color:#6a7280;font-size:12px}
.better{color:#17803d}.worse{color:#b42318}.same{color:#6a7280}
svg text{font-size:12px;fill:#1d2330}svg .axis{fill:#6a7280;font-size:11px}
svg .bar{fill:#4f6bed}svg .track{fill:#eef1f6}svg .grid{stroke:#e3e6ec}svg .tick{stroke:#1d2330;stroke-width:2}
svg .marker{stroke:#b42318;stroke-dasharray:4 3}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eceff3;padding:6px 8px;text-align:left;vertical-align:top}
th{font-size:12px;color:#6a7280;font-weight:600;position:sticky;top:0;background:#fff}
td.num{text-align:right;white-space:nowrap}table.deltas{width:auto}
.badge{font-size:11px;font-weight:700;padding:2px 6px;border-radius:4px}
.badge.pass{background:#dcf5e3;color:#17803d}.badge.miss{background:#fde4e1;color:#b42318}.badge.error{background:#1d2330;color:#fff}
.row-miss{background:#fffafa}.sources{min-width:180px}.sources div{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}td code{white-space:nowrap}
.sources .hit{color:#17803d;font-weight:600}.problems{color:#b42318;margin:0 0 4px;font-size:12px}
.error-text{color:#b42318}.answer{white-space:pre-wrap}.reference{color:#44506a}
details summary{cursor:pointer}.lat{display:inline-block;height:8px;background:#4f6bed;border-radius:2px;vertical-align:middle}
.change{font-weight:600;font-size:12px}.change.newly-missed{color:#b42318}.change.newly-passed{color:#17803d}
`;

export function renderHtmlReport(report: EvalReport, diff?: BaselineDiff): string {
  return page(
    `Lantern eval — ${report.run.dataset}`,
    `<h1>Lantern evaluation — ${escapeHtml(report.run.dataset)}</h1>\n${reportBody(report, diff)}`,
  );
}

/** One page, self-contained: inline CSS, no script. `title` is text; `body` is HTML. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

/**
 * The page of a run with `--profile`: the profiles side by side, then each profile's report whole,
 * with what changed since the baseline's profile of the same name (or that it is new).
 */
export function renderProfilesHtmlReport(report: ProfilesReport, diffs?: readonly ProfileDiff[]): string {
  const names = report.profiles.map((run) => run.profile);
  const rows = comparisonRows(report)
    .map(
      (row) =>
        `<tr><th scope="row">${escapeHtml(row.label)}</th>${row.values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const sections = report.profiles.map((run) => {
    const entry = diffs?.find((d) => d.profile === run.profile);
    const isNew = diffs !== undefined && entry?.diff === undefined;
    return `<article id="profile-${escapeHtml(run.profile)}"><h2>Profile ${escapeHtml(run.profile)}</h2>
${isNew ? '<p class="muted">New: the baseline has no profile of this name.</p>' : ''}${reportBody(run, entry?.diff)}</article>`;
  });
  return page(
    `Lantern eval — ${report.run.dataset} — ${names.join(', ')}`,
    `<h1>Lantern evaluation — ${escapeHtml(report.run.dataset)}, ${names.length} profiles</h1>
<p class="muted">${escapeHtml(report.run.target)} · started ${escapeHtml(report.run.startedAt)} · ${escapeHtml((report.run.durationMs / 1000).toFixed(1))} s</p>
<section><h2>Profiles side by side</h2><table><thead><tr><th>metric</th>${names
      .map((name) => `<th><a href="#profile-${escapeHtml(name)}">${escapeHtml(name)}</a></th>`)
      .join('')}</tr></thead><tbody>
${rows}
</tbody></table></section>
${sections.join('\n')}`,
  );
}

/** A run's summary, charts, baseline changes and cases, under the page's own heading. */
function reportBody(report: EvalReport, diff?: BaselineDiff): string {
  const { summary: s, run } = report;
  const delta = (metric: string) => {
    const d = diff?.summary.find((x) => x.metric === metric);
    return d && d.delta !== null && d.delta !== 0
      ? ` <span class="${verdictOf(d)}">${escapeHtml(formatDelta(d))}</span>`
      : '';
  };
  const before = (metric: string) => diff?.summary.find((x) => x.metric === metric)?.before ?? null;
  const card = (label: string, value: string, metric?: string, note?: string) =>
    `<div class="card"><div class="value">${escapeHtml(value)}${metric ? delta(metric) : ''}</div><div class="label">${escapeHtml(label)}${note ? ` · ${escapeHtml(note)}` : ''}</div></div>`;
  const latencies = report.results.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  return `<p class="muted">${escapeHtml(run.target)} · started ${escapeHtml(run.startedAt)} · ${escapeHtml((run.durationMs / 1000).toFixed(1))} s · concurrency ${escapeHtml(run.concurrency)}</p>
<div class="cards">
${card('cases passed', `${s.passed}/${s.cases}`, 'passed', `${s.errors} errors`)}
${card('citation hit rate', pct(s.citationHitRate), 'citationHitRate', `${s.withExpectedSources} cases`)}
${card('first citation hit rate', pct(s.firstCitationHitRate), 'firstCitationHitRate')}
${card('no-answer accuracy', pct(s.noAnswerAccuracy), 'noAnswerAccuracy', `${s.expectNoAnswer} cases`)}
${card('false no-answer rate', pct(s.falseNoAnswerRate), 'falseNoAnswerRate', `${s.answerable} cases`)}
${card('ROUGE-L', num(s.rougeL), 'rougeL', `${s.withReference} references`)}
${card('BLEU', num(s.bleu), 'bleu')}
${card('latency p50 / p95', `${msText(s.latencyMs.p50)} / ${msText(s.latencyMs.p95)}`, 'latencyMs.p95')}
${card('guardrail interventions', String(s.guardrailInterventions), 'guardrailInterventions')}
</div>
<section><h2>Scores</h2>${scoreChart([
    {
      label: 'citation hit rate',
      value: s.citationHitRate,
      baseline: before('citationHitRate'),
      detail: `${s.withExpectedSources} cases with expected sources`,
    },
    {
      label: 'first citation hit rate',
      value: s.firstCitationHitRate,
      baseline: before('firstCitationHitRate'),
      detail: 'first cited document expected',
    },
    {
      label: 'no-answer accuracy',
      value: s.noAnswerAccuracy,
      baseline: before('noAnswerAccuracy'),
      detail: `${s.expectNoAnswer} off-topic cases`,
    },
    {
      label: 'false no-answer rate',
      value: s.falseNoAnswerRate,
      baseline: before('falseNoAnswerRate'),
      detail: 'answerable cases declined (lower is better)',
    },
    {
      label: 'ROUGE-L (mean)',
      value: s.rougeL,
      baseline: before('rougeL'),
      detail: `${s.withReference} reference answers`,
    },
    {
      label: 'BLEU (mean)',
      value: s.bleu,
      baseline: before('bleu'),
      detail: `${s.withReference} reference answers`,
    },
  ])}${diff ? '<p class="muted">Dark ticks: the baseline.</p>' : ''}</section>
<section><h2>Latency of the scored turn (${latencies.length} answers)</h2>${latencyChart(latencies, s.latencyMs.p50, s.latencyMs.p95)}</section>
${diff ? baselineSection(diff) : ''}
<section><h2>Cases, misses first</h2>${caseTable(report, diff)}</section>`;
}
