/**
 * One chat turn as a flaky client sends it: `POST /v1/chat` or `/v1/chat/stream`, sometimes
 * hanging up mid-answer, and retrying the very same body (same `clientMessageId`) until it is
 * answered or refused for good, honouring `Retry-After`. Every attempt is bounded in time; the
 * number of attempts is bounded too. A 409 (an earlier attempt still holds the turn) is waited out
 * apart from the other failures: a killed attempt holds it until its function's timeout would have
 * ended it, minutes for a stream, and that wait has a bound of its own.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type Endpoint = 'chat' | 'stream';

export interface TurnPlan {
  readonly index: number;
  readonly endpoint: Endpoint;
  readonly question: string;
  readonly clientMessageId: string;
  readonly sessionId?: string;
  /** Attempts (1-based) on which the client hangs up once an answer has begun. */
  readonly hangUpOn: ReadonlySet<number>;
}

/** What the server finally said to a turn. */
export type TurnResult =
  | {
      readonly kind: 'answered';
      readonly sessionId: string;
      readonly messageId: string;
      readonly answer: string;
    }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string | undefined }
  | { readonly kind: 'gave-up'; readonly reason: string };

export interface TurnOutcome {
  readonly plan: TurnPlan;
  readonly result: TurnResult;
  readonly attempts: number;
  /** A session id the stream announced before it broke: the session this turn went to. */
  readonly announcedSessionId: string | undefined;
}

/** Shared tallies of every response the clients saw. */
export interface ClientTally {
  readonly statuses: Record<string, number>;
  /** `error` events inside 200 streams, by code. */
  readonly streamErrors: Record<string, number>;
  /** Responses that should carry `Retry-After` (409, 429, 503) but did not. */
  missingRetryAfter: number;
  hangUps: number;
  networkErrors: number;
  /** Streams that ended with neither `done` nor `error`. */
  truncatedStreams: number;
}

/** Tallies before any response. */
export function emptyTally(): ClientTally {
  return {
    statuses: {},
    streamErrors: {},
    missingRetryAfter: 0,
    hangUps: 0,
    networkErrors: 0,
    truncatedStreams: 0,
  };
}

export interface ClientOptions {
  readonly baseUrl: () => string;
  readonly apiKey: string;
  /** Attempts per turn, not counting those answered 409 while another attempt holds the turn. */
  readonly maxAttempts: number;
  /**
   * How long a turn keeps retrying while answered 409, from the first 409; past it, a 409 counts
   * against `maxAttempts` like any other failure.
   */
  readonly claimWaitMs: number;
  /** Longest wait honoured from a `Retry-After` header. */
  readonly maxRetryAfterMs: number;
  readonly attemptTimeoutMs: number;
  readonly deadline: AbortSignal;
  readonly tally: ClientTally;
}

type Attempt =
  | { readonly type: 'answered'; readonly answer: { sessionId: string; messageId: string; answer: string } }
  | {
      readonly type: 'status';
      readonly status: number;
      readonly retryAfter: string | null;
      readonly code?: string;
    }
  | { readonly type: 'stream-error'; readonly code: string }
  | { readonly type: 'broken'; readonly reason: string };

export async function sendTurn(plan: TurnPlan, options: ClientOptions): Promise<TurnOutcome> {
  const { tally } = options;
  let announcedSessionId: string | undefined;
  let reason = 'no attempt made';
  let attempt = 0;
  /** Attempts that count against `maxAttempts`: all but the 409s within the claim wait. */
  let counted = 0;
  let firstConflictAt: number | undefined;
  // Every 409 pauses at least CLAIM_RETRY_FLOOR_MS, so the claim wait holds at most this many.
  const limit = options.maxAttempts + Math.ceil(options.claimWaitMs / CLAIM_RETRY_FLOOR_MS) + 1;
  while (counted < options.maxAttempts && attempt < limit && !options.deadline.aborted) {
    attempt++;
    counted++;
    const hangUp = plan.hangUpOn.has(attempt);
    const result = await attemptOnce(plan, options, hangUp, (id) => {
      announcedSessionId ??= id;
    });
    const done = (turn: TurnResult): TurnOutcome => ({
      plan,
      result: turn,
      attempts: attempt,
      announcedSessionId,
    });
    switch (result.type) {
      case 'answered':
        return done({ kind: 'answered', ...result.answer });
      case 'stream-error':
        tally.streamErrors[result.code] = (tally.streamErrors[result.code] ?? 0) + 1;
        reason = `stream error ${result.code}`;
        await pause(backoff(attempt), options.deadline);
        continue;
      case 'broken':
        reason = result.reason;
        await pause(backoff(attempt), options.deadline);
        continue;
      case 'status': {
        reason = `HTTP ${result.status}`;
        if ([409, 429, 503].includes(result.status)) {
          const seconds = Number(result.retryAfter);
          const usable = result.retryAfter !== null && Number.isFinite(seconds) && seconds >= 0;
          if (!usable) tally.missingRetryAfter++;
          let waitMs = Math.min(usable ? seconds * 1000 : 1_000, options.maxRetryAfterMs);
          if (result.status === 409) {
            firstConflictAt ??= performance.now();
            if (performance.now() - firstConflictAt < options.claimWaitMs) {
              counted--;
              waitMs = Math.max(waitMs, CLAIM_RETRY_FLOOR_MS);
              reason = `HTTP 409 for ${Math.round((performance.now() - firstConflictAt) / 1000)} s`;
            }
          }
          await pause(waitMs, options.deadline);
          continue;
        }
        if (result.status >= 500) {
          await pause(backoff(attempt), options.deadline);
          continue;
        }
        return done({ kind: 'refused', status: result.status, code: result.code });
      }
    }
  }
  return { plan, result: { kind: 'gave-up', reason }, attempts: attempt, announcedSessionId };
}

