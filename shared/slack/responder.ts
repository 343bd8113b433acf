import type { ChatAnswer } from '../chat/types.ts';
import { logger } from '../observability.ts';
import type { AnswerEvent } from './answer-stream.ts';
import { escapeMrkdwn, formatSlackAnswer, sourcesBlock } from './format.ts';
import { type PostedMessage, type SlackApi, SlackPlatformError } from './slack-api.ts';

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
  readonly flushChars: number;
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

  /** Delivers an answer from its event stream; returns how it was delivered. */
  async deliver(target: ReplyTarget, events: AsyncIterable<AnswerEvent>): Promise<DeliveredAnswer> {
    const tryStreaming = this.options.streaming && !this.streamingUnavailable.has(target.teamId);
    let stream: PostedMessage | undefined;
    let streamRefused = false;
    let streamBroken = false;
    let shown = '';
    let pending = '';
    let lastFlush = this.now();

    const flush = async () => {
      if (!pending) return;
      if (!stream) {
        try {
          stream = await this.slack.startStream({
            channel: target.channel,
            threadTs: target.threadTs,
            markdownText: pending,
            recipientUserId: target.userId,
            recipientTeamId: target.teamId,
          });
        } catch (error) {
          if (!(error instanceof SlackPlatformError)) throw error;
          streamRefused = true;
          if (STREAMING_UNAVAILABLE.has(error.slackError)) this.streamingUnavailable.add(target.teamId);
          logger.info('Slack refused to stream; posting the answer in one message', {
            slackError: error.slackError,
          });
          return;
        }
      } else {
        try {
          await this.slack.appendStream({ channel: target.channel, ts: stream.ts, markdownText: pending });
        } catch (error) {
          if (!(error instanceof SlackPlatformError)) throw error;
          streamBroken = true;
          logger.warn('Slack stopped accepting the stream; replacing it with the full answer', {
            slackError: error.slackError,
          });
          return;
        }
      }
      shown += pending;
      pending = '';
      lastFlush = this.now();
    };

    let final: ChatAnswer | undefined;
    try {
      for await (const event of events) {
        if (event.type === 'done') final = event.answer;
        if (event.type !== 'text') continue;
        pending += escapeMrkdwn(event.text);
        if (!tryStreaming || streamRefused || streamBroken) continue;
        // The first words go out at once; after that, text is batched to stay within Slack's rate limits.
        const due =
          !stream ||
          pending.length >= this.options.flushChars ||
          this.now() - lastFlush >= this.options.flushIntervalMs;
        if (due) await flush();
      }
      if (!final) throw new Error('The answer stream ended without its final event');
    } catch (error) {
      // The answer broke off: do not leave half an answer streaming in the thread while the queue retries.
      if (stream) await this.closeInterrupted(target, stream.ts, streamBroken);
      throw error;
    }
    const formatted = formatSlackAnswer(final, {
      ...(this.options.sourceBaseUrl ? { sourceBaseUrl: this.options.sourceBaseUrl } : {}),
    });
    const blocks = formatted.sources ? [sourcesBlock(formatted.sources)] : undefined;

    if (stream && !streamBroken) {
      if ((shown + pending).trim() === formatted.body) {
        await this.slack.stopStream({
          channel: target.channel,
          ts: stream.ts,
          ...(pending ? { markdownText: pending } : {}),
          ...(blocks ? { blocks } : {}),
        });
        return { mode: 'streamed', ts: stream.ts, answer: final };
      }
      // What was streamed is not the final answer (the guardrail answered instead): replace it.
      await this.slack.stopStream({ channel: target.channel, ts: stream.ts });
      await this.slack.updateMessage({ channel: target.channel, ts: stream.ts, text: formatted.text });
      return { mode: 'streamed', ts: stream.ts, answer: final, replaced: true };
    }
    if (stream) {
      const streamTs = stream.ts;
      await this.slack
        .stopStream({ channel: target.channel, ts: streamTs })
        .catch((error: unknown) => logSlackProblem('could not stop a broken stream', error));
      const replaced = await this.slack
        .updateMessage({ channel: target.channel, ts: streamTs, text: formatted.text })
        .then(() => true)
        .catch((error: unknown) => {
          logSlackProblem('could not replace a broken stream; posting the answer', error);
          return false;
        });
      if (replaced) return { mode: 'streamed', ts: streamTs, answer: final, replaced: true };
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
