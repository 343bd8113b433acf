import {
  type ChatStopStreamArguments,
  LogLevel,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
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

/** A Block Kit block as the Web API client takes it; Lantern only sends a context block of sources. */
export type SlackBlock = NonNullable<ChatStopStreamArguments['blocks']>[number];

export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

/**
 * The Slack Web API calls Lantern makes, over `@slack/web-api`'s `WebClient`. The client is told to
 * hand 429s back (`rejectRateLimitedCalls`) and not to retry on its own (its default policy retries
 * for half an hour), and this class honours `Retry-After` itself: a bounded number of times, for a
 * bounded wait, so a Lambda invocation never sleeps past its timeout. Errors become
 * {@link SlackApiError}s that name the method and Slack's error code, never the token or the text.
 */
export class SlackApi {
  private client: Promise<WebClient> | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackApiOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async authTest(): Promise<{ userId?: string; teamId?: string; botId?: string }> {
    const result = await this.call('auth.test', (client) => client.auth.test());
    return {
      ...(result.user_id ? { userId: result.user_id } : {}),
      ...(result.team_id ? { teamId: result.team_id } : {}),
      ...(result.bot_id ? { botId: result.bot_id } : {}),
    };
  }

  async postMessage(args: { channel: string; threadTs: string; text: string }): Promise<PostedMessage> {
    const result = await this.call('chat.postMessage', (client) =>
      client.chat.postMessage({
        channel: args.channel,
        thread_ts: args.threadTs,
        text: args.text,
        mrkdwn: true,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    return { channel: result.channel ?? args.channel, ts: requireTs('chat.postMessage', result.ts) };
  }

  async updateMessage(args: { channel: string; ts: string; text: string; blocks?: readonly SlackBlock[] }) {
    await this.call('chat.update', (client) =>
      client.chat.update({
        channel: args.channel,
        ts: args.ts,
        text: args.text,
        // An empty list removes the blocks the message had (a streamed answer's sources).
        blocks: [...(args.blocks ?? [])],
      }),
    );
  }

  async addReaction(args: { channel: string; ts: string; name: string }): Promise<void> {
    await this.call('reactions.add', (client) =>
      client.reactions.add({ channel: args.channel, timestamp: args.ts, name: args.name }),
    );
  }

  async removeReaction(args: { channel: string; ts: string; name: string }): Promise<void> {
    await this.call('reactions.remove', (client) =>
      client.reactions.remove({ channel: args.channel, timestamp: args.ts, name: args.name }),
    );
  }

  /** `chat.startStream`: a streamed reply in the thread (Slack's streaming methods for AI apps). */
  async startStream(args: {
    channel: string;
    threadTs: string;
    markdownText: string;
    recipientUserId: string;
    recipientTeamId: string;
  }): Promise<PostedMessage> {
    const result = await this.call('chat.startStream', (client) =>
      client.chat.startStream({
        channel: args.channel,
        thread_ts: args.threadTs,
        markdown_text: args.markdownText,
        recipient_user_id: args.recipientUserId,
        recipient_team_id: args.recipientTeamId,
      }),
    );
    return { channel: result.channel ?? args.channel, ts: requireTs('chat.startStream', result.ts) };
  }

  async appendStream(args: { channel: string; ts: string; markdownText: string }): Promise<void> {
    await this.call('chat.appendStream', (client) =>
      client.chat.appendStream({ channel: args.channel, ts: args.ts, markdown_text: args.markdownText }),
    );
  }

  async stopStream(args: {
    channel: string;
    ts: string;
    markdownText?: string;
    blocks?: readonly SlackBlock[];
  }): Promise<void> {
    await this.call('chat.stopStream', (client) =>
      client.chat.stopStream({
        channel: args.channel,
        ts: args.ts,
        ...(args.markdownText ? { markdown_text: args.markdownText } : {}),
        ...(args.blocks?.length ? { blocks: [...args.blocks] } : {}),
      }),
    );
  }

  private async call<T>(method: string, invoke: (client: WebClient) => Promise<T>): Promise<T> {
    const client = await this.webClient();
    for (let attempt = 0; ; attempt++) {
      try {
        return await invoke(client);
      } catch (error) {
        if (error instanceof WebAPIRateLimitedError) {
          const wait = Math.max(0, error.retryAfter);
          if (attempt >= this.options.rateLimitRetries || wait > this.options.maxRetryAfterSeconds) {
            throw new SlackRateLimitedError(method, wait, { cause: error });
          }
          logger.warn('Slack rate limited a call; waiting as Retry-After asks', {
            method,
            retryAfterSeconds: wait,
            attempt: attempt + 1,
          });
          await this.sleep(wait * 1000);
          continue;
        }
        if (error instanceof WebAPIPlatformError) {
          throw new SlackPlatformError(method, String(error.data.error), { cause: error });
        }
        throw new SlackRequestError(method, { cause: error });
      }
    }
  }

  private webClient(): Promise<WebClient> {
    this.client ??= this.options
      .token()
      .then(
        (token) =>
          new WebClient(token, {
            slackApiUrl: this.options.apiUrl,
            rejectRateLimitedCalls: true,
            retryConfig: { retries: 0 },
            timeout: this.options.timeoutMs ?? 10_000,
            logLevel: LogLevel.ERROR,
          }),
      )
      .catch((error: unknown) => {
        this.client = undefined;
        throw error;
      });
    return this.client;
  }
}

function requireTs(method: string, ts: string | undefined): string {
  if (!ts) throw new SlackPlatformError(method, 'no_ts_in_response');
  return ts;
}
