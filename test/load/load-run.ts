/**
 * A bounded load run against a running local stack: many concurrent chats spread over a few
 * sessions while the Bedrock emulator throttles, then every transcript is read back through
 * `GET /v1/sessions/{id}` and checked message by message. Used by `npm run load` (test/load/run.ts)
 * and, smaller, by the CI guard in test/reliability/load.test.ts.
 */
import { randomUUID } from 'node:crypto';

export interface LoadOptions {
  /** Chats fired at once once the sessions exist. */
  readonly chats: number;
  /** Sessions created first (one chat each); the chats are spread over them round-robin. */
  readonly sessions: number;
  /** Attempts per chat, the first included; 503 and 409 are retried with the same clientMessageId. */
  readonly maxAttempts?: number;
  /** Longest wait honoured from a `Retry-After` header. */
  readonly maxRetryAfterMs?: number;
  /** Hard cap on HTTP requests for the whole run (chats, retries and transcript reads). */
  readonly maxRequests?: number;
  /** Wall-clock budget for the whole run; requests still open then are aborted. */
  readonly timeoutMs?: number;
}

/** One chat as the client saw it. */
interface ChatOutcome {
  readonly index: number;
  readonly question: string;
  readonly clientMessageId: string;
  readonly sessionId: string | undefined;
  readonly attempts: number;
  /** From the first request to the final answer, retries and waits included. */
  readonly ms: number;
  readonly answer?: { readonly sessionId: string; readonly messageId: string; readonly answer: string };
  /** Why the client gave up, when it did. */
  readonly failure?: string;
}

export interface LoadReport {
  readonly chats: number;
  readonly sessions: number;
  readonly sessionsCreated: number;
  /** Chats (session-creating ones included) answered 200 in the end. */
  readonly answered: number;
  /** Chats the client gave up on (bounded retries, cap or deadline). */
  readonly gaveUp: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** 503 responses seen (each retried while attempts remain). */
  readonly serviceUnavailable: number;
  /** 5xx other than 503: must be zero. */
  readonly otherServerErrors: number;
  /** 503 responses without a usable `Retry-After`: must be zero. */
  readonly missingRetryAfter: number;
  /** Network failures and aborted requests. */
  readonly networkErrors: number;
  /** Messages of answered chats missing from their transcript. */
  readonly lost: number;
  /** Messages stored more than once, or stored for a chat the client never saw answered. */
  readonly duplicated: number;
  /** Transcripts whose order is not (createdAt, messageId), differs between two reads, or puts an answer before its question. */
  readonly misordered: number;
  /** Message ids appearing twice within a transcript. */
  readonly repeatedIds: number;
  /** Stored messages that differ from what the client was answered (text or id). */
  readonly mismatched: number;
  /** Chats the client gave up on that the server still stored, once (it finished after a timeout). */
  readonly storedAfterGivingUp: number;
  /** Whether the transcripts had stopped changing before they were checked. */
  readonly settled: boolean;
  readonly latency: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly chatLatency: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly wallMs: number;
  /** Human-readable problems, at most a few dozen. */
  readonly problems: readonly string[];
}

const QUESTIONS = [
  'How do I reset my password?',
  'How do I turn on two-factor authentication?',
  'How do I invite a teammate to my workspace?',
  'How do I cancel my subscription?',
  'How do I export my data?',
  'How do I change my billing email?',
  'Can I merge two tickets?',
  'How do I set up an email channel?',
];

/** Rounds of reads of every transcript while waiting for turns still running on the server. */
const MAX_SETTLE_READS = 90;
const SETTLE_PAUSE_MS = 2_000;
const SETTLE_QUIET_READS = 4;

interface Checks {
  lost: number;
  duplicated: number;
  misordered: number;
  repeatedIds: number;
  mismatched: number;
  storedAfterGivingUp: number;
}

interface StoredMessageView {
  readonly messageId: string;
  readonly role: string;
  readonly text: string;
  readonly createdAt: string;
}

