import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaseline } from './baseline.ts';
import type { EvalCase } from './dataset.ts';
import { renderProfilesHtmlReport } from './html-report.ts';
import {
  diffProfiles,
  formatComparison,
  type ProfilesReport,
  parseProfileArgs,
  profileKeyVariable,
} from './profiles.ts';
import { type CaseAnswer, type EvalReport, scoreCase, summarize } from './scoring.ts';
import { formatProfiles } from './text-report.ts';

const NO_ANSWER = 'Sorry, I am unable to assist you with this request.';
const run = {
  dataset: 'set.jsonl',
  target: 'https://api.example.com',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 10,
  concurrency: 1,
  noAnswerText: NO_ANSWER,
};
const c = (id: string): EvalCase => ({
  id,
  turns: [`question ${id}`],
  expectedSources: [`${id}.md`],
  expectNoAnswer: false,
  line: 1,
});
const got = (uri: string | undefined): CaseAnswer => ({
  ok: true,
  sessionId: 's',
  answer: uri ? 'an answer' : NO_ANSWER,
  citations: uri ? [{ start: 0, end: 1, text: 'a', references: [{ sourceUri: uri }] }] : [],
  guardrail: { action: 'NONE' },
  turnLatenciesMs: [10],
});
function report(hits: Record<string, string | undefined>): EvalReport {
  const results = Object.entries(hits).map(([id, uri]) => scoreCase(c(id), got(uri), NO_ANSWER));
  return { version: 1, run, summary: summarize(results), results };
}
const profiles = (runs: Record<string, EvalReport>): ProfilesReport => ({
  version: 1,
  run,
  profiles: Object.entries(runs).map(([profile, r]) => ({ profile, ...r })),
});

describe('--profile arguments', () => {
  it('reads NAME=KEY, and NAME with its key from LANTERN_API_KEY_<NAME>', () => {
    const env = { LANTERN_API_KEY_TEAM_B: 'key-b' };
    expect(parseProfileArgs(['team-a=key=with=equals', 'team-b', 'default'], env)).toEqual([
      { name: 'team-a', apiKey: 'key=with=equals' },
      { name: 'team-b', apiKey: 'key-b' },
      { name: 'default' },
    ]);
    expect(profileKeyVariable('team-b')).toBe('LANTERN_API_KEY_TEAM_B');
  });

  it('refuses a bad name, a repeated profile and an empty key, naming it', () => {
    expect(() => parseProfileArgs(['Team A=k'], {})).toThrow(
      /--profile Team A=k: a profile name is lower-case/,
    );
    expect(() => parseProfileArgs(['a=1', 'a=2'], {})).toThrow('--profile a is given twice');
    expect(() => parseProfileArgs(['a='], {})).toThrow('--profile a= has an empty key');
  });
});

describe('reports per profile', () => {
  const current = profiles({
    strict: report({ one: 's3://d/one.md', two: undefined }),
    loose: report({ one: 's3://d/one.md', two: 's3://d/two.md' }),
    fresh: report({ one: undefined, two: undefined }),
  });

  it('compares the profiles side by side', () => {
    expect(formatComparison(current)).toContain('| metric | strict | loose | fresh |');
    expect(formatComparison(current)).toContain('| passed / cases | 1 / 2 | 2 / 2 | 0 / 2 |');
    expect(formatComparison(current)).toContain('| citationHitRate | 50.0 % | 100.0 % | 0.0 % |');
  });

  it('diffs each profile with the baseline profile of its name, and reports a profile the baseline lacks as new', () => {
    const baseline = profiles({
      strict: report({ one: 's3://d/one.md', two: 's3://d/two.md' }),
      loose: report({ one: 's3://d/one.md', two: 's3://d/two.md' }),
    });
    const diffs = diffProfiles(baseline, current);
    expect(diffs.map((d) => [d.profile, d.diff?.newlyMissed.map((m) => m.id) ?? 'new'])).toEqual([
      ['strict', ['two']],
      ['loose', []],
      ['fresh', 'new'],
    ]);
    const text = formatProfiles(current, diffs);
    expect(text).toContain('## Profile strict\n\nDataset set.jsonl on https://api.example.com');
    expect(text).toContain('## Profile fresh: new, not in the baseline');
    expect(text).toMatch(
      /## Profile strict: Since the baseline[\s\S]*Newly missed \(1\):\n {2}two: question two/,
    );
    const html = renderProfilesHtmlReport(current, diffs);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>Lantern evaluation — set.jsonl, 3 profiles</h1>');
    expect(html).toContain(
      '<article id="profile-fresh"><h2>Profile fresh</h2>\n<p class="muted">New: the baseline has no profile of this name.</p>',
    );
    expect(html).not.toMatch(/<script|src="http/);
  });

  it('compares a baseline without profiles with the profile named default', () => {
    const diffs = diffProfiles(
      report({ one: 's3://d/one.md', two: 's3://d/two.md' }),
      profiles({
        default: report({ one: undefined, two: 's3://d/two.md' }),
        other: report({ one: undefined, two: undefined }),
      }),
    );
    expect(diffs.map((d) => [d.profile, d.diff?.newlyMissed.map((m) => m.id) ?? 'new'])).toEqual([
      ['default', ['one']],
      ['other', 'new'],
    ]);
  });

  it('reads a report.json with profiles back as a baseline, and says what a file is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-eval-profiles-'));
    const path = join(dir, 'report.json');
    writeFileSync(path, JSON.stringify(current));
    expect(loadBaseline(path)).toEqual(current);
    writeFileSync(path, JSON.stringify({ version: 1, run, profiles: [{ profile: 'a' }] }));
    expect(() => loadBaseline(path)).toThrow(/is not an eval report\.json/);
  });
});
