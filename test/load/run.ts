/**
 * `npm run load`: the local stack in this process, on loopback, with the Bedrock emulator throttling
 * a share of requests; many concurrent chats over a few sessions; then every transcript checked.
 * Bounded in requests and wall-clock time. Exits 1 if a message was lost or duplicated, or a 5xx
 * other than 503 was seen.
 *
 *   npm run load -- [--chats 200] [--sessions 50] [--throttle 0.2] [--max-attempts 6] [--timeout 180]
 *
 * `--chaos` runs the chaos run instead (test/load/chaos-run.ts): the stack in a child process,
 * streams cut, clients hanging up, a kill -9 and restart, deletes racing turns; only its report is
 * printed to stdout. There `--chats` is the number of concurrent turns, `--max-attempts` (default
 * 60) does not count 409s, and `--claim-wait` (default: the longest turn function's timeout + 30 s,
 * from config/function-timeouts.ts) bounds how long a turn retries 409s: a turn killed mid-answer
 * keeps its claim until its function's timeout would have ended it.
 */
import { parseArgs } from 'node:util';
import type { FaultContext } from '../../local/bedrock-emulator/index.ts';
import { cliFail, parseCli } from '../../local/cli.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { chaosPassed, defaultChaosOptions, formatChaosReport, runChaos } from './chaos-run.ts';
import { formatLoadReport, runLoad } from './load-run.ts';

const usage =
  'Usage: npm run load -- [--chats 200] [--sessions 50] [--throttle 0.2] [--max-attempts 6] [--timeout 180]\n' +
  '       npm run load -- --chaos [--chats 200] [--sessions 50] [--throttle 0.2] [--stream-cut 0.25]\n' +
  `                       [--hang-up 0.15] [--deletes 4] [--no-kill] [--max-attempts 60] [--claim-wait ${defaultChaosOptions.claimWaitMs / 1000}]\n` +
  `                       [--timeout ${defaultChaosOptions.timeoutMs / 1000}]`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const values: Record<string, string | boolean | undefined> = parseCli(usage, () =>
  parseArgs({
    options: {
      chats: { type: 'string', default: '200' },
      sessions: { type: 'string', default: '50' },
      throttle: { type: 'string', default: '0.2' },
      'max-attempts': { type: 'string' },
      timeout: { type: 'string' },
      chaos: { type: 'boolean', default: false },
      'stream-cut': { type: 'string', default: '0.25' },
      'hang-up': { type: 'string', default: '0.15' },
      deletes: { type: 'string', default: '4' },
      'no-kill': { type: 'boolean', default: false },
      'claim-wait': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

function whole(name: string, min: number, max: number, fallback?: number): number {
  const value = values[name] === undefined ? Number(fallback) : Number(values[name]);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}
const chats = whole('chats', 1, 5_000);
const sessions = whole('sessions', 1, 1_000);
const chaos = values.chaos === true;
const maxAttempts = whole('max-attempts', 1, 100, chaos ? defaultChaosOptions.maxAttempts : 6);
const timeoutSeconds = whole('timeout', 5, 1_800, chaos ? defaultChaosOptions.timeoutMs / 1000 : 180);
function share(name: string): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0 || value > 1) fail(`--${name} must be a share from 0 to 1`);
  return value;
}
const throttle = share('throttle');

if (chaos) {
  const options = {
    ...defaultChaosOptions,
    turns: chats,
    sessions,
    throttle,
    streamCutShare: share('stream-cut'),
    hangUpShare: share('hang-up'),
    deletes: whole('deletes', 0, 1_000),
    kill: values['no-kill'] !== true,
    maxAttempts,
    claimWaitMs: whole('claim-wait', 0, 3_600, defaultChaosOptions.claimWaitMs / 1000) * 1000,
    timeoutMs: timeoutSeconds * 1000,
  };
  const report = await runChaos(options);
  console.log(formatChaosReport(report, options));
  process.exit(chaosPassed(report) ? 0 : 1);
}

const operations = new Map<string, number>();
const stack = await bootStack({
  faultSettings: { throttle },
  faults: ({ operation }: FaultContext) =>
    void operations.set(operation, (operations.get(operation) ?? 0) + 1),
});
console.log(
  `Lantern load run: ${sessions} sessions, then ${chats} concurrent chats, ${Math.round(throttle * 100)} % of Bedrock requests throttled (${stack.url})`,
);
let exitCode = 1;
try {
  const report = await runLoad(stack.url, API_KEY, {
    chats,
    sessions,
    maxAttempts,
    timeoutMs: timeoutSeconds * 1000,
  });
  const bedrock = [...operations].map(([operation, n]) => `${operation}×${n}`).join(' ');
  console.log(
    `\n${formatLoadReport(report, {
      'Bedrock emulator requests': bedrock,
      'throttles injected (ThrottlingException)': stack.emulator.faults.injected.throttle,
    })}`,
  );
  if (report.problems.length > 0)
    console.log(`\nProblems:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`);
  const consistent =
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.repeatedIds === 0 &&
    report.misordered === 0 &&
    report.mismatched === 0 &&
    report.otherServerErrors === 0 &&
    report.missingRetryAfter === 0 &&
    report.settled;
  const allAnswered = report.gaveUp === 0;
  console.log(
    !consistent
      ? '\nFAILED: a message was lost, duplicated or misordered, a 5xx other than 503 was seen, or the transcripts never settled.'
      : allAnswered
        ? '\nOK: every chat answered; no message lost or duplicated; no 5xx but 503.'
        : `\nNO LOSS, BUT ${report.gaveUp} chats were still unanswered after ${maxAttempts} attempts: ` +
          'no message lost or duplicated and no 5xx but 503, yet clients gave up.',
  );
  exitCode = consistent && allAnswered ? 0 : 1;
} finally {
  await stack.close();
}
process.exit(exitCode);