async function attemptOnce(
  plan: TurnPlan,
  options: ClientOptions,
  hangUp: boolean,
  onSession: (sessionId: string) => void,
): Promise<Attempt> {
  const { tally } = options;
  const abort = new AbortController();
  const signal = AbortSignal.any([
    abort.signal,
    options.deadline,
    AbortSignal.timeout(options.attemptTimeoutMs),
  ]);
  const path = plan.endpoint === 'chat' ? '/v1/chat' : '/v1/chat/stream';
  const body = {
    message: plan.question,
    clientMessageId: plan.clientMessageId,
    ...(plan.sessionId ? { sessionId: plan.sessionId } : {}),
  };
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    tally.networkErrors++;
    count(tally, 'network');
    return { type: 'broken', reason: `network: ${String((error as Error).cause ?? error)}` };
  }
  count(tally, String(response.status));
  try {
    if (response.status !== 200) {
      const text = await response.text();
      return {
        type: 'status',
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        ...(errorCode(text) ? { code: errorCode(text) } : {}),
      };
    }
    if (plan.endpoint === 'chat') {
      if (hangUp) {
        // A client that times out before the answer arrives: the server has already done the work.
        abort.abort();
        tally.hangUps++;
        return { type: 'broken', reason: 'hung up' };
      }
      return {
        type: 'answered',
        answer: (await response.json()) as Extract<Attempt, { type: 'answered' }>['answer'],
      };
    }
    return await readStream(response, hangUp, abort, tally, onSession);
  } catch (error) {
    if (abort.signal.aborted) return { type: 'broken', reason: 'hung up' };
    tally.networkErrors++;
    count(tally, 'network');
    return { type: 'broken', reason: `network: ${String(error)}` };
  }
}

async function readStream(
  response: Response,
  hangUp: boolean,
  abort: AbortController,
  tally: ClientTally,
  onSession: (sessionId: string) => void,
): Promise<Attempt> {
  let ending: Attempt | undefined;
  let texts = 0;
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      const data = JSON.parse(message.data) as Record<string, unknown>;
      if (message.event === 'session' && typeof data.sessionId === 'string') onSession(data.sessionId);
      if (message.event === 'text') texts++;
      if (message.event === 'done')
        ending = { type: 'answered', answer: data as Extract<Attempt, { type: 'answered' }>['answer'] };
      if (message.event === 'error') ending = { type: 'stream-error', code: String(data.code) };
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (ending) break;
    if (hangUp && texts >= 1) {
      abort.abort();
      tally.hangUps++;
      return { type: 'broken', reason: 'hung up' };
    }
  }
  if (ending) return ending;
  tally.truncatedStreams++;
  return { type: 'broken', reason: 'the stream ended without done or error' };
}

function count(tally: ClientTally, key: string): void {
  tally.statuses[key] = (tally.statuses[key] ?? 0) + 1;
}

function errorCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The shortest pause after a 409 within the claim wait (Lantern's Retry-After is at least 1 s). */
const CLAIM_RETRY_FLOOR_MS = 1_000;

/** Jittered exponential backoff, 200 ms doubling to at most 3 s. */
function backoff(attempt: number): number {
  const ceiling = Math.min(3_000, 200 * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function pause(ms: number, signal: AbortSignal): Promise<void> {
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
