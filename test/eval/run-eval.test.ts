import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, bootStack, tempDir } from '../helpers/local-stack.ts';
import { parseDataset } from './dataset.ts';
import { runEval } from './runner.ts';
import type { EvalReport } from './scoring.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** `npm run eval` as a child process against `url`, with these further arguments. */
const runEvalCli = (url: string, ...args: string[]) =>
  run(
    process.execPath,
    ['--import', 'tsx', 'test/eval/run-eval.ts', '--url', url, '--api-key', API_KEY, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );

const DATASET = [
  {
    id: 'reset',
    question: 'How do I reset my password?',
    expectedSources: ['account/reset-your-password.md'],
    referenceAnswer: 'Click Forgot password? on the sign-in page and follow the link in the email.',
  },
  {
    id: 'reset-follow-up',
    turns: ['How do I reset my password?', 'how long is the link valid?'],
    expectedSources: ['account/reset-your-password.md'],
  },
  {
    id: 'refund',
    question: 'Can we get a refund on an annual plan?',
    expectedSources: ['billing/refund-policy.md'],
  },
  {
    id: 'wrong-source',
    question: 'How do I reset my password?',
    expectedSources: ['billing/refund-policy.md'],
  },
  {
    id: 'weather',
    question: "What's the weather going to be like in Lisbon this weekend?",
    expectNoAnswer: true,
  },
]
  .map((line) => JSON.stringify(line))
  .join('\n');

let stack: LocalStack;
let report: EvalReport;
const progress: string[] = [];

beforeAll(async () => {
  stack = await bootStack();
  report = await runEval({
    cases: parseDataset(DATASET, 'five.jsonl'),
    target: { url: stack.url, apiKey: API_KEY },
    dataset: 'five.jsonl',
    onResult: (result, done, total) => progress.push(`${done}/${total} ${result.id}`),
  });
});
afterAll(() => stack?.close());

describe('runEval against the local stack', () => {
  it('scores every case through the public API', () => {
    const byId = Object.fromEntries(report.results.map((r) => [r.id, r]));
    expect(byId.reset).toMatchObject({
      kind: 'question',
      outcome: 'answered',
      pass: true,
      scores: { citationHit: true, firstCitationHit: true, declined: null, falseNoAnswer: false },
      sessionId: expect.any(String),
    });
    expect(byId.reset?.citedSources[0]).toMatch(/\/account\/reset-your-password\.md$/);
    expect(byId.reset?.scores.rougeL).toBeGreaterThan(0);
    expect(byId.reset?.answer.length).toBeGreaterThan(0);
    expect(byId['reset-follow-up']).toMatchObject({
      kind: 'follow-up',
      pass: true,
      question: 'how long is the link valid?',
    });
    expect(byId['reset-follow-up']?.turnLatenciesMs).toHaveLength(2);
    expect(byId.refund).toMatchObject({ pass: true });
    expect(byId['wrong-source']).toMatchObject({
      pass: false,
      problems: ['cites none of the expected sources'],
    });
    expect(byId.weather).toMatchObject({
      kind: 'no-answer',
      pass: true,
      citedSources: [],
      scores: { declined: true },
    });
  });

  it('summarizes the run', () => {
    expect(report.summary).toMatchObject({
      cases: 5,
      passed: 4,
      missed: 1,
      errors: 0,
      citationHitRate: 3 / 4,
      noAnswerAccuracy: 1,
      falseNoAnswerRate: 0,
      withReference: 1,
      guardrailInterventions: 0,
    });
    expect(report.summary.latencyMs.p50).toBeGreaterThan(0);
    expect(report.run).toMatchObject({
      dataset: 'five.jsonl',
      concurrency: 1,
      noAnswerText: expect.stringMatching(/^Sorry/),
    });
    expect(progress).toEqual([
      '1/5 reset',
      '2/5 reset-follow-up',
      '3/5 refund',
      '4/5 wrong-source',
      '5/5 weather',
    ]);
  });

  it('records a failed request as an error case instead of stopping', async () => {
    const failed = await runEval({
      cases: parseDataset('{"id":"a","question":"How do I reset my password?"}', 'one.jsonl'),
      target: { url: stack.url, apiKey: 'not-a-valid-key' },
      dataset: 'one.jsonl',
    });
    expect(failed.results[0]).toMatchObject({
      outcome: 'error',
      pass: false,
      error: expect.stringMatching(/answered 40[13]/),
    });
    expect(failed.summary.errors).toBe(1);
  });
});

describe('npm run eval (the CLI) against a running Lantern', () => {
  it('writes report.json and a self-contained report.html, and compares with a baseline', async () => {
    const dir = tempDir('eval-cli');
    const datasetPath = join(dir, 'five.jsonl');
    writeFileSync(datasetPath, DATASET);
    writeFileSync(
      join(dir, 'baseline.json'),
      JSON.stringify({ ...report, results: report.results.filter((r) => r.id !== 'refund') }),
    );
    const { stdout } = await runEvalCli(
      stack.url,
      '--dataset',
      datasetPath,
      '--out',
      join(dir, 'out'),
      '--baseline',
      join(dir, 'baseline.json'),
    );
    expect(stdout).toContain('| citationHitRate | 75.0 % (of 4) |');
    expect(stdout).toContain('MISS wrong-source');
    expect(stdout).toContain('New cases: refund');
    const written = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as EvalReport;
    expect(written.results.map((r) => r.id)).toEqual([
      'reset',
      'reset-follow-up',
      'refund',
      'wrong-source',
      'weather',
    ]);
    expect(written.run.target).toBe(stack.url);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Since the baseline');
    expect(html).not.toMatch(/<script|src="http/);
  });

  it('names the bad line of a broken dataset and exits with status 2', async () => {
    const dir = tempDir('eval-cli');
    const datasetPath = join(dir, 'broken.jsonl');
    writeFileSync(datasetPath, '{"id":"a","question":"ok"}\n{"id":"b"}\n');
    const failure = await runEvalCli(stack.url, '--dataset', datasetPath).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('broken.jsonl:2: needs exactly one of "question" and "turns"'),
    });
  });
});
