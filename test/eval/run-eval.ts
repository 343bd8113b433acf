/**
 * `npm run eval`: answer quality of Lantern over its public API. See `--help` and test/eval/README.md.
 *
 *   npm run eval                                               # the sample knowledge base and its questions
 *   npm run eval -- --dataset my.jsonl --docs ../my-docs --out reports/today   # documents outside the repository
 *   npm run eval -- --dataset my.jsonl --url https://…/prod --api-key KEY --baseline reports/yesterday/report.json
 *   npm run eval -- --dataset my.jsonl --url https://…/prod --profile acme=KEY1 --profile globex=KEY2
 *   npm run eval -- --dataset my.jsonl --docs ../my-docs --profiles settings.json --profile acme --profile globex
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { cliFail, parseCli } from '../../local/cli.ts';
import { SAMPLE_KB } from '../helpers/local-stack.ts';
import { type BaselineDiff, diffReports, loadBaseline } from './baseline.ts';
import type { LanternTarget } from './client.ts';
import { type EvalCase, loadDataset } from './dataset.ts';
import { renderHtmlReport, renderProfilesHtmlReport } from './html-report.ts';
import {
  diffProfiles,
  type ProfileArg,
  ProfileArgError,
  type ProfilesReport,
  parseProfileArgs,
  profileKeyVariable,
  profilesOf,
  UNPROFILED,
} from './profiles.ts';
import { runEval, runProfiles, startLocalTarget } from './runner.ts';
import type { EvalReport } from './scoring.ts';
import { formatDiff, formatMisses, formatProfiles, formatSummary } from './text-report.ts';

const DATASETS = join(import.meta.dirname, 'datasets');
const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The dataset shipped with the documents it was written for, both in the repository. */
const SHIPPED = { dataset: join(DATASETS, 'sample-kb.jsonl'), docs: SAMPLE_KB };

