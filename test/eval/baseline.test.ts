import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffReports, formatDelta, loadBaseline, verdictOf } from './baseline.ts';
import type { ApiCitation } from './client.ts';
import type { EvalCase } from './dataset.ts';
import { type CaseAnswer, type EvalReport, scoreCase, summarize } from './scoring.ts';
import { formatDiff } from './text-report.ts';

const NO_ANSWER = 'Sorry, I am unable to assist you with this request.';
const cite = (uri: string): ApiCitation => ({
  start: 0,
  end: 1,
  text: 'x',
  references: [{ sourceUri: uri, excerpt: '' }],
});
const got = (answer: string, uris: string[], latency = 10): CaseAnswer => ({
  ok: true,
  sessionId: 's',
  answer,
  citations: uris.map(cite),
  guardrail: { action: 'NONE' },
  turnLatenciesMs: [latency],
});
const c = (id: string, over: Partial<EvalCase> = {}): EvalCase => ({
  id,
  turns: [`question ${id}`],
  expectNoAnswer: false,
  line: 1,
  ...over,
});

function report(results: ReturnType<typeof scoreCase>[]): EvalReport {
  const run = {
    dataset: 'set.jsonl',
    target: 'local',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    concurrency: 1,
    noAnswerText: NO_ANSWER,
  };
  return { version: 1, run, summary: summarize(results), results };
}

describe('diffReports', () => {
  const before = report([
    scoreCase(c('kept', { expectedSources: ['a.md'] }), got('a', ['s3://d/a.md']), NO_ANSWER),
    scoreCase(c('broke', { expectedSources: ['b.md'] }), got('b', ['s3://d/b.md']), NO_ANSWER),
    scoreCase(c('fixed', { expectedSources: ['f.md'] }), got('f', ['s3://d/z.md']), NO_ANSWER),
    scoreCase(
      c('wording', { referenceAnswer: 'one two three four' }),
      got('one two three four', ['s3://d/w.md']),
      NO_ANSWER,
    ),
    scoreCase(c('gone'), got('g', []), NO_ANSWER),
  ]);
  const after = report([
    scoreCase(c('kept', { expectedSources: ['a.md'] }), got('a', ['s3://d/a.md']), NO_ANSWER),
    scoreCase(c('broke', { expectedSources: ['b.md'] }), got(NO_ANSWER, []), NO_ANSWER),
    scoreCase(c('fixed', { expectedSources: ['f.md'] }), got('f', ['s3://d/f.md']), NO_ANSWER),
    scoreCase(
      c('wording', { referenceAnswer: 'one two three four' }),
      got('one two', ['s3://d/w.md']),
      NO_ANSWER,
    ),
    scoreCase(c('new'), got('n', []), NO_ANSWER),
  ]);
  const diff = diffReports(before, after);

  it('lists newly missed and newly passed cases with what changed', () => {
    expect(diff.newlyMissed.map((x) => x.id)).toEqual(['broke']);
    expect(diff.newlyMissed[0]?.details).toEqual([
      'outcome answered → no-answer',
      'first source s3://d/b.md → (none)',
      'declined a question the knowledge base answers',
    ]);
    expect(diff.newlyPassed.map((x) => x.id)).toEqual(['fixed']);
    expect(diff.changed.map((x) => x.id)).toEqual(['wording']);
    expect(diff.changed[0]?.details[0]).toMatch(/^rougeL 1\.00 → 0\.67$/);
    expect(diff.added).toEqual(['new']);
    expect(diff.removed).toEqual(['gone']);
  });

  it('gives summary deltas with their direction', () => {
    const hitRate = diff.summary.find((d) => d.metric === 'citationHitRate');
    expect(hitRate).toMatchObject({ before: 2 / 3, after: 2 / 3, delta: 0 });
    const falseNoAnswer = diff.summary.find((d) => d.metric === 'falseNoAnswerRate');
    expect(falseNoAnswer?.delta).toBeCloseTo(1 / 5, 10);
    expect(falseNoAnswer && verdictOf(falseNoAnswer)).toBe('worse');
    expect(falseNoAnswer && formatDelta(falseNoAnswer)).toBe('+20.0 pts');
    const rouge = diff.summary.find((d) => d.metric === 'rougeL');
    expect(rouge && verdictOf(rouge)).toBe('worse');
  });

  it('prints newly missed cases first on the console', () => {
    const text = formatDiff(diff);
    expect(text.indexOf('Newly missed')).toBeLessThan(text.indexOf('Newly passed'));
    expect(text).toContain('broke: question broke');
    expect(text).toContain('New cases: new');
  });
});

describe('loadBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lantern-baseline-'));

  it('reads a report.json back', () => {
    const path = join(dir, 'report.json');
    const original = report([scoreCase(c('a'), got('a', []), NO_ANSWER)]);
    writeFileSync(path, JSON.stringify(original));
    expect(loadBaseline(path)).toEqual(original);
  });

  it('refuses a file that is not a report', () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"results": []}');
    expect(() => loadBaseline(path)).toThrow(/is not an eval report\.json/);
    expect(() => loadBaseline(join(dir, 'missing.json'))).toThrow(/cannot read baseline/);
  });
});
