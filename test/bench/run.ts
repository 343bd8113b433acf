/**
 * `npm run bench`: the figures Lantern's performance goals need, as one Markdown table. Medians
 * over repeated runs; nothing here asserts a time. See `--help` and docs/benchmarks.md.
 */
// First: from here on the code under test writes its stdout to a log file, not into the report.
import './report-output.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliFail, parseCli } from '../../local/cli.ts';
import { loadDataset } from '../eval/dataset.ts';
import { SAMPLE_KB } from '../helpers/local-stack.ts';
import { benchBundles, type FunctionBundle } from './bundles.ts';
import { benchChatLatency, type LevelLatency } from './chat-latency.ts';
import { benchDynamoDbCalls, formatOperations, type TurnCalls } from './dynamodb-calls.ts';
import { benchFirstRequests, type FirstRequest } from './first-request.ts';
import { benchIngestion, type IngestionRate, vocabularyOf, writeSyntheticCorpus } from './ingestion.ts';
import { CODE_LOG, writeReport } from './report-output.ts';
import { type AckLatency, benchSlackAck } from './slack-ack.ts';
import { startStackProcess } from './stack-child.ts';
import { benchStreamFirstByte, type FirstByte } from './stream-first-byte.ts';

const SECTIONS = ['bundles', 'first', 'chat', 'stream', 'dynamodb', 'ingestion', 'slack'] as const;
type Section = (typeof SECTIONS)[number];

