/**
 * The eval's only way into Lantern: the public API (`POST /v1/chat`), against a deployed stack or
 * the local one. No SDK, no table access, so a deployed Lantern is measured exactly as a client
 * sees it.
 */

/** Where to send questions: the API's base URL (no trailing slash needed) and an API key. */
export interface LanternTarget {
  readonly url: string;
  readonly apiKey: string;
}

export interface ApiReference {
  readonly sourceUri: string;
  readonly title?: string;
  /** The document's public page, when it has one (kb:upload's `url` metadata, a Confluence page). */
  readonly url?: string;
  readonly excerpt?: string;
  readonly score?: number;
}

export interface ApiCitation {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly references: readonly ApiReference[];
}

export interface GuardrailInfo {
  readonly action: string;
  readonly blocked?: boolean;
  readonly policies?: readonly string[];
}

/** The body of a `POST /v1/chat` answer. */
export interface ChatBody {
  readonly sessionId: string;
  readonly messageId: string;
  readonly answer: string;
  readonly citations: readonly ApiCitation[];
  readonly guardrail: GuardrailInfo;
}

export interface ChatTurn {
  readonly body: ChatBody;
  /** Time of the answered request (a retried request counts from its last attempt). */
  readonly latencyMs: number;
  /** Requests sent, retries included. */
  readonly attempts: number;
}

export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface ChatOptions {
  /** Per request (default 60 s). */
  readonly timeoutMs?: number;
  /** Retries of a 429/503 answer, honouring `Retry-After` up to 10 s (default 3). */
  readonly retries?: number;
}

const RETRYABLE = new Set([429, 503]);
const MAX_RETRY_WAIT_MS = 10_000;

function isChatBody(value: unknown): value is ChatBody {
  const body = value as Partial<ChatBody> | undefined;
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof body.sessionId === 'string' &&
    typeof body.answer === 'string' &&
    Array.isArray(body.citations) &&
    body.citations.every((c) => Array.isArray(c?.references))
  );
}

/** Sends one chat message (in `sessionId` when given) and returns the answer and its latency. */
export async function chatTurn(
  target: LanternTarget,
  message: string,
  sessionId?: string,
  options: ChatOptions = {},
): Promise<ChatTurn> {
  const url = `${target.url.replace(/\/+$/, '')}/v1/chat`;
  const retries = Math.min(Math.max(options.retries ?? 3, 0), 10);
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': target.apiKey },
        body: JSON.stringify({ message, ...(sessionId ? { sessionId } : {}) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new ApiCallError(`POST /v1/chat failed: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    const latencyMs = performance.now() - started;
    if (response.status === 200) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!isChatBody(body))
        throw new ApiCallError('POST /v1/chat answered 200 with an unexpected body', 200);
      return {
        body: { ...body, guardrail: body.guardrail ?? { action: 'NONE' } },
        latencyMs,
        attempts: attempt,
      };
    }
    if (RETRYABLE.has(response.status) && attempt <= retries) {
      const retryAfter = Number(response.headers.get('retry-after'));
      const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, MAX_RETRY_WAIT_MS)));
      continue;
    }
    throw new ApiCallError(`POST /v1/chat answered ${response.status}: ${errorCode(text)}`, response.status);
  }
}

/** `{"error":{"code","message"}}` → `CODE: message`; anything else, cut short. */
function errorCode(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (error?.code) return `${error.code}: ${error.message ?? ''}`.trim();
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
