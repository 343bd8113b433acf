import { logger } from '../observability.ts';

/** A Slack Web API call failed with `{ok:false, error}`. */
export class SlackPlatformError extends Error {
  override readonly name = 'SlackPlatformError';
  constructor(
    readonly method: string,
    readonly slackError: string,
    options?: ErrorOptions,
  ) {
    super(`Slack ${method} failed: ${slackError}`, options);
  }
}

/** Slack kept answering 429, or asked for a longer pause than one invocation may spend waiting. */
export class SlackRateLimitedError extends Error {
  override readonly name = 'SlackRateLimitedError';
  constructor(
    readonly method: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(`Slack ${method} is rate limited (retry after ${retryAfterSeconds} s)`, options);
  }
}

/** Slack could not be reached, or answered with an HTTP error. */
export class SlackRequestError extends Error {
  override readonly name = 'SlackRequestError';
  constructor(
    readonly method: string,
    options?: ErrorOptions,
  ) {
    super(`Slack ${method} request failed`, options);
  }
}

export type SlackApiError = SlackPlatformError | SlackRateLimitedError | SlackRequestError;

export interface SlackApiOptions {
  /** The bot token, resolved when first needed (it may come from Secrets Manager). */
  readonly token: () => Promise<string>;
  /** Web API base URL, e.g. `https://slack.com/api/` or a local fake. */
  readonly apiUrl: string;
  /** 429s honoured per call before giving up. */
  readonly rateLimitRetries: number;
  /** Longest `Retry-After` waited for inside one call; a longer one fails the call (SQS retries later). */
  readonly maxRetryAfterSeconds: number;
  /** Per-request timeout. @default 10 s */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A Block Kit block; Lantern only sends a context block of sources. */
export interface SlackBlock {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/** What a Web API method answers: `ok`, Slack's `error` code when not, and the method's fields. */
interface SlackResult {
  readonly ok?: boolean;
  readonly error?: string;
  readonly [field: string]: unknown;
}

/**
 * The eight Slack Web API calls Lantern makes, sent with `fetch` as Slack's own client sends them:
 * `POST <apiUrl><method>`, the bot token as a Bearer header, arguments form-encoded (anything but a
 * string, number or boolean as JSON). Slack's Node client (`@slack/web-api`) did the same with a
 * request queue, retry policies, file uploads and a binding per method around it: 63 KB of the
 * worker's bundle, more than its whole cold-start budget allowed (docs/benchmarks.md), for calls
 * this class already had to wrap to bound their retries. 429s are honoured here: `Retry-After`, a
 * bounded number of times, for a bounded wait, so a Lambda invocation never sleeps past its timeout;
 * the two streaming calls wait none, their caller holds the text instead. Errors become
 * {@link SlackApiError}s that name the method and Slack's error code, never the token or the text.
 */
export class SlackApi {
  private token: Promise<string> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackApiOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async authTest(): Promise<{ userId?: string; teamId?: string; botId?: string }> {
    const result = await this.call('auth.test', {});
    const userId = text(result.user_id);
    const teamId = text(result.team_id);
    const botId = text(result.bot_id);
    return { ...(userId ? { userId } : {}), ...(teamId ? { teamId } : {}), ...(botId ? { botId } : {}) };
  }

  async postMessage(args: { channel: string; threadTs: string; text: string }): Promise<PostedMessage> {
    const result = await this.call('chat.postMessage', {
      channel: args.channel,
      thread_ts: args.threadTs,
      text: args.text,
      mrkdwn: true,
      unfurl_links: false,
      unfurl_media: false,
    });
    return posted('chat.postMessage', result, args.channel);
  }

  async updateMessage(args: { channel: string; ts: string; text: string; blocks?: readonly SlackBlock[] }) {
    await this.call('chat.update', {
      channel: args.channel,
      ts: args.ts,
      text: args.text,
      // An empty list removes the blocks the message had (a streamed answer's sources).
      blocks: args.blocks ?? [],
    });
  }

  async addReaction(args: { channel: string; ts: string; name: string }): Promise<void> {
    await this.call('reactions.add', { channel: args.channel, timestamp: args.ts, name: args.name });
  }