const usage = `Usage: npm run eval -- [options]

  --dataset FILE     JSONL dataset (default: test/eval/datasets/sample-kb.jsonl)
  --docs DIR         start a local stack on these documents, any folder, inside the repository or
                     outside it (default: the shipped dataset's documents; required with a --dataset
                     of your own), e.g. --docs ../shared/corpora/coda-help
  --url URL          evaluate a running Lantern instead (deployed or \`npm start\`), with --api-key
  --api-key KEY      x-api-key for --url (or the LANTERN_API_KEY environment variable)
  --out DIR          where report.json and report.html go (default: .lantern/eval/<dataset>)
  --profile NAME[=KEY]  run the dataset once per answer profile (repeat it), each with its API key:
                     NAME=KEY, or the key from LANTERN_API_KEY_<NAME> (upper case, - as _), or with
                     --docs the profile's localApiKey in --profiles; "default" is the deployment's
                     defaults (offline: the development key). Reports per profile and side by side
  --profiles FILE    with --docs: start the local stack with this answer settings file (as
                     npm start -- --profiles FILE); without --profile, every profile that has a
                     localApiKey, and default, is run
  --baseline FILE    an earlier report.json: show what changed (per profile of the same name with
                     --profile; a report without profiles counts as profile default)
  --concurrency N    cases in flight at once, 1-16 (default 1)
  --help             this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const args = parseCli(usage, () =>
  parseArgs({
    options: {
      dataset: { type: 'string' },
      docs: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      out: { type: 'string' },
      baseline: { type: 'string' },
      profile: { type: 'string', multiple: true },
      profiles: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

const datasetPath = resolve(args.dataset ?? SHIPPED.dataset);
const datasetName = basename(datasetPath);
const concurrency = Number(args.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
  fail('--concurrency must be a whole number from 1 to 16');
if (args.url && args.docs) fail('give either --url (a running Lantern) or --docs (a local stack), not both');
const apiKey = args['api-key'] ?? process.env.LANTERN_API_KEY;
if (args.url) {
  if (!/^https?:\/\/[^\s]+$/.test(args.url)) fail('--url must be an http(s) URL');
  if (!apiKey && !args.profile?.length)
    fail('--url needs --api-key (or LANTERN_API_KEY), or --profile NAME=KEY');
}
let profileArgs: ProfileArg[];
try {
  profileArgs = parseProfileArgs(args.profile ?? [], process.env);
} catch (error) {
  if (!(error instanceof ProfileArgError)) throw error;
  fail(error.message);
}
if (args.profiles && args.url) {
  fail(
    '--profiles starts a local stack with the settings file; with --url, give --profile NAME=KEY per profile',
  );
}
if (args.url) {
  const keyless = profileArgs.find((profile) => profile.apiKey === undefined);
  if (keyless)
    fail(
      `--profile ${keyless.name} has no key: give ${keyless.name}=KEY or set ${profileKeyVariable(keyless.name)}`,
    );
} else if (
  profileArgs.length > 0 &&
  !args.profiles &&
  profileArgs.some((p) => p.name !== UNPROFILED && !p.apiKey)
) {
  fail('--profile on a local stack needs --profiles FILE (the answer settings whose localApiKey it uses)');
}
const profilesFile = args.profiles ? resolve(args.profiles) : undefined;
const withProfiles = profileArgs.length > 0 || profilesFile !== undefined;
// A dataset of our own without --docs or --url would be asked of the wrong documents.
const shippedDocs = datasetPath === SHIPPED.dataset ? SHIPPED.docs : undefined;
const docsDir = args.url
  ? undefined
  : resolve(args.docs ?? shippedDocs ?? fail('give --docs DIR or --url URL'));
const outDir = resolve(
  args.out ?? join(REPO_ROOT, '.lantern', 'eval', basename(datasetName, extname(datasetName))),
);

let cases: EvalCase[];
try {
  cases = loadDataset(datasetPath);
} catch (error) {
  fail((error as Error).message);
}
let baseline: EvalReport | ProfilesReport | undefined;
if (args.baseline) {
  try {
    baseline = loadBaseline(resolve(args.baseline));
  } catch (error) {
    fail((error as Error).message);
  }
}
/** A run without profiles against a baseline: with profiles, it is compared with the profile default. */
function singleDiff(report: EvalReport): BaselineDiff | undefined {
  if (!baseline) return undefined;
  const before = profilesOf(baseline).get(UNPROFILED);
  if (!before)
    fail(
      `the baseline ${args.baseline} has no profile ${UNPROFILED} to compare a run without --profile with`,
    );
  return diffReports(before, report);
}

let target: LanternTarget;
let close = async () => {};
let targetLabel: string;
/** Profile name → API key, in the order given. */
let profileKeys = new Map<string, string>();
if (docsDir) {
  console.error(`Starting a local Lantern on ${docsDir} …`);
  try {
    const local = await startLocalTarget(docsDir, profilesFile ? { answerSettingsFile: profilesFile } : {});
    target = local.target;
    close = local.close;
    targetLabel = `local stack on ${docsDir} (${local.documents} documents)`;
    if (withProfiles) profileKeys = localProfileKeys(local.profileKeys);
  } catch (error) {
    await close();
    fail(
      error instanceof ProfileArgError
        ? error.message
        : `could not start the local stack: ${(error as Error).message}`,
    );
  }
} else {
  target = { url: args.url as string, apiKey: apiKey ?? '' };
  targetLabel = target.url;
  profileKeys = new Map(profileArgs.map((profile) => [profile.name, profile.apiKey as string]));
}

/** The keys of the profiles asked for, or of every profile the settings give a local key. */
function localProfileKeys(known: ReadonlyMap<string, string>): Map<string, string> {
  if (profileArgs.length === 0) return new Map(known);
  const keys = new Map<string, string>();
  for (const profile of profileArgs) {
    const key = profile.apiKey ?? known.get(profile.name);
    if (!key) {
      throw new ProfileArgError(
        `--profile ${profile.name}: ${profilesFile} has no profile of that name with a localApiKey (it has ${[...known.keys()].join(', ')})`,
      );
    }
    keys.set(profile.name, key);
  }
  return keys;
}

const interactive = process.stderr.isTTY;
const bar = interactive
  ? new cliProgress.SingleBar(
      {
        format: 'Evaluating {bar} {value}/{total} cases | {misses} missed | {id}',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    )
  : undefined;
const total = cases.length * Math.max(profileKeys.size, 1);
bar?.start(total, 0, { misses: 0, id: '' });
let misses = 0;
let lastStep = -1;
let finished = 0;
const progress = (pass: boolean, id: string) => {
  finished++;
  if (!pass) misses++;
  if (bar) return bar.update(finished, { misses, id });
  const step = Math.floor((finished / total) * 10);
  if (step !== lastStep) {
    lastStep = step;
    console.error(`Evaluating ${finished}/${total} cases, ${misses} missed`);
  }
};

try {
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'report.json');
  const htmlPath = join(outDir, 'report.html');
  let allFailed: boolean;
  if (withProfiles) {
    const report = await runProfiles({
      cases,
      url: target.url,
      profiles: profileKeys,
      dataset: datasetName,
      targetLabel,
      concurrency,
      onResult: (profile, result) => progress(result.pass, `${profile}: ${result.id}`),
    });
    bar?.stop();
    const diffs = baseline ? diffProfiles(baseline, report) : undefined;
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlPath, renderProfilesHtmlReport(report, diffs));
    console.log(formatProfiles(report, diffs));
    allFailed = report.profiles.every((run) => run.summary.errors === run.summary.cases);
  } else {
    const report = await runEval({
      cases,
      target,
      dataset: datasetName,
      targetLabel,
      concurrency,
      onResult: (result) => progress(result.pass, result.id),
    });
    bar?.stop();
    const diff = singleDiff(report);
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(htmlPath, renderHtmlReport(report, diff));
    console.log(`${formatSummary(report)}\n\n${formatMisses(report)}`);
    if (diff) console.log(`\n${formatDiff(diff)}`);
    allFailed = report.summary.errors === report.summary.cases;
  }
  console.log(`\nWrote ${jsonPath}\n      ${htmlPath}`);
  if (allFailed) {
    console.error('\nEvery case failed: is Lantern reachable, and is the API key right?');
    process.exitCode = 1;
  }
} finally {
  bar?.stop();
  await close();
}
