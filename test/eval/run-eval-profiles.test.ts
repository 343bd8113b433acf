import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { bootStack, tempDir } from '../helpers/local-stack.ts';
import { parseDataset } from './dataset.ts';
import type { ProfilesReport } from './profiles.ts';
import { runProfiles } from './runner.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Two tenants' help articles on one knowledge base, each tagged with its tenant, and a settings
 * file whose two profiles filter on it: the same questions asked through each profile cite only
 * that tenant's articles, and the report keeps the two runs apart.
 */
const KEYS = { north: 'north-local-key-000000001', south: 'south-local-key-000000002' } as const;
const TOPICS = [
  ['reset a password', 'Open Settings, choose Security, then Reset password; a link arrives by email.'],
  ['export a workspace', 'Go to Workspace settings, then Export, and pick CSV or JSON.'],
  ['invite a teammate', 'Open Members, press Invite and enter the email address.'],
] as const;

const DATASET = TOPICS.map(([topic], n) =>
  JSON.stringify({
    id: `t${n}`,
    question: `How do I ${topic}?`,
    expectedSources: [`north/${topic.replaceAll(' ', '-')}.md`],
  }),
).join('\n');

let root: string;
let docsDir: string;
let settingsFile: string;
let datasetFile: string;
let stack: LocalStack;

beforeAll(async () => {
  root = tempDir('eval-profiles');
  docsDir = join(root, 'docs');
  for (const tenant of Object.keys(KEYS)) {
    mkdirSync(join(docsDir, tenant), { recursive: true });
    for (const [topic, steps] of TOPICS) {
      writeFileSync(
        join(docsDir, tenant, `${topic.replaceAll(' ', '-')}.md`),
        `---\ntenant: ${tenant}\n---\n# How to ${topic}\n\nTo ${topic}: ${steps}\n`,
      );
    }
  }
  settingsFile = join(root, 'answer-settings.json');
  writeFileSync(
    settingsFile,
    JSON.stringify({
      attributes: [{ name: 'tenant', type: 'string' }],
      profiles: Object.fromEntries(
        Object.entries(KEYS).map(([tenant, key]) => [
          tenant,
          { filter: { equals: { key: 'tenant', value: tenant } }, localApiKey: key },
        ]),
      ),
    }),
  );
  datasetFile = join(root, 'tenants.jsonl');
  writeFileSync(datasetFile, DATASET);
  stack = await bootStack({ docsDir, answerSettingsFile: settingsFile, watchDocs: false });
});
afterAll(() => stack?.close());

const citedFolders = (report: ProfilesReport, profile: string) =>
  new Set(
    report.profiles
      .find((r) => r.profile === profile)
      ?.results.flatMap((r) => r.citedSources.map((uri) => uri.split('/').at(-2))),
  );

describe('runProfiles against a local stack with two profiles', () => {
  it("asks every case once per profile, each answered from its own tenant's articles only", async () => {
    const report = await runProfiles({
      cases: parseDataset(DATASET, 'tenants.jsonl'),
      url: stack.url,
      profiles: new Map(Object.entries(KEYS)),
      dataset: 'tenants.jsonl',
    });
    expect(report.profiles.map((r) => [r.profile, r.results.length, r.summary.errors])).toEqual([
      ['north', 3, 0],
      ['south', 3, 0],
    ]);
    expect(citedFolders(report, 'north')).toEqual(new Set(['north']));
    expect(citedFolders(report, 'south')).toEqual(new Set(['south']));
    // The dataset expects the north articles: one profile passes it, the other cannot.
    expect(report.profiles.map((r) => [r.profile, r.summary.citationHitRate])).toEqual([
      ['north', 1],
      ['south', 0],
    ]);
    expect(report.profiles[0]?.run.target).toBe(`${stack.url} (profile north)`);
  });
});

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'test/eval/run-eval.ts', '--dataset', datasetFile, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANTERN_API_KEY_SOUTH: KEYS.south },
  });

describe('npm run eval with --profile', () => {
  it('against a running Lantern: a report per profile, side by side, and the baseline per profile', async () => {
    const out = join(root, 'url-run');
    const first = await cli('--url', stack.url, '--profile', `north=${KEYS.north}`, '--out', out);
    expect(first.stdout).toContain('## Profile north\n');
    expect(first.stdout).toContain('| metric | north |');
    const baseline = join(root, 'baseline.json');
    writeFileSync(baseline, readFileSync(join(out, 'report.json')));

    // south's key comes from LANTERN_API_KEY_SOUTH.
    const second = await cli(
      '--url',
      stack.url,
      '--profile',
      `north=${KEYS.north}`,
      '--profile',
      'south',
      '--out',
      out,
      '--baseline',
      baseline,
    );
    expect(second.stdout).toContain('| metric | north | south |');
    expect(second.stdout).toContain('| citationHitRate | 100.0 % | 0.0 % |');
    expect(second.stdout).toContain('## Profile north: Since the baseline');
    expect(second.stdout).toContain('## Profile south: new, not in the baseline');
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ProfilesReport;
    expect(written.profiles.map((r) => [r.profile, r.summary.cases])).toEqual([
      ['north', 3],
      ['south', 3],
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<article id="profile-south"><h2>Profile south</h2>');
  });

  it('offline: starts the local stack with --profiles and runs the profiles named, by their localApiKey', async () => {
    const out = join(root, 'local-run');
    const { stdout } = await cli(
      '--docs',
      docsDir,
      '--profiles',
      settingsFile,
      '--profile',
      'south',
      '--profile',
      'default',
      '--out',
      out,
    );
    expect(stdout).toContain('| metric | south | default |');
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ProfilesReport;
    expect(citedFolders(written, 'south')).toEqual(new Set(['south']));
    expect(written.profiles.map((r) => r.summary.errors)).toEqual([0, 0]);
  });

  it('exits 2 naming the problem: a profile without a key, or unknown to the settings file', async () => {
    const keyless = await cli('--url', stack.url, '--profile', 'west').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(keyless).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--profile west has no key: give west=KEY or set LANTERN_API_KEY_WEST'),
    });
    const unknown = await cli('--docs', docsDir, '--profiles', settingsFile, '--profile', 'west').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('--profile west: ') });
    const both = await cli('--url', stack.url, '--profiles', settingsFile, '--profile', 'north=k').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(both).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--profiles starts a local stack'),
    });
  });
});
