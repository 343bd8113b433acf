/**
 * `npm run eval`: answer quality of Lantern over its public API. See `--help` and test/eval/README.md.
 *
 *   npm run eval                                               # the sample knowledge base and its questions
 *   npm run eval -- --dataset my.jsonl --docs ../my-docs --out reports/today   # documents outside the repository
 *   npm run eval -- --dataset my.jsonl --url https://…/prod --api-key KEY --baseline reports/yesterday/report.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { cliFail, parseCli } from '../../local/cli.ts';
import { SAMPLE_KB } from '../helpers/local-stack.ts';
import { type BaselineDiff, diffReports, loadReport } from './baseline.ts';
import type { LanternTarget } from './client.ts';
import { type EvalCase, loadDataset } from './dataset.ts';
import { renderHtmlReport } from './html-report.ts';
import { runEval, startLocalTarget } from './runner.ts';
import { formatDiff, formatMisses, formatSummary } from './text-report.ts';

const DATASETS = join(import.meta.dirname, 'datasets');
const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The dataset shipped with the documents it was written for, both in the repository. */
const SHIPPED: Record<string, { dataset: string; docs: string }> = {
  sample: { dataset: join(DATASETS, 'sample-kb.jsonl'), docs: SAMPLE_KB },
};

const usage = `Usage: npm run eval -- [options]

  --dataset FILE     JSONL dataset (default: test/eval/datasets/sample-kb.jsonl)
  --corpus NAME      shorthand for a shipped dataset and its documents: sample (the default,
                     local/sample-kb and its questions; both in the repository)
  --docs DIR         start a local stack on these documents, any folder, inside the repository or
                     outside it (default: the shipped dataset's documents; required with a --dataset
                     of your own), e.g. --docs ../shared/corpora/coda-help
  --url URL          evaluate a running Lantern instead (deployed or \`npm start\`), with --api-key
  --api-key KEY      x-api-key for --url (or the LANTERN_API_KEY environment variable)
  --out DIR          where report.json and report.html go (default: .lantern/eval/<dataset>)
  --baseline FILE    an earlier report.json: show what changed
  --concurrency N    cases in flight at once, 1-16 (default 1)
  --help             this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const args = parseCli(usage, () =>
  parseArgs({
    options: {
      dataset: { type: 'string' },
      corpus: { type: 'string' },
      docs: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      out: { type: 'string' },
      baseline: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

const corpus = args.corpus ?? 'sample';
const shipped = SHIPPED[corpus];
if (!shipped) fail(`--corpus must be one of ${Object.keys(SHIPPED).join(', ')}`);
const datasetPath = resolve(args.dataset ?? shipped.dataset);
const datasetName = basename(datasetPath);
const concurrency = Number(args.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
  fail('--concurrency must be a whole number from 1 to 16');
if (args.url && args.docs) fail('give either --url (a running Lantern) or --docs (a local stack), not both');
const apiKey = args['api-key'] ?? process.env.LANTERN_API_KEY;
if (args.url) {
  if (!/^https?:\/\/[^\s]+$/.test(args.url)) fail('--url must be an http(s) URL');
  if (!apiKey) fail('--url needs --api-key (or LANTERN_API_KEY)');
}
// A dataset of our own without --docs or --url would be asked of the wrong documents.
const shippedDocs = Object.values(SHIPPED).find((s) => s.dataset === datasetPath)?.docs;
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
let baselineDiff: ((report: Parameters<typeof diffReports>[1]) => BaselineDiff) | undefined;
if (args.baseline) {
  try {
    const baseline = loadReport(resolve(args.baseline));
    baselineDiff = (report) => diffReports(baseline, report);
  } catch (error) {
    fail((error as Error).message);
  }
}

let target: LanternTarget;
let close = async () => {};
let targetLabel: string;
if (docsDir) {
  console.error(`Starting a local Lantern on ${docsDir} …`);
  try {
    const local = await startLocalTarget(docsDir);
    target = local.target;
    close = local.close;
    targetLabel = `local stack on ${docsDir} (${local.documents} documents)`;
  } catch (error) {
    fail(`could not start the local stack: ${(error as Error).message}`);
  }
} else {
  target = { url: args.url as string, apiKey: apiKey as string };
  targetLabel = target.url;
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
bar?.start(cases.length, 0, { misses: 0, id: '' });
let misses = 0;
let lastStep = -1;

try {
  const report = await runEval({
    cases,
    target,
    dataset: datasetName,
    targetLabel,
    concurrency,
    onResult: (result, done, total) => {
      if (!result.pass) misses++;
      if (bar) return bar.update(done, { misses, id: result.id });
      const step = Math.floor((done / total) * 10);
      if (step !== lastStep) {
        lastStep = step;
        console.error(`Evaluating ${done}/${total} cases, ${misses} missed`);
      }
    },
  });
  bar?.stop();
  const diff = baselineDiff?.(report);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'report.json');
  const htmlPath = join(outDir, 'report.html');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(htmlPath, renderHtmlReport(report, diff));
  console.log(`${formatSummary(report)}\n\n${formatMisses(report)}`);
  if (diff) console.log(`\n${formatDiff(diff)}`);
  console.log(`\nWrote ${jsonPath}\n      ${htmlPath}`);
  if (report.summary.errors === report.summary.cases) {
    console.error('\nEvery case failed: is Lantern reachable, and is the API key right?');
    process.exitCode = 1;
  }
} finally {
  bar?.stop();
  await close();
}