  async removeReaction(args: { channel: string; ts: string; name: string }): Promise<void> {
    await this.call('reactions.remove', { channel: args.channel, timestamp: args.ts, name: args.name });
  }

  /** `chat.startStream`: a streamed reply in the thread (Slack's streaming methods for AI apps). */
  async startStream(args: {
    channel: string;
    threadTs: string;
    markdownText: string;
    recipientUserId: string;
    recipientTeamId: string;
  }): Promise<PostedMessage> {
    const result = await this.call(
      'chat.startStream',
      {
        channel: args.channel,
        thread_ts: args.threadTs,
        markdown_text: args.markdownText,
        recipient_user_id: args.recipientUserId,
        recipient_team_id: args.recipientTeamId,
      },
      0,
    );
    return posted('chat.startStream', result, args.channel);
  }

  /** Never waits out a 429 (it throws {@link SlackRateLimitedError} at once), as `startStream`. */
  async appendStream(args: { channel: string; ts: string; markdownText: string }): Promise<void> {
    await this.call(
      'chat.appendStream',
      { channel: args.channel, ts: args.ts, markdown_text: args.markdownText },
      0,
    );
  }

  async stopStream(args: {
    channel: string;
    ts: string;
    markdownText?: string;
    blocks?: readonly SlackBlock[];
  }): Promise<void> {
    await this.call('chat.stopStream', {
      channel: args.channel,
      ts: args.ts,
      ...(args.markdownText ? { markdown_text: args.markdownText } : {}),
      ...(args.blocks?.length ? { blocks: args.blocks } : {}),
    });
  }

  /**
   * `retries`: 429s waited out; the streaming calls pass 0, since the responder keeps the text
   * and sends it once `Retry-After` has passed instead of holding up the answer.
   */
  private async call(
    method: string,
    args: Record<string, unknown>,
    retries = this.options.rateLimitRetries,
  ): Promise<SlackResult> {
    const token = await this.botToken();
    for (let attempt = 0; ; attempt++) {
      const answer = await this.post(method, token, args);
      if ('result' in answer) {
        if (answer.result.ok !== true) {
          throw new SlackPlatformError(method, String(answer.result.error ?? 'unknown_error'));
        }
        return answer.result;
      }
      const wait = answer.retryAfterSeconds;
      if (attempt >= retries || wait > this.options.maxRetryAfterSeconds) {
        throw new SlackRateLimitedError(method, wait);
      }
      logger.warn('Slack rate limited a call; waiting as Retry-After asks', {
        method,
        retryAfterSeconds: wait,
        attempt: attempt + 1,
      });
      await this.sleep(wait * 1000);
    }
  }

  /** One request: Slack's answer, or its 429's wait; anything else (network, timeout, HTTP error) throws. */
  private async post(
    method: string,
    token: string,
    args: Record<string, unknown>,
  ): Promise<{ result: SlackResult } | { retryAfterSeconds: number }> {
    try {
      const response = await fetch(new URL(method, this.options.apiUrl), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: formEncoded(args),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      // Slack's Web API uses no status codes besides 429 and 200.
      if (response.status !== 200) {
        await response.body?.cancel();
        const retryAfterSeconds = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
        if (response.status === 429 && retryAfterSeconds >= 0) return { retryAfterSeconds };
        throw new Error(`HTTP ${response.status}`);
      }
      return { result: (await response.json()) as SlackResult };
    } catch (error) {
      throw new SlackRequestError(method, { cause: error });
    }
  }

  private botToken(): Promise<string> {
    this.token ??= this.options.token().catch((error: unknown) => {
      this.token = undefined;
      throw error;
    });
    return this.token;
  }
}

/** As Slack's client encodes arguments: strings, numbers and booleans as text, anything else as JSON. */
function formEncoded(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    const plain = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    form.append(name, plain ? String(value) : JSON.stringify(value));
  }
  return form.toString();
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

function posted(method: string, result: SlackResult, channel: string): PostedMessage {
  const ts = text(result.ts);
  if (!ts) throw new SlackPlatformError(method, 'no_ts_in_response');
  return { channel: text(result.channel) ?? channel, ts };
}