const usage = `Usage: npm run bench -- [options]

  --only LIST           sections to run, comma-separated: ${SECTIONS.join(',')} (default: all)
  --docs DIR            documents for the chat, stream, dynamodb, slack and ingestion figures, any
                        folder, e.g. --docs ../shared/corpora/coda-help (outside the repository);
                        needs --dataset (default: local/sample-kb with test/eval/datasets/sample-kb.jsonl,
                        both in the repository)
  --dataset FILE        JSONL questions for those figures (eval format), e.g.
                        --dataset test/eval/datasets/coda-help.jsonl
  --levels LIST         POST /v1/chat concurrency levels (default: 1,8,32)
  --requests N          requests per level and round (default: 200)
  --rounds N            rounds per level; the table shows medians of rounds (default: 3)
  --init-runs N         fresh-process imports per bundle, at least 5 (default: 7)
  --first-runs N        first-request runs per function, each two fresh processes: the function
                        (in Lambda's environment, active tracing on) and the floor (default: 5)
  --stream-runs N       paired streaming first-byte runs (default: 100)
  --synthetic-docs N    size of the generated ingestion corpus (~2 KB articles), 0 to skip (default: 5000)
  --ingest-runs N       ingestion runs per corpus, each in a fresh process (default: 3)
  --retrieve-queries N  Retrieve calls timed per run on the synthetic index, 0 to skip (default: 500)
  --slack-events N      signed app_mention events per Slack ack round (default: 500)
  --slack-levels LIST   Slack ack concurrency levels (default: 1,8)
  --help                this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

// Standard output goes to the code log from the first import on (report-output.ts): the usage is
// the report here.
if (process.argv.slice(2).includes('--help')) {
  await writeReport(usage);
  process.exit(0);
}
const args = parseCli(usage, () =>
  parseArgs({
    options: {
      only: { type: 'string' },
      docs: { type: 'string' },
      dataset: { type: 'string' },
      levels: { type: 'string', default: '1,8,32' },
      requests: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '3' },
      'init-runs': { type: 'string', default: '7' },
      'first-runs': { type: 'string', default: '5' },
      'stream-runs': { type: 'string', default: '100' },
      'synthetic-docs': { type: 'string', default: '5000' },
      'ingest-runs': { type: 'string', default: '3' },
      'retrieve-queries': { type: 'string', default: '500' },
      'slack-events': { type: 'string', default: '500' },
      'slack-levels': { type: 'string', default: '1,8' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

function whole(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}
const only = new Set<Section>(
  args.only === undefined
    ? SECTIONS
    : args.only.split(',').map((s) => {
        const name = s.trim() as Section;
        if (!SECTIONS.includes(name)) fail(`--only: unknown section "${s}"`);
        return name;
      }),
);
if ((args.docs === undefined) !== (args.dataset === undefined)) fail('--docs and --dataset go together');
if (args.docs !== undefined && !existsSync(args.docs)) fail(`--docs: no folder ${args.docs}`);
if (args.dataset !== undefined && !existsSync(args.dataset)) fail(`--dataset: no file ${args.dataset}`);
const corpus =
  args.docs === undefined || args.dataset === undefined
    ? {
        name: 'sample knowledge base',
        docs: SAMPLE_KB,
        dataset: join(import.meta.dirname, '..', 'eval', 'datasets', 'sample-kb.jsonl'),
      }
    : { name: basename(resolve(args.docs)), docs: resolve(args.docs), dataset: args.dataset };
const levels = args.levels.split(',').map((level) => whole('levels', level.trim(), 1, 256));
const requests = whole('requests', args.requests, 10, 5_000);
const rounds = whole('rounds', args.rounds, 1, 10);
const initRuns = whole('init-runs', args['init-runs'], 5, 50);
const firstRuns = whole('first-runs', args['first-runs'], 1, 50);
const streamRuns = whole('stream-runs', args['stream-runs'], 5, 2_000);
const syntheticDocs = whole('synthetic-docs', args['synthetic-docs'], 0, 20_000);
const ingestRuns = whole('ingest-runs', args['ingest-runs'], 1, 10);
const retrieveQueries = whole('retrieve-queries', args['retrieve-queries'], 0, 10_000);
const slackEvents = whole('slack-events', args['slack-events'], 10, 10_000);
const slackLevels = args['slack-levels']
  .split(',')
  .map((level) => whole('slack-levels', level.trim(), 1, 64));

const cases = loadDataset(corpus.dataset);
const questions = cases
  .filter((c) => !c.expectNoAnswer && c.turns.length === 1)
  .map((c) => c.turns[0] as string);
const conversation = cases.find((c) => c.turns.length === 2 && !c.expectNoAnswer)?.turns ?? [];
const followUpPair: [string, string] = [
  conversation[0] ?? 'How do I get started?',
  conversation[1] ?? 'and then?',
];

const progress = (message: string) => console.error(`· ${message}`);
const work = mkdtempSync(join(tmpdir(), 'lantern-bench-'));
const started = performance.now();

let bundles: FunctionBundle[] | undefined;
let firsts: FirstRequest[] | undefined;
let chat: LevelLatency[] | undefined;
let stream: FirstByte | undefined;
let stackStartMs: number | undefined;
let dynamo: TurnCalls[] | undefined;
let slackAck: { levels: AckLatency[]; replies: number; answered: number } | undefined;
const ingestion: { label: string; rate: IngestionRate }[] = [];

try {
  if (only.has('bundles') || only.has('first')) {
    bundles = await benchBundles({
      outDir: join(work, 'bundles'),
      // `--only first` builds the bundles (and keeps their metafiles) without timing their imports.
      runs: only.has('bundles') ? initRuns : 0,
      onProgress: progress,
    });
  }
  if (only.has('chat') || only.has('stream') || only.has('first')) {
    progress(`starting the local stack on ${corpus.name} in its own process`);
    const stack = await startStackProcess(corpus.docs);
    stackStartMs = stack.startMs;
    try {
      if (only.has('first') && bundles) {
        firsts = await benchFirstRequests({
          bundles,
          stack,
          runs: firstRuns,
          outDir: join(work, 'first'),
          question: questions[0] ?? 'How do I get started?',
          onProgress: progress,
        });
      }
      if (only.has('chat')) {
        chat = await benchChatLatency(stack, questions, { levels, requests, rounds, onProgress: progress });
      }
      if (only.has('stream')) {
        progress(`streaming first byte (${streamRuns} paired runs)`);
        stream = await benchStreamFirstByte(stack, stack.apiKey, questions, streamRuns);
      }
    } finally {
      await stack.close();
    }
  }
  if (only.has('dynamodb')) {
    progress('counting DynamoDB calls per turn');
    dynamo = await benchDynamoDbCalls({ docsDir: corpus.docs, questions: followUpPair, repeats: 3 });
  }
  if (only.has('slack')) {
    progress(`Slack acknowledgement latency on ${corpus.name} (local stack in this process)`);
    slackAck = await benchSlackAck({
      docsDir: corpus.docs,
      questions,
      requests: slackEvents,
      rounds,
      levels: slackLevels,
      onProgress: progress,
    });
  }
  if (only.has('ingestion')) {
    progress(`ingesting ${corpus.name} (${ingestRuns} runs)`);
    ingestion.push({ label: corpus.name, rate: await benchIngestion(corpus.docs, ingestRuns) });
    if (syntheticDocs > 0) {
      const folder = join(work, 'synthetic');
      writeSyntheticCorpus(folder, syntheticDocs, vocabularyOf(corpus.docs));
      progress(`ingesting a synthetic corpus of ${syntheticDocs} documents (${ingestRuns} runs)`);
      ingestion.push({
        label: 'synthetic',
        rate: await benchIngestion(folder, ingestRuns, retrieveQueries),
      });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const kb = (bytes: number) =>
  `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const msText = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
