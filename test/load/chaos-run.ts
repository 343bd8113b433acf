/**
 * The chaos run (`npm run load -- --chaos`): the local stack as a child process with dynalite on
 * disk, Bedrock throttling and cutting a share of answer streams; sessions opened, then many
 * concurrent turns over them through `/v1/chat` and `/v1/chat/stream`, clients hanging up
 * mid-answer and retrying the same `clientMessageId` until answered; mid-run the stack is killed
 * with SIGKILL and started again on the same data, and a few sessions are deleted while their turns
 * run. Then every transcript is read through the API and the whole table is audited.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { API_KEY, tempDir } from '../helpers/local-stack.ts';
import {
  type Endpoint,
  emptyTally,
  pause,
  sendTurn,
  type TurnOutcome,
  type TurnPlan,
} from './chaos-client.ts';
import { type ChaosStack, startChaosStack } from './chaos-stack.ts';
import { auditTable, type TableAudit } from './table-audit.ts';

export interface ChaosOptions {
  /** Concurrent turns once the sessions exist. */
  readonly turns: number;
  /** Sessions opened first, each by a turn of its own. */
  readonly sessions: number;
  readonly throttle: number;
  /** Share of turns sent to `/v1/chat/stream`. */
  readonly streamShare: number;
  /** Share of answer streams the emulator cuts, after `streamCutAfter` events. */
  readonly streamCutShare: number;
  readonly streamCutAfter: number;
  /** Share of turns whose client hangs up on its first attempt once the answer has begun. */
  readonly hangUpShare: number;
  /** Sessions deleted while their turns run. */
  readonly deletes: number;
  /** Whether to kill -9 and restart the stack mid-run. */
  readonly kill: boolean;
  /** How long the stack stays down before it is started again. */
  readonly downMs: number;
  /** Attempts per turn, besides the 409s of the claim wait. */
  readonly maxAttempts: number;
  /** How long a turn keeps retrying 409s (another attempt holds it); see `longestTurnClaimMs`. */
  readonly claimWaitMs: number;
  readonly maxRetryAfterMs: number;
  /** Wall-clock budget of the turns; the checks have their own. */
  readonly timeoutMs: number;
}

/**
 * The longest a killed attempt keeps its turn's `clientMessageId`: its claim is leased for its
 * function's whole timeout (the stream's is minutes), and nothing ends it sooner after a kill -9.
 */
const longestTurnClaimMs = Math.max(functionTimeoutSeconds.chat, functionTimeoutSeconds.chatStream) * 1000;

const claimWaitMs = longestTurnClaimMs + 30_000;

export const defaultChaosOptions: ChaosOptions = {
  turns: 200,
  sessions: 50,
  throttle: 0.2,
  streamShare: 0.5,
  streamCutShare: 0.25,
  streamCutAfter: 3,
  hangUpShare: 0.15,
  deletes: 4,
  kill: true,
  downMs: 500,
  maxAttempts: 60,
  claimWaitMs,
  maxRetryAfterMs: 35_000,
  // The claims a kill -9 leaves, waited out, and the turns' own time after them.
  timeoutMs: claimWaitMs + 240_000,
};

export interface ChaosReport {
  readonly turnsSent: number;
  readonly answered: number;
  /** 404 from a session the run deleted: the outcome the API promises. */
  readonly refusedAsDeleted: number;
  /** Any other final 4xx: a valid turn refused. */
  readonly refusedOtherwise: number;
  readonly gaveUp: number;
  /** Answered turns whose question or answer is missing from a live transcript, plus gave-up and refused-otherwise turns. */
  readonly lost: number;
  readonly lostAnsweredMissing: number;
  /** Extra copies of a question, and answers beyond one per stored question. */
  readonly duplicated: number;
  readonly duplicatedQuestions: number;
  readonly strayAnswers: number;
  /** Stored answers differing from what their client was sent. */
  readonly mismatched: number;
  readonly orphaned: number;
  readonly audit: Omit<TableAudit, 'messages' | 'sessions'>;
  /** Deleted sessions that still answer GET with 200. */
  readonly deletedStillReadable: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly serverErrors: Readonly<Record<string, number>>;
  readonly unexpectedServerErrors: number;
  readonly streamErrors: Readonly<Record<string, number>>;
  readonly missingRetryAfter: number;
  readonly hangUps: number;
  readonly networkErrors: number;
  readonly truncatedStreams: number;
  readonly deleteStatuses: Readonly<Record<string, number>>;
  readonly killedAtMs: number | undefined;
  readonly inFlightAtKill: number | undefined;
  readonly restartMs: number | undefined;
  readonly faults: { readonly throttles: number; readonly streamCuts: number };
  readonly attempts: { readonly p50: number; readonly max: number };
  readonly wallMs: number;
  readonly problems: readonly string[];
}

