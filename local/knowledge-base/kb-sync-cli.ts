/**
 * `npm run kb:sync`: asks a running Lantern to reload its knowledge base through the admin API
 * (`POST /v1/admin/knowledge-base/sync`) and, with `--wait`, follows the jobs until they finish.
 * Locally the admin key goes in `x-admin-key`; on AWS the admin routes need SigV4 (IAM) instead,
 * which this tool does not sign — use `aws bedrock-agent start-ingestion-job` there.
 */
import { parseArgs } from 'node:util';

const usage = `Usage: npm run kb:sync -- [options]

  --url URL            Lantern's base URL (default: http://127.0.0.1:3000)
  --admin-key KEY      admin key, sent as x-admin-key (default: $LANTERN_ADMIN_KEY, else lantern-admin-dev-key)
  --data-source ID     sync only this data source (repeatable; default: every data source)
  --wait               follow the jobs until they finish and show their progress
  --timeout SECONDS    how long --wait waits at most (default: 600)
  --help               this text

Exit status: 0 when every job completed (or was started, without --wait), 1 when one failed or
was stopped, 2 on a usage or request error, 3 when Lantern stayed busy or --timeout passed.`;

interface JobView {
  readonly jobId: string;
  readonly dataSourceId: string;
  readonly status: string;
  readonly statistics?: Record<string, number>;
  readonly startedAt?: string;
  readonly updatedAt?: string;
  readonly failureReasons?: readonly string[];
}

interface SyncBody {
  readonly jobs?: readonly JobView[];
  readonly notStarted?: readonly { dataSourceId: string; message: string }[];
  readonly error?: { code: string; message: string };
}

const TERMINAL = new Set(['COMPLETE', 'FAILED', 'STOPPED']);
const POLL_MS = 500;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function parse() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:3000' },
        'admin-key': { type: 'string' },
        'data-source': { type: 'string', multiple: true },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string', default: '600' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`, 2);
  }
}

async function main(): Promise<number> {
  const args = parse();
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const timeoutMs = Number(args.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new CliError('--timeout must be a positive number', 2);
  const base = args.url.replace(/\/+$/, '');
  const adminKey = args['admin-key'] ?? process.env.LANTERN_ADMIN_KEY ?? 'lantern-admin-dev-key';
  const deadline = Date.now() + timeoutMs;
  const api = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-admin-key': adminKey },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new CliError(`cannot reach Lantern at ${base}: ${(error as Error).message}`, 2);
    }
    const parsed = (await response.json().catch(() => ({}))) as SyncBody & JobView;
    return { status: response.status, body: parsed };
  };

  let pending: readonly string[] | undefined = args['data-source'];
  const finished: JobView[] = [];
  for (;;) {
    const { status, body } = await api('POST', '/v1/admin/knowledge-base/sync', {
      ...(pending ? { dataSourceIds: pending } : {}),
    });
    if (status === 409) {
      if (!args.wait) throw new CliError(`Lantern is busy: ${body.error?.message ?? 'a job is running'}`, 3);
      console.log(`Busy (${body.error?.message ?? 'a job is running'}); retrying…`);
      if (!(await pause(2_000, deadline)))
        throw new CliError('Timed out waiting for Lantern to accept the sync', 3);
      continue;
    }
    if (status !== 202) {
      throw new CliError(
        `sync failed: HTTP ${status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`.trim(),
        2,
      );
    }
    const jobs = body.jobs ?? [];
    console.log(`Started ${jobs.length} ingestion job${jobs.length === 1 ? '' : 's'} on ${base}:`);
    for (const job of jobs) console.log(`  ${line(job)}`);
    const refused = body.notStarted ?? [];
    for (const r of refused) console.log(`  ${r.dataSourceId}  not started: ${r.message}`);
    if (!args.wait) return refused.length > 0 && jobs.length === 0 ? 3 : 0;

    finished.push(...(await follow(api, jobs, deadline)));
    if (refused.length === 0) break;
    // Bedrock runs one job per knowledge base at a time: the rest go once these have finished.
    pending = refused.map((r) => r.dataSourceId);
    console.log(`Now syncing ${pending.join(', ')}…`);
  }
  const bad = finished.filter((job) => job.status !== 'COMPLETE');
  for (const job of bad) {
    console.error(`Job ${job.jobId} on ${job.dataSourceId} ended ${job.status}`);
    for (const reason of job.failureReasons ?? []) console.error(`  ${reason}`);
  }
  return bad.length > 0 ? 1 : 0;
}

/** Polls every job until all are terminal, printing a line whenever one changes. */
async function follow(
  api: (method: 'GET', path: string) => Promise<{ status: number; body: JobView }>,
  jobs: readonly JobView[],
  deadline: number,
): Promise<JobView[]> {
  const latest = new Map(jobs.map((job) => [job.jobId, job]));
  const shown = new Map(jobs.map((job) => [job.jobId, line(job)]));
  for (;;) {
    const running = [...latest.values()].filter((job) => !TERMINAL.has(job.status));
    if (running.length === 0) return [...latest.values()];
    if (!(await pause(POLL_MS, deadline))) {
      throw new CliError(`Timed out with ${running.length} job(s) still running`, 3);
    }
    for (const job of running) {
      const { status, body } = await api('GET', `/v1/admin/knowledge-base/jobs/${job.jobId}`);
      if (status !== 200) throw new CliError(`reading job ${job.jobId} failed: HTTP ${status}`, 2);
      latest.set(job.jobId, body);
      const text = line(body);
      if (shown.get(job.jobId) !== text) {
        shown.set(job.jobId, text);
        console.log(`  ${text}`);
      }
    }
  }
}

function line(job: JobView): string {
  const s = job.statistics;
  const counts = s
    ? `  scanned ${s.scanned ?? 0}  new ${s.new ?? 0}  modified ${s.modified ?? 0}  deleted ${s.deleted ?? 0}  failed ${s.failed ?? 0}`
    : '';
  const took =
    TERMINAL.has(job.status) && job.startedAt && job.updatedAt
      ? `  (${((Date.parse(job.updatedAt) - Date.parse(job.startedAt)) / 1000).toFixed(1)} s)`
      : '';
  return `${job.jobId}  ${job.dataSourceId}  ${job.status.padEnd(11)}${counts}${took}`;
}

async function pause(ms: number, deadline: number): Promise<boolean> {
  if (Date.now() + ms > deadline) return false;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return true;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    process.exit(error instanceof CliError ? error.exitCode : 2);
  },
);