export async function runLoad(baseUrl: string, apiKey: string, options: LoadOptions): Promise<LoadReport> {
  const maxAttempts = options.maxAttempts ?? 6;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
  const maxRequests =
    options.maxRequests ??
    (options.chats + options.sessions) * maxAttempts + options.sessions * (4 + MAX_SETTLE_READS);
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  const runTag = randomUUID().slice(0, 8);
  const started = performance.now();

  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 40) problems.push(text);
  };
  let requests = 0;
  let missingRetryAfter = 0;
  let networkErrors = 0;

  const send = async (
    method: string,
    path: string,
    body?: unknown,
    signal: AbortSignal = deadline,
  ): Promise<{ status: number; retryAfter: string | null; json: unknown } | { error: string }> => {
    if (requests >= maxRequests) return { error: 'request cap reached' };
    if (signal.aborted) return { error: 'deadline passed' };
    requests++;
    const t = performance.now();
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      const text = await response.text();
      latencies.push(performance.now() - t);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        problem(`${method} ${path}: ${response.status} with a body that is not JSON`);
      }
      return { status: response.status, retryAfter: response.headers.get('retry-after'), json };
    } catch (error) {
      networkErrors++;
      statuses.network = (statuses.network ?? 0) + 1;
      return { error: String(error) };
    }
  };

  const chat = async (index: number, sessionId: string | undefined): Promise<ChatOutcome> => {
    const question = `${QUESTIONS[index % QUESTIONS.length]} [load ${runTag} q${index}]`;
    const clientMessageId = `load-${runTag}-${index}`;
    const t = performance.now();
    let failure = 'no attempt made';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const res = await send('POST', '/v1/chat', {
        message: question,
        clientMessageId,
        ...(sessionId ? { sessionId } : {}),
      });
      const outcome = { index, question, clientMessageId, sessionId, attempts: attempt };
      if ('error' in res) {
        failure = res.error;
        if (deadline.aborted || requests >= maxRequests) break;
        continue;
      }
      if (res.status === 200) {
        const answer = res.json as { sessionId: string; messageId: string; answer: string };
        return { ...outcome, ms: performance.now() - t, answer };
      }
      failure = `HTTP ${res.status}`;
      if (res.status === 503) {
        const seconds = Number(res.retryAfter);
        if (res.retryAfter === null || !Number.isFinite(seconds) || seconds < 0) {
          missingRetryAfter++;
          problem(`chat ${index}: 503 without a usable Retry-After (${res.retryAfter})`);
        }
        await pause(Math.min(Number.isFinite(seconds) ? seconds * 1000 : 1000, maxRetryAfterMs), deadline);
        continue;
      }
      if (res.status === 409) {
        // The same clientMessageId is still being answered (its first attempt outlived a timeout).
        await pause(1_000, deadline);
        continue;
      }
      problem(`chat ${index}: unexpected HTTP ${res.status} ${JSON.stringify(res.json)}`);
      break;
    }
    return {
      index,
      question,
      clientMessageId,
      sessionId,
      attempts: maxAttempts,
      ms: performance.now() - t,
      failure,
    };
  };

  // 1. The sessions, each created by its first chat.
  const openers = await Promise.all(Array.from({ length: options.sessions }, (_, i) => chat(i, undefined)));
  const sessionIds = openers.flatMap((o) => (o.answer ? [o.answer.sessionId] : []));
  for (const o of openers) if (!o.answer) problem(`session ${o.index} was not created: ${o.failure}`);

  // 2. The chats, all at once, spread round-robin over the sessions.
  const turns =
    sessionIds.length === 0
      ? []
      : await Promise.all(
          Array.from({ length: options.chats }, (_, i) =>
            chat(options.sessions + i, sessionIds[i % sessionIds.length]),
          ),
        );
  const outcomes = [...openers, ...turns];

  // 3. A chat the client gave up on may still be running on the server (past a timeout): wait until
  // the transcripts stop changing, so the check below sees what stays.
  const settled = outcomes.every((o) => o.answer) || (await settle());
  if (!settled) problem('the transcripts were still changing when the check began');

  // 4. Every transcript, read twice: each answered chat's pair exactly once, nothing else. The check
  // has its own time budget, so a run that used up its deadline is still checked.
  const checkDeadline = AbortSignal.timeout(60_000);
  const checks: Checks = {
    lost: 0,
    duplicated: 0,
    misordered: 0,
    repeatedIds: 0,
    mismatched: 0,
    storedAfterGivingUp: 0,
  };
  for (const sessionId of sessionIds) {
    const first = await send('GET', `/v1/sessions/${sessionId}`, undefined, checkDeadline);
    const second = await send('GET', `/v1/sessions/${sessionId}`, undefined, checkDeadline);
    if ('error' in first || 'error' in second || first.status !== 200 || second.status !== 200) {
      problem(`session ${sessionId}: the transcript could not be read`);
      checks.lost += outcomes.filter((o) => o.answer?.sessionId === sessionId).length * 2;
      continue;
    }
    const messages = (first.json as { messages: StoredMessageView[] }).messages;
    const again = (second.json as { messages: StoredMessageView[] }).messages;
    verifyTranscript(
      sessionId,
      messages,
      again,
      outcomes.filter((o) => o.answer?.sessionId === sessionId || (!o.answer && o.sessionId === sessionId)),
      checks,
      problem,
    );
  }

  /** Settled: the same transcript sizes in SETTLE_QUIET_READS reads in a row, SETTLE_PAUSE_MS apart. */
  async function settle(): Promise<boolean> {
    let previous = '';
    let unchanged = 0;
    for (let read = 0; read < MAX_SETTLE_READS && !deadline.aborted; read++) {
      const sizes = await Promise.all(
        sessionIds.map(async (id) => {
          const res = await send('GET', `/v1/sessions/${id}`);
          return 'error' in res ? 'error' : String((res.json as { messages?: unknown[] })?.messages?.length);
        }),
      );
      const current = sizes.join();
      unchanged = current === previous ? unchanged + 1 : 0;
      if (unchanged >= SETTLE_QUIET_READS - 1) return true;
      previous = current;
      await pause(SETTLE_PAUSE_MS, deadline);
    }
    return false;
  }

  const answered = outcomes.filter((o) => o.answer);
  const summary = (values: number[]) => ({
    p50: percentileOf(values, 0.5),
    p95: percentileOf(values, 0.95),
    max: values.length ? Math.max(...values) : Number.NaN,
  });
  const serverErrors = Object.entries(statuses).filter(([status]) => /^5\d\d$/.test(status));
  return {
    chats: options.chats,
    sessions: options.sessions,
    sessionsCreated: sessionIds.length,
    answered: answered.length,
    gaveUp: outcomes.length - answered.length,
    requests,
    statuses,
    serviceUnavailable: statuses['503'] ?? 0,
    otherServerErrors: serverErrors.filter(([s]) => s !== '503').reduce((sum, [, n]) => sum + n, 0),
    missingRetryAfter,
    networkErrors,
    ...checks,
    settled,
    latency: summary(latencies),
    chatLatency: summary(answered.map((o) => o.ms)),
    wallMs: performance.now() - started,
    problems,
  };
}