const times = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
const short = (pkg: string) => pkg.replace('@aws-sdk/client-', '').replace('@aws-sdk/', '');

const rows: string[][] = [];
// Against an empty module (a function without SDK clients) a ratio says nothing.
const ratio = (b: FunctionBundle, own: number, floor: number) => (b.clients.length ? times(own, floor) : '—');
const timedImports = only.has('bundles');

/** The cold-start table, one row per function: the issue 21 table, then the first request. */
const coldRows: string[][] = [];
for (const b of bundles ?? []) {
  const first = firsts?.find((f) => f.name === b.name);
  coldRows.push([
    b.name,
    b.clients.length ? b.clients.map(short).join(' + ') : '(none)',
    kb(b.bytes),
    kb(b.floorBytes),
    ratio(b, b.bytes, b.floorBytes),
    ...(timedImports
      ? [
          msText(b.initMs),
          msText(b.floorInitMs),
          b.clients.length && Number.isFinite(b.initRatio) ? `${b.initRatio.toFixed(2)}×` : '—',
        ]
      : []),
    ...(firsts
      ? first
        ? [
            `${msText(first.totalMs)} (${msText(first.initMs)} + ${msText(first.requestMs)})`,
            `${msText(first.floorTotalMs)} (${msText(first.floorInitMs)} + ${msText(first.floorRequestMs)})`,
            b.clients.length && Number.isFinite(first.ratio) ? `${first.ratio.toFixed(2)}×` : '—',
          ]
        : ['—', '—', '—']
      : []),
  ]);
}
const coldHeader = [
  'function',
  'SDK clients (the floor)',
  'bundle',
  'floor',
  'ratio',
  ...(timedImports ? ['cold import', 'floor', 'ratio'] : []),
  ...(firsts ? ['first request: import + request', 'floor: same calls', 'ratio'] : []),
];
const table = (header: string[], body: string[][], align: string[]) =>
  [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...body.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
const coldTable = bundles
  ? `\n### Cold starts per function\n\n${table(
      coldHeader,
      coldRows,
      coldHeader.map((_, i) => (i < 2 ? '---' : '---:')),
    )}\n${
      bundles.some((b) => b.clients.length === 0)
        ? "\nA function without SDK clients, `(none)`, is set against an empty module: its floor is Node's own start, so its figures are all it adds and no ratio is given.\n"
        : ''
    }`
  : '';
const callRows = (firsts ?? []).map((f) => [
  f.name,
  f.outcome,
  f.calls.length ? summarizeCalls(f.calls) : '(none)',
  String(f.xrayDatagrams),
  f.floorErrors ? `${f.floorErrors} failed on replay` : '',
]);
const callTable = firsts?.length
  ? `\n### First request: what it did\n\n${table(
      [
        'function',
        'answered',
        'calls (the floor replays them through its SDK clients)',
        'X-Ray datagrams',
        'floor',
      ],
      callRows,
      ['---', '---', '---', '---:', '---'],
    )}\n`
  : '';
const packageTable = bundles
  ? `\n### Largest packages per bundle (bytes in the output; metafiles in .lantern/bench/metafiles/)\n\n${table(
      ['function', 'top 5'],
      bundles.map((b) => [b.name, b.topPackages.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')]),
      ['---', '---'],
    )}\n`
  : '';

function summarizeCalls(calls: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([call, n]) => (n > 1 ? `${call} ×${n}` : call)).join(', ');
}