const QUESTIONS = [
  'How do I reset my password?',
  'How do I turn on two-factor authentication?',
  'How do I invite a teammate to my workspace?',
  'How do I cancel my subscription?',
  'How do I export my data?',
  'How do I change my billing email?',
];

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now();
  const dataDir = tempDir('chaos');
  const stack = await startChaosStack({
    dataDir,
    throttle: options.throttle,
    streamCutShare: options.streamCutShare,
    streamCutAfter: options.streamCutAfter,
  });
  try {
    return await drive(stack, options, started);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function drive(stack: ChaosStack, options: ChaosOptions, started: number): Promise<ChaosReport> {
  const runTag = randomUUID().slice(0, 8);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  // Every turn's attempts and pauses listen to the deadline at once.
  setMaxListeners(0, deadline);
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 40) problems.push(text);
  };
  const tally = emptyTally();
  const clientOptions = {
    baseUrl: () => stack.url,
    apiKey: API_KEY,
    maxAttempts: options.maxAttempts,
    claimWaitMs: options.claimWaitMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
    attemptTimeoutMs: 45_000,
    deadline,
    tally,
  };
  const plan = (index: number, sessionId?: string): TurnPlan => {
    const endpoint: Endpoint = Math.random() < options.streamShare ? 'stream' : 'chat';
    return {
      index,
      endpoint,
      question: `${QUESTIONS[index % QUESTIONS.length]} [chaos ${runTag} t${index}]`,
      clientMessageId: `chaos-${runTag}-${index}`,
      ...(sessionId ? { sessionId } : {}),
      hangUpOn: new Set(Math.random() < options.hangUpShare ? [1] : []),
    };
  };

  // 1. The sessions, each opened by a turn under the same faults.
  const openers = await Promise.all(
    Array.from({ length: options.sessions }, (_, i) => sendTurn(plan(i), clientOptions)),
  );
  const sessionIds = openers.flatMap((o) => (o.result.kind === 'answered' ? [o.result.sessionId] : []));
  if (sessionIds.length === 0) throw new Error('no session could be opened');

  // 2. The turns, all at once; meanwhile a kill -9 and restart, and deletes racing the turns.
  const deleted = new Set<string>();
  const deleteStatuses: Record<string, number> = {};
  let settledTurns = 0;
  const phaseStart = performance.now();
  const turnsDone = Promise.all(
    Array.from({ length: options.turns }, (_, i) =>
      sendTurn(plan(options.sessions + i, sessionIds[i % sessionIds.length]), clientOptions).finally(() => {
        settledTurns++;
      }),
    ),
  );
  const victims = pickSome(sessionIds, Math.min(options.deletes, Math.max(0, sessionIds.length - 1)));
  const deletes = victims.map(async (sessionId) => {
    await pause(100 + Math.random() * 1_500, deadline);
    deleted.add(sessionId);
    for (let attempt = 1; attempt <= 8 && !deadline.aborted; attempt++) {
      const status = await request(stack.url, 'DELETE', `/v1/sessions/${sessionId}`);
      deleteStatuses[status] = (deleteStatuses[status] ?? 0) + 1;
      if (status === '204' || status === '404') return;
      await pause(500 * attempt, deadline);
    }
  });
  let killedAtMs: number | undefined;
  let inFlightAtKill: number | undefined;
  let restartMs: number | undefined;
  const faults = { throttles: 0, streamCuts: 0 };
  const chaos = (async () => {
    if (!options.kill) return;
    // Kill once a quarter of the turns have settled, while the rest are in flight.
    for (let i = 0; i < 600 && settledTurns < options.turns / 4 && !deadline.aborted; i++)
      await pause(50, deadline);
    const before = await stack.stats().catch(() => faults);
    faults.throttles += before.throttles;
    faults.streamCuts += before.streamCuts;
    killedAtMs = performance.now() - phaseStart;
    inFlightAtKill = options.turns - settledTurns;
    await stack.kill();
    await pause(options.downMs, deadline);
    const t = performance.now();
    await stack.restart();
    restartMs = performance.now() - t;
  })();
  const [turns] = await Promise.all([turnsDone, chaos, Promise.all(deletes)]);
  const after = await stack.stats().catch(() => ({ throttles: 0, streamCuts: 0 }));
  faults.throttles += after.throttles;
  faults.streamCuts += after.streamCuts;
  const outcomes = [...openers, ...turns];

  // 3. Turns finished after their clients gave up may still be writing: wait for a quiet table.
  if (!(await tableSettles(stack))) problem('the table was still changing when the check began');

  // 4. Every transcript through the API, and the whole table.
  const transcripts = new Map<string, TranscriptMessage[]>();
  for (const sessionId of new Set(sessionIds)) {
    const res = await readTranscript(stack.url, sessionId);
    if (deleted.has(sessionId)) {
      if (res.status !== 404) problem(`deleted session ${sessionId} answers GET with ${res.status}`);
      continue;
    }
    if (res.status !== 200 || !res.messages) {
      problem(`session ${sessionId}: the transcript could not be read (${res.status})`);
      continue;
    }
    transcripts.set(sessionId, res.messages);
  }
  const audit = await auditTable(stack.dynamoDbEndpoint);
  for (const example of audit.examples) problem(example);

  return {
    ...judge(outcomes, transcripts, audit, deleted, problem),
    deletedStillReadable: [...deleted].filter((id) => audit.sessions.has(id)).length,
    statuses: tally.statuses,
    ...serverErrorsOf(tally.streamErrors, tally.statuses, deleteStatuses),
    streamErrors: tally.streamErrors,
    missingRetryAfter: tally.missingRetryAfter,
    hangUps: tally.hangUps,
    networkErrors: tally.networkErrors,
    truncatedStreams: tally.truncatedStreams,
    deleteStatuses,
    killedAtMs,
    inFlightAtKill,
    restartMs,
    faults,
    attempts: {
      p50: [...outcomes.map((o) => o.attempts)].sort((a, b) => a - b)[Math.floor(outcomes.length / 2)] ?? 0,
      max: Math.max(...outcomes.map((o) => o.attempts)),
    },
    wallMs: performance.now() - started,
    problems,
  };
}

