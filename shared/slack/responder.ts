import type { ChatAnswer } from '../chat/types.ts';
import { logger } from '../observability.ts';
import type { AnswerEvent } from './answer-stream.ts';
import { escapeMrkdwn, formatSlackAnswer, sourcesBlock } from './format.ts';
import { type PostedMessage, type SlackApi, SlackPlatformError, SlackRateLimitedError } from './slack-api.ts';

/** Where a reply goes: the thread of the question, on behalf of the user who asked. */
export interface ReplyTarget {
  readonly teamId: string;
  readonly channel: string;
  readonly threadTs: string;
  /** The question's own ts: the working reaction goes on it. */
  readonly messageTs: string;
  readonly userId: string;
}

export interface DeliveredAnswer {
  /** `streamed`: Slack's streaming methods; `posted`: one `chat.postMessage`. */
  readonly mode: 'streamed' | 'posted';
  readonly ts: string;
  readonly answer: ChatAnswer;
  /** The streamed text was replaced by the final answer (it differed, e.g. the guardrail answered). */
  readonly replaced?: boolean;
}

export interface SlackResponderOptions {
  /** Try Slack's streaming methods (`chat.startStream`/`appendStream`/`stopStream`). */
  readonly streaming: boolean;
  readonly workingReaction: string;
  /** Text that must wait before an append (the stream's first words go out at once). */
  readonly flushChars: number;
  /** Least time between appends. */
  readonly flushIntervalMs: number;
  readonly sourceBaseUrl?: string;
  readonly now?: () => number;
}

/** Replaces a stream whose answer broke off, so the thread does not keep half an answer. */
export const INTERRUPTED_NOTICE = '_I was interrupted while answering; trying again…_';

/**
 * Slack errors from `chat.startStream` that mean this workspace (or token) cannot stream at all. The
 * responder remembers them per team for the container's life and posts directly from then on; any
 * other refusal only makes this one answer fall back.
 */
const STREAMING_UNAVAILABLE = new Set([
  'unknown_method',
  'not_allowed',
  'not_allowed_token_type',
  'missing_scope',
  'feature_not_enabled',
  'team_not_allowed',
  'method_not_supported_for_channel_type',
  'not_supported',
]);

/**
 * Answers in a Slack thread: marks the question with a reaction while it works, streams the answer
 * as it is generated where the workspace supports it (falling back to one `chat.postMessage`), and
 * writes the answer in mrkdwn with its sources as `<url|title>` links.
 */
export class SlackResponder {
  private readonly streamingUnavailable = new Set<string>();
  private readonly now: () => number;