if (stackStartMs !== undefined)
  rows.push([`local stack start + ingestion (${corpus.name})`, msText(stackStartMs), '', '']);
for (const level of chat ?? []) {
  rows.push([
    `POST /v1/chat p50 / p95, concurrency ${level.concurrency}`,
    `${msText(level.p50)} / ${msText(level.p95)}`,
    `${level.throughput.toFixed(1)} req/s${level.errors ? `, ${level.errors} errors` : ''}`,
    '',
  ]);
}
if (stream) {
  rows.push(['first `text` event, POST /v1/chat/stream p50', msText(stream.lanternP50), '', '']);
  rows.push([
    'first `output` event, direct SDK RetrieveAndGenerateStream p50',
    msText(stream.directP50),
    'the request Lantern sends (output guardrail riding along)',
    '',
  ]);
  rows.push([
    'streaming first-byte overhead p50 (paired difference)',
    msText(stream.overheadP50),
    'gateway, handler, input ApplyGuardrail, SSE path',
    '',
  ]);
  rows.push([
    'first `output` event, bare direct request p50',
    msText(stream.bareDirectP50),
    `no guardrail: overhead against it ${msText(stream.bareOverheadP50)}`,
    '',
  ]);
  rows.push([
    "first `output` event, direct call over Lantern's transport p50",
    msText(stream.sameTransportDirectP50),
    `HTTP/1.1 kept alive: overhead against it ${msText(stream.sameTransportOverheadP50)}`,
    '',
  ]);
}
for (const calls of dynamo ?? [])
  rows.push([`DynamoDB calls per turn, ${calls.scenario}`, String(calls.total), formatOperations(calls), '']);
for (const level of slackAck?.levels ?? []) {
  rows.push([
    `Slack ack p50 / p95 / p99, concurrency ${level.concurrency}, workers ${level.workers}`,
    `${msText(level.p50)} / ${msText(level.p95)} / ${msText(level.p99)}`,
    `max ${msText(level.max)}${level.drainMs !== undefined ? `; queue drained ${msText(level.drainMs)} after the last ack` : ''}${level.errors ? `; ${level.errors} errors` : ''}`,
    '',
  ]);
}
if (slackAck && slackAck.replies !== slackAck.answered)
  rows.push(['Slack replies ≠ events answered', `${slackAck.replies} ≠ ${slackAck.answered}`, '', '']);
for (const { label, rate } of ingestion) {
  rows.push([
    `ingestion, ${label} (${rate.documents} docs, ${rate.chunks} chunks)`,
    `${rate.docsPerSecond.toFixed(1)} docs/s`,
    `${msText(rate.ms)} per ingestion; peak RSS while ingesting ${mib(rate.peakRssBytes)}`,
    '',
  ]);
  if (rate.retrieve) {
    rows.push([
      `Retrieve p50 / p95 over the SDK client, ${label} (${rate.retrieve.queries} queries)`,
      `${msText(rate.retrieve.p50)} / ${msText(rate.retrieve.p95)}`,
      `at ${rate.documents} docs, ${rate.chunks} chunks; peak RSS then ${mib(rate.peakRssAfterRetrieveBytes ?? 0)}`,
      '',
    ]);
  }
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
await writeReport(`
Lantern benchmarks — Node ${process.version}, ${cpus().length} × ${cpu}, ${new Date().toISOString().slice(0, 10)}
Chat figures on the ${corpus.name} corpus: ${requests} requests × ${rounds} rounds per level (medians of rounds),
stack in its own process; cold import: median of ${initRuns} fresh processes; first request: median of ${firstRuns} runs
(fresh processes, Lambda's environment with active tracing, against the local stack); ingestion: median of ${ingestRuns} runs;
Slack acks: ${slackEvents} signed app_mentions × ${rounds} rounds per level (medians of rounds), stack in the bench process.
${coldTable}${callTable}${packageTable}${
  rows.length
    ? `
| figure | value | beside it | ratio |
| --- | ---: | --- | ---: |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}
`
    : ''
}
Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s. Logs of the code under test: ${CODE_LOG.replace(`${process.cwd()}/`, '')}.`);