interface TranscriptMessage {
  readonly messageId: string;
  readonly role: string;
  readonly text: string;
}

/** The verdicts that need the client outcomes, the transcripts and the table together. */
function judge(
  outcomes: readonly TurnOutcome[],
  transcripts: ReadonlyMap<string, readonly TranscriptMessage[]>,
  audit: TableAudit,
  deleted: ReadonlySet<string>,
  problem: (text: string) => void,
) {
  const questionsStored = new Map<string, number>();
  for (const m of audit.messages)
    if (m.role === 'user') questionsStored.set(m.text, (questionsStored.get(m.text) ?? 0) + 1);

  let duplicatedQuestions = 0;
  let lostAnsweredMissing = 0;
  let mismatched = 0;
  let refusedAsDeleted = 0;
  let refusedOtherwise = 0;
  let gaveUp = 0;
  for (const outcome of outcomes) {
    const { plan, result } = outcome;
    const copies = questionsStored.get(plan.question) ?? 0;
    if (copies > 1) {
      duplicatedQuestions += copies - 1;
      problem(`turn ${plan.index} (${plan.endpoint}) is stored ${copies} times`);
    }
    if (result.kind === 'gave-up') {
      gaveUp++;
      problem(
        `turn ${plan.index} (${plan.endpoint}) gave up after ${outcome.attempts} attempts: ${result.reason}`,
      );
      continue;
    }
    if (result.kind === 'refused') {
      const target = plan.sessionId ?? outcome.announcedSessionId;
      if (result.status === 404 && target && deleted.has(target)) refusedAsDeleted++;
      else {
        refusedOtherwise++;
        problem(`turn ${plan.index} (${plan.endpoint}) refused: ${result.status} ${result.code}`);
      }
      continue;
    }
    if (deleted.has(result.sessionId)) continue;
    const transcript = transcripts.get(result.sessionId);
    if (!transcript) {
      lostAnsweredMissing += 2;
      continue;
    }
    const question = transcript.filter((m) => m.role === 'user' && m.text === plan.question);
    const answer = transcript.filter((m) => m.messageId === result.messageId);
    for (const [found, what] of [
      [question, 'question'],
      [answer, 'answer'],
    ] as const) {
      if (found.length === 0) {
        lostAnsweredMissing++;
        problem(`turn ${plan.index} (${plan.endpoint}): its ${what} is missing from ${result.sessionId}`);
      }
    }
    if (answer[0] && (answer[0].role !== 'assistant' || answer[0].text !== result.answer)) {
      mismatched++;
      problem(`turn ${plan.index} (${plan.endpoint}): the stored answer differs from the one sent`);
    }
  }

  let strayAnswers = 0;
  const bySession = new Map<string, { users: number; assistants: number }>();
  for (const m of audit.messages) {
    const counts = bySession.get(m.sessionId) ?? { users: 0, assistants: 0 };
    if (m.role === 'user') counts.users++;
    else counts.assistants++;
    bySession.set(m.sessionId, counts);
  }
  for (const [sessionId, { users, assistants }] of bySession) {
    if (assistants > users) {
      strayAnswers += assistants - users;
      problem(`session ${sessionId} holds ${assistants - users} more answers than questions`);
    }
  }

  const { messages: _m, sessions: _s, ...auditFigures } = audit;
  const orphaned =
    audit.messagesWithoutSession +
    audit.referencesToMissingSessions +
    audit.emptySessions +
    audit.unansweredQuestions;
  return {
    turnsSent: outcomes.length,
    answered: outcomes.filter((o) => o.result.kind === 'answered').length,
    refusedAsDeleted,
    refusedOtherwise,
    gaveUp,
    lost: lostAnsweredMissing + gaveUp + refusedOtherwise,
    lostAnsweredMissing,
    duplicated: duplicatedQuestions + strayAnswers,
    duplicatedQuestions,
    strayAnswers,
    mismatched,
    orphaned,
    audit: auditFigures,
  };
}

