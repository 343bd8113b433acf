import { randomBytes } from 'node:crypto';
import { escapeMrkdwn } from '../../shared/slack/format.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';

/**
 * Builds and sends Slack Events API requests the way Slack does: an `event_callback` envelope,
 * signed with the app's signing secret. Used by `npm run slack:simulate` and the tests.
 */

export interface SimulatedWorkspace {
  readonly teamId: string;
  readonly botUserId: string;
  readonly apiAppId?: string;
}

export interface QuestionOptions {
  readonly text: string;
  readonly channel?: string;
  readonly user?: string;
  readonly ts?: string;
  /** Ask in an existing thread (a follow-up). */
  readonly threadTs?: string;
  readonly eventId?: string;
}

let sequence = 0;

/** A Slack-style message ts: epoch seconds and a six-digit suffix, unique within this process. */
export function newSlackTs(): string {
  sequence += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(100_000 + (sequence % 900_000)).padStart(6, '0')}`;
}

export function newEventId(): string {
  return `Ev${randomBytes(6).toString('hex').toUpperCase()}`;
}

/**
 * An `app_mention` in a channel: the text starts with the bot's mention and has `& < >` escaped,
 * as Slack sends it.
 */
export function appMentionEnvelope(workspace: SimulatedWorkspace, question: QuestionOptions) {
  return envelope(workspace, question, {
    type: 'app_mention',
    text: `<@${workspace.botUserId}> ${escapeMrkdwn(question.text)}`,
    channel: question.channel ?? 'C0SUPPORT',
  });
}

/** A direct message to the bot (`message.im`). */
export function directMessageEnvelope(workspace: SimulatedWorkspace, question: QuestionOptions) {
  return envelope(workspace, question, {
    type: 'message',
    channel_type: 'im',
    text: escapeMrkdwn(question.text),
    channel: question.channel ?? 'D0ASKER',
  });
}

function envelope(
  workspace: SimulatedWorkspace,
  question: QuestionOptions,
  event: { type: string; text: string; channel: string; channel_type?: string },
) {
  const ts = question.ts ?? newSlackTs();
  return {
    token: 'deprecated-verification-token',
    team_id: workspace.teamId,
    api_app_id: workspace.apiAppId ?? 'A0LANTERN',
    event: {
      ...event,
      user: question.user ?? 'U0ASKER',
      ts,
      ...(question.threadTs ? { thread_ts: question.threadTs } : {}),
      event_ts: ts,
    },
    type: 'event_callback',
    event_id: question.eventId ?? newEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: workspace.teamId, user_id: workspace.botUserId, is_bot: true }],
  };
}

export interface SendOptions {
  /** Epoch seconds to sign with. @default now */
  readonly timestamp?: number;
  /** `X-Slack-Retry-Num`, as Slack sends on its retries. */
  readonly retryNum?: number;
  readonly retryReason?: string;
  /** Send these signature headers instead of a correct signature (tests of refusals). */
  readonly headers?: Record<string, string>;
}

export interface SentEvent {
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
}

/** POSTs a body to the events endpoint, signed as Slack signs it. */
export async function sendSignedEvent(
  eventsUrl: string,
  signingSecret: string,
  body: unknown,
  options: SendOptions = {},
): Promise<SentEvent> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const headers = options.headers ?? {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(signingSecret, timestamp, raw),
  };
  const started = performance.now();
  const response = await fetch(eventsUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...headers,
      ...(options.retryNum !== undefined ? { 'x-slack-retry-num': String(options.retryNum) } : {}),
      ...(options.retryReason ? { 'x-slack-retry-reason': options.retryReason } : {}),
    },
    body: raw,
  });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, ms };
}