  constructor(
    private readonly slack: SlackApi,
    private readonly options: SlackResponderOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Shows that the bot is working: a reaction on the question. Best effort (needs `reactions:write`). */
  async showWorking(target: ReplyTarget): Promise<void> {
    await this.slack
      .addReaction({ channel: target.channel, ts: target.messageTs, name: this.options.workingReaction })
      .catch((error: unknown) => logSlackProblem('could not add the working reaction', error));
  }

  async doneWorking(target: ReplyTarget): Promise<void> {
    await this.slack
      .removeReaction({ channel: target.channel, ts: target.messageTs, name: this.options.workingReaction })
      .catch((error: unknown) => logSlackProblem('could not remove the working reaction', error));
  }

  private async closeInterrupted(target: ReplyTarget, ts: string, alreadyStopped: boolean): Promise<void> {
    if (!alreadyStopped) {
      await this.slack
        .stopStream({ channel: target.channel, ts })
        .catch((error: unknown) => logSlackProblem('could not stop an interrupted stream', error));
    }
    await this.slack
      .updateMessage({ channel: target.channel, ts, text: INTERRUPTED_NOTICE })
      .catch((error: unknown) => logSlackProblem('could not mark an interrupted stream', error));
  }

  /** A short reply of Lantern's own (not an answer), e.g. that a question is too long. */
  async postNotice(target: ReplyTarget, text: string): Promise<PostedMessage> {
    return this.slack.postMessage({
      channel: target.channel,
      threadTs: target.threadTs,
      text: escapeMrkdwn(text),
    });
  }

  /**
   * Delivers an answer from its event stream; returns how it was delivered. A 429 on starting or
   * appending to the stream never holds up the answer: the text keeps accumulating and goes out
   * once `Retry-After` has passed (or with `chat.stopStream`, or in one post if no stream started).
   */
  async deliver(target: ReplyTarget, events: AsyncIterable<AnswerEvent>): Promise<DeliveredAnswer> {
    // Set when Slack refused the stream (before it started: post instead; after: replace it).
    let failed = !this.options.streaming || this.streamingUnavailable.has(target.teamId);
    let stream: PostedMessage | undefined;
    let shown = '';
    let pending = '';
    let notBefore = 0;

    const flush = async () => {
      try {
        if (stream)
          await this.slack.appendStream({ channel: target.channel, ts: stream.ts, markdownText: pending });
        else
          stream = await this.slack.startStream({
            channel: target.channel,
            threadTs: target.threadTs,
            markdownText: pending,
            recipientUserId: target.userId,
            recipientTeamId: target.teamId,
          });
      } catch (error) {
        if (error instanceof SlackRateLimitedError) {
          notBefore = this.now() + error.retryAfterSeconds * 1000;
          return;
        }
        if (!(error instanceof SlackPlatformError)) throw error;
        failed = true;
        if (!stream && STREAMING_UNAVAILABLE.has(error.slackError))
          this.streamingUnavailable.add(target.teamId);
        logger.info(
          stream ? 'Slack stopped accepting the stream; replacing it' : 'Slack refused to stream; posting',
          {
            slackError: error.slackError,
          },
        );
        return;
      }
      shown += pending;
      pending = '';
      notBefore = this.now() + this.options.flushIntervalMs;
    };

    let final: ChatAnswer | undefined;
    try {
      for await (const event of events) {
        if (event.type === 'done') final = event.answer;
        if (event.type !== 'text') continue;
        pending += escapeMrkdwn(event.text);
        // The first words go out at once; after that, text is batched to stay within Slack's rate limits.
        if (
          !failed &&
          pending &&
          this.now() >= notBefore &&
          (!stream || pending.length >= this.options.flushChars)
        )
          await flush();
      }
      if (!final) throw new Error('The answer stream ended without its final event');
    } catch (error) {
      // The answer broke off: do not leave half an answer streaming in the thread while the queue retries.
      if (stream) await this.closeInterrupted(target, stream.ts, failed);
      throw error;
    }
    const formatted = formatSlackAnswer(final, {
      ...(this.options.sourceBaseUrl ? { sourceBaseUrl: this.options.sourceBaseUrl } : {}),
    });

    if (stream) {
      const ts = stream.ts;
      if (!failed && (shown + pending).trim() === formatted.body) {
        try {
          await this.slack.stopStream({
            channel: target.channel,
            ts,
            ...(pending ? { markdownText: pending } : {}),
            ...(formatted.sources ? { blocks: [sourcesBlock(formatted.sources)] } : {}),
          });
          return { mode: 'streamed', ts, answer: final };
        } catch (error) {
          // Failing here would have the queue answer again, in a second message: replace it instead.
          logSlackProblem('could not finish a stream; replacing it', error);
        }
      }
      // Slack stopped accepting the stream, refused to finish it, or the final answer differs (the
      // guardrail answered instead): the message becomes the whole answer.
      await this.slack
        .stopStream({ channel: target.channel, ts })
        .catch((error: unknown) => logSlackProblem('could not stop a stream', error));
      const replaced = await this.slack
        .updateMessage({ channel: target.channel, ts, text: formatted.text })
        .then(
          () => true,
          (error: unknown) => logSlackProblem('could not replace a stream; posting the answer', error),
        );
      if (replaced) return { mode: 'streamed', ts, answer: final, replaced };
    }
    const posted = await this.slack.postMessage({
      channel: target.channel,
      threadTs: target.threadTs,
      text: formatted.text,
    });
    return { mode: 'posted', ts: posted.ts, answer: final };
  }
}

function logSlackProblem(message: string, error: unknown): void {
  const slackError = error instanceof SlackPlatformError ? error.slackError : undefined;
  logger.info(message, {
    ...(slackError ? { slackError } : { error: error instanceof Error ? error.name : 'unknown' }),
  });
}