/**
 * 5xx by status, the `error` events of streams counted as the status they stand for: a stream
 * that already answered 200 can only report an internal error in-band.
 */
function serverErrorsOf(
  streamErrors: Readonly<Record<string, number>>,
  ...tallies: Readonly<Record<string, number>>[]
) {
  const serverErrors: Record<string, number> = {};
  const internal = streamErrors.INTERNAL_ERROR ?? 0;
  if (internal > 0) serverErrors['500 (stream error event)'] = internal;
  for (const statuses of tallies)
    for (const [status, n] of Object.entries(statuses))
      if (/^5\d\d$/.test(status)) serverErrors[status] = (serverErrors[status] ?? 0) + n;
  // 503 with Retry-After is the promised answer to throttling; its header is checked on its own.
  const unexpectedServerErrors = Object.entries(serverErrors)
    .filter(([status]) => !status.startsWith('503'))
    .reduce((sum, [, n]) => sum + n, 0);
  return { serverErrors, unexpectedServerErrors };
}

function pickSome<T>(values: readonly T[], n: number): T[] {
  const pool = [...values];
  const picked: T[] = [];
  while (picked.length < n && pool.length > 0)
    picked.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0] as T);
  return picked;
}

async function request(baseUrl: string, method: string, path: string): Promise<string> {
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': API_KEY },
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return String(res.status);
  } catch {
    return 'network';
  }
}

async function readTranscript(
  baseUrl: string,
  sessionId: string,
): Promise<{ status: number; messages?: TranscriptMessage[] }> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await fetch(`${baseUrl}/v1/sessions/${sessionId}`, {
        headers: { 'x-api-key': API_KEY },
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { messages?: TranscriptMessage[] };
      if (res.status === 503) {
        await pause(1_000, AbortSignal.timeout(5_000));
        continue;
      }
      return { status: res.status, ...(body.messages ? { messages: body.messages } : {}) };
    } catch {
      await pause(500, AbortSignal.timeout(5_000));
    }
  }
  return { status: 0 };
}

