import { describe, expect, it } from 'vitest';
import { diffReports } from './baseline.ts';
import type { EvalCase } from './dataset.ts';
import { escapeHtml, latencyChart, missesFirst, renderHtmlReport } from './html-report.ts';
import { type CaseAnswer, type EvalReport, scoreCase, summarize } from './scoring.ts';

const NO_ANSWER = 'Sorry, I am unable to assist you with this request.';
const EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

const got = (answer: string, uri?: string): CaseAnswer => ({
  ok: true,
  sessionId: 's',
  answer,
  citations: uri ? [{ start: 0, end: 1, text: 'x', references: [{ sourceUri: uri, excerpt: '' }] }] : [],
  guardrail: { action: 'NONE' },
  turnLatenciesMs: [42],
});
const c = (id: string, over: Partial<EvalCase> = {}): EvalCase => ({
  id,
  turns: [`q ${id}`],
  expectNoAnswer: false,
  line: Number(id.replace(/\D/g, '')) || 1,
  ...over,
});

function report(results: ReturnType<typeof scoreCase>[]): EvalReport {
  return {
    version: 1,
    run: {
      dataset: `set-${EVIL}.jsonl`,
      target: 'local',
      startedAt: 'now',
      durationMs: 5,
      concurrency: 1,
      noAnswerText: NO_ANSWER,
    },
    summary: summarize(results),
    results,
  };
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('renderHtmlReport', () => {
  const results = [
    scoreCase(c('q1', { expectedSources: ['a.md'] }), got('fine', 's3://d/a.md'), NO_ANSWER),
    scoreCase(
      c('q2', { turns: [EVIL, EVIL], expectedSources: [EVIL], referenceAnswer: EVIL }),
      got(EVIL, `s3://d/other-${EVIL}`),
      NO_ANSWER,
    ),
    scoreCase(c('q3'), { ok: false, error: EVIL, turnLatenciesMs: [] }, NO_ANSWER),
  ];
  const html = renderHtmlReport(report(results), diffReports(report(results.slice(0, 1)), report(results)));

  it('escapes every piece of text from the dataset and the API', () => {
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('is self-contained: no script, no external resource', () => {
    expect(html).not.toMatch(/<script|<link|@import|src="http|href="http/i);
    expect(html).toContain('<svg');
  });

  it('lists errors, then misses, then passes', () => {
    expect(missesFirst(results).map((r) => r.id)).toEqual(['q3', 'q2', 'q1']);
    const table = html.slice(html.indexOf('Cases, misses first'));
    expect(table.indexOf('<code>q3</code>')).toBeLessThan(table.indexOf('<code>q2</code>'));
    expect(table.indexOf('<code>q2</code>')).toBeLessThan(table.indexOf('<code>q1</code>'));
  });

  it('shows the baseline comparison', () => {
    expect(html).toContain('Since the baseline');
    expect(html).toContain('New cases');
  });
});

describe('latencyChart', () => {
  it('draws one bar per bin and marks p50 and p95', () => {
    const svg = latencyChart([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 50, 100);
    expect(svg.match(/<rect /g)?.length).toBeGreaterThanOrEqual(6);
    expect(svg).toContain('p50 50 ms');
    expect(svg).toContain('p95 100 ms');
    expect(latencyChart([], null, null)).toContain('No answered turns');
  });
});