/**
 * One session's transcript against what its clients were told. `outcomes` are the chats answered
 * in this session and the chats that gave up while aiming at it (they must have left nothing).
 */
function verifyTranscript(
  sessionId: string,
  messages: readonly StoredMessageView[],
  again: readonly StoredMessageView[],
  outcomes: readonly ChatOutcome[],
  checks: Checks,
  problem: (text: string) => void,
): void {
  const ids = messages.map((m) => m.messageId);
  const repeated = ids.length - new Set(ids).size;
  if (repeated > 0) {
    checks.repeatedIds += repeated;
    problem(`session ${sessionId}: ${repeated} message ids appear twice`);
  }
  // Turns in the order they were asked, each answer right after its question, the same on every read.
  const questions = messages.filter((m) => m.role === 'user');
  const paired = messages.every((m, i) => m.role === (i % 2 ? 'assistant' : 'user'));
  const asked = questions.every(
    (m, i) => i === 0 || compare(questions[i - 1]?.createdAt ?? '', m.createdAt) <= 0,
  );
  if (!paired || !asked || again.map((m) => m.messageId).join() !== ids.join()) {
    checks.misordered++;
    problem(`session ${sessionId}: messages are not in the order asked, each answer after its question`);
  }

  const accounted = new Set<number>();
  let late = 0;
  for (const outcome of outcomes) {
    const userAt = messages.flatMap((m, i) => (m.role === 'user' && m.text === outcome.question ? [i] : []));
    if (!outcome.answer) {
      // The server may have finished the turn after the client stopped waiting: at most once.
      if (userAt.length > 1) {
        checks.duplicated += userAt.length - 1;
        problem(`session ${sessionId}: chat ${outcome.index} gave up yet is stored ${userAt.length} times`);
      }
      if (userAt.length > 0) late++;
      for (const i of userAt) accounted.add(i);
      continue;
    }
    const { messageId, answer } = outcome.answer;
    const assistantAt = messages.flatMap((m, i) => (m.messageId === messageId ? [i] : []));
    for (const [found, what] of [
      [userAt, 'question'],
      [assistantAt, 'answer'],
    ] as const) {
      if (found.length === 0) {
        checks.lost++;
        problem(`session ${sessionId}: the ${what} of chat ${outcome.index} is missing`);
      }
      if (found.length > 1) {
        checks.duplicated += found.length - 1;
        problem(`session ${sessionId}: the ${what} of chat ${outcome.index} is stored ${found.length} times`);
      }
      for (const i of found) accounted.add(i);
    }
    const assistant = assistantAt[0] === undefined ? undefined : messages[assistantAt[0]];
    if (assistant && (assistant.role !== 'assistant' || assistant.text !== answer)) {
      checks.mismatched++;
      problem(`session ${sessionId}: the stored answer of chat ${outcome.index} differs from the one sent`);
    }
    if (userAt[0] !== undefined && assistantAt[0] !== undefined && userAt[0] > assistantAt[0]) {
      checks.misordered++;
      problem(`session ${sessionId}: the answer of chat ${outcome.index} sorts before its question`);
    }
  }
  checks.storedAfterGivingUp += late;
  const unaccounted = messages.filter((_, i) => !accounted.has(i));
  // Answers of turns finished after their client gave up carry ids the client never saw.
  const stray =
    unaccounted.filter((m) => m.role !== 'assistant').length +
    Math.max(0, unaccounted.filter((m) => m.role === 'assistant').length - late);
  if (stray > 0) {
    checks.duplicated += stray;
    problem(`session ${sessionId}: ${stray} stored messages belong to no chat the client sent`);
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Nearest-rank percentile; NaN for an empty sample. */
function percentileOf(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The figures as a small table, for the console. */
export function formatLoadReport(
  report: LoadReport,
  extra: Readonly<Record<string, string | number>> = {},
): string {
  const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '—');
  const rows: [string, string | number][] = [
    ['chats (after session creation)', report.chats],
    ['sessions created / asked', `${report.sessionsCreated} / ${report.sessions}`],
    [
      'answered (200), session-opening chats included',
      `${report.answered} / ${report.chats + report.sessions}`,
    ],
    ['gave up after bounded retries', report.gaveUp],
    ['503 responses seen (retried after Retry-After)', report.serviceUnavailable],
    ['other 5xx', report.otherServerErrors],
    ['503 without Retry-After', report.missingRetryAfter],
    ['network errors', report.networkErrors],
    ['lost messages', report.lost],
    ['duplicated messages', report.duplicated],
    ['repeated message ids', report.repeatedIds],
    ['transcripts out of order', report.misordered],
    ['stored answers differing from the response', report.mismatched],
    ['chats given up but stored later (once)', report.storedAfterGivingUp],
    ['transcripts settled before the check', report.settled ? 'yes' : 'no'],
    ['HTTP requests (all)', report.requests],
    [
      'statuses',
      Object.entries(report.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
    ],
    [
      'latency per request p50 / p95 / max',
      `${ms(report.latency.p50)} / ${ms(report.latency.p95)} / ${ms(report.latency.max)}`,
    ],
    [
      'latency per answered chat, retries included, p50 / p95 / max',
      `${ms(report.chatLatency.p50)} / ${ms(report.chatLatency.p95)} / ${ms(report.chatLatency.max)}`,
    ],
    ...Object.entries(extra),
    ['wall clock', ms(report.wallMs)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n');
}