/** The table's keys and sizes unchanged over three reads a second apart, within a minute. */
async function tableSettles(stack: ChaosStack): Promise<boolean> {
  let previous = '';
  let quiet = 0;
  for (let read = 0; read < 60; read++) {
    const audit = await auditTable(stack.dynamoDbEndpoint);
    const current = `${audit.items}|${audit.messages.map((m) => `${m.messageId}:${m.text.length}`).join()}`;
    quiet = current === previous ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    previous = current;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

/** The figures as a small table, for the console. */
export function formatChaosReport(report: ChaosReport, options: ChaosOptions): string {
  const list = (record: Readonly<Record<string, number>>) =>
    Object.entries(record)
      .map(([k, n]) => `${k}×${n}`)
      .join(' ') || '—';
  const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ms`);
  const { statuses } = report;
  const rows: [string, string | number][] = [
    [
      'setup',
      `${options.sessions} sessions, then ${options.turns} concurrent turns; ${Math.round(options.streamShare * 100)} % streamed; ` +
        `throttle ${options.throttle}, ${Math.round(options.streamCutShare * 100)} % of streams cut after ${options.streamCutAfter} events, ` +
        `${Math.round(options.hangUpShare * 100)} % hang-ups; ${options.deletes} deletes; kill -9: ${options.kill ? 'yes' : 'no'}; ` +
        `${options.maxAttempts} attempts per turn besides 409s, retried for up to ${Math.round(options.claimWaitMs / 1000)} s`,
    ],
    ['turns sent (session openers included)', report.turnsSent],
    ['answered', report.answered],
    ['refused 404 after their session was deleted', report.refusedAsDeleted],
    [
      'DUPLICATED (extra questions + extra answers)',
      `${report.duplicated} (${report.duplicatedQuestions} + ${report.strayAnswers})`,
    ],
    [
      'LOST (answered but missing + never answered + refused otherwise)',
      `${report.lost} (${report.lostAnsweredMissing} + ${report.gaveUp} + ${report.refusedOtherwise})`,
    ],
    [
      'ORPHANED items (messages w/o session + items naming a deleted session + empty sessions + questions w/o answer)',
      `${report.orphaned} (${report.audit.messagesWithoutSession} + ${report.audit.referencesToMissingSessions} + ${report.audit.emptySessions} + ${report.audit.unansweredQuestions})`,
    ],
    ['stored answers differing from the one sent', report.mismatched],
    ['deleted sessions still in the table', report.deletedStillReadable],
    ['5xx seen, by status', list(report.serverErrors)],
    ['unexpected 5xx (other than 503; stream INTERNAL_ERROR events included)', report.unexpectedServerErrors],
    [
      '409 / 422 / 404 seen by turns',
      `${statuses['409'] ?? 0} / ${statuses['422'] ?? 0} / ${statuses['404'] ?? 0}`,
    ],
    ['409/429/503 without a usable Retry-After', report.missingRetryAfter],
    ['error events inside streams, by code', list(report.streamErrors)],
    [
      'client hang-ups / network errors / streams ended without done',
      `${report.hangUps} / ${report.networkErrors} / ${report.truncatedStreams}`,
    ],
    ['turn responses, by status', list(statuses)],
    ['DELETE responses, by status', list(report.deleteStatuses)],
    ['faults injected: throttles / streams cut', `${report.faults.throttles} / ${report.faults.streamCuts}`],
    [
      'kill -9 at / turns in flight / restart took',
      `${ms(report.killedAtMs)} / ${report.inFlightAtKill ?? '—'} / ${ms(report.restartMs)}`,
    ],
    ['claims still pending at the end', report.audit.pendingClaims],
    ['table items by kind', list(report.audit.kinds)],
    ['attempts per turn p50 / max', `${report.attempts.p50} / ${report.attempts.max}`],
    ['wall clock', ms(report.wallMs)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const table = rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n');
  const problems = report.problems.length
    ? `\n\nProblems (first ${report.problems.length}):\n${report.problems.map((p) => `  - ${p}`).join('\n')}`
    : '';
  return `Lantern chaos run\n${table}${problems}`;
}

/** The run fails on any duplicate, loss, orphan, mismatch or unexpected 5xx. */
export function chaosPassed(report: ChaosReport): boolean {
  return (
    report.duplicated === 0 &&
    report.lost === 0 &&
    report.orphaned === 0 &&
    report.mismatched === 0 &&
    report.deletedStillReadable === 0 &&
    report.unexpectedServerErrors === 0 &&
    report.missingRetryAfter === 0
  );
}
