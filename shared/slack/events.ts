import * as z from '../validation.ts';

/**
 * Slack Events API payloads, validated with zod. Only the fields Lantern reads are declared; the
 * rest is kept (`looseObject`), so the worker receives the envelope Slack sent.
 */
const optionalString = z.optional(z.string());

const inner = z.looseObject({
  type: z.string(),
  subtype: optionalString,
  user: optionalString,
  bot_id: optionalString,
  text: optionalString,
  ts: optionalString,
  thread_ts: optionalString,
  channel: optionalString,
  channel_type: optionalString,
});

export const eventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: z.string().check(z.minLength(1)),
  api_app_id: optionalString,
  event_id: z.string().check(z.minLength(1), z.maxLength(128)),
  event_time: z.optional(z.number()),
  event: inner,
  /**
   * Who the event is for. The first entry's `user_id` is the bot user of this installation unless
   * `is_bot` is false: then it is the user who installed the app (a user-token installation).
   */
  authorizations: z.optional(
    z.array(
      z.looseObject({
        user_id: optionalString,
        team_id: z.nullish(z.string()),
        is_bot: z.optional(z.boolean()),
      }),
    ),
  ),
});

/*
 * Envelopes other than events arrive once at setup (`url_verification`) or rarely
 * (`app_rate_limited`): their schemas are built the first time one comes, so neither the worker,
 * which never reads them, nor the events function's cold start builds them.
 */
const urlVerification = /* @__PURE__ */ once(() =>
  z.looseObject({
    type: z.literal('url_verification'),
    challenge: z.string().check(z.minLength(1), z.maxLength(1_000)),
  }),
);

const appRateLimited = /* @__PURE__ */ once(() =>
  z.looseObject({
    type: z.literal('app_rate_limited'),
    team_id: optionalString,
    minute_rate_limited: z.optional(z.number()),
  }),
);

export type SlackEventCallback = z.infer<typeof eventCallbackSchema>;

export type SlackEnvelope =
  | { readonly type: 'url_verification'; readonly challenge: string }
  | { readonly type: 'event_callback'; readonly callback: SlackEventCallback }
  | { readonly type: 'app_rate_limited'; readonly teamId?: string; readonly minute?: number }
  | { readonly type: 'unsupported'; readonly envelopeType: string };

export class SlackPayloadError extends Error {
  override readonly name = 'SlackPayloadError';
}

/** Parses the (already verified) request body; anything malformed is a `SlackPayloadError`. */
export function parseSlackEnvelope(rawBody: string): SlackEnvelope {
  let data: unknown;
  try {
    data = JSON.parse(rawBody);
  } catch {
    throw new SlackPayloadError('The request body is not JSON');
  }
  const type = z.looseObject({ type: z.string() }).safeParse(data);
  if (!type.success) throw new SlackPayloadError('The request body has no "type"');
  switch (type.data.type) {
    case 'url_verification':
      return { type: 'url_verification', challenge: parseWith(urlVerification(), data).challenge };
    case 'event_callback':
      return { type: 'event_callback', callback: parseWith(eventCallbackSchema, data) };
    case 'app_rate_limited': {
      const limited = parseWith(appRateLimited(), data);
      return {
        type: 'app_rate_limited',
        ...(limited.team_id ? { teamId: limited.team_id } : {}),
        ...(limited.minute_rate_limited !== undefined ? { minute: limited.minute_rate_limited } : {}),
      };
    }
    default:
      return { type: 'unsupported', envelopeType: type.data.type.slice(0, 64) };
  }
}

/** What `build` returns, built on the first call and kept. */
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
}

function parseWith<T>(schema: z.core.$ZodType<T>, data: unknown): T {
  const result = z.safeParse(schema, data);
  if (!result.success) {
    const where = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new SlackPayloadError(`Invalid Slack payload at ${where}`);
  }
  return result.data;
}

export type SlackQuestionKind = 'app_mention' | 'message.im';

/** A question someone asked the bot: everything the worker needs to answer in the thread. */
export interface SlackQuestion {
  readonly eventId: string;
  readonly teamId: string;
  readonly kind: SlackQuestionKind;
  readonly channel: string;
  readonly user: string;
  /** Slack-formatted text, mentions included. */
  readonly text: string;
  /** The message's own ts: reactions go here. */
  readonly ts: string;
  /** The thread the answer goes to: `thread_ts` when the question is a reply, else its own ts. */
  readonly threadTs: string;
  /** The bot user of this installation, when Slack said (from `authorizations`). */
  readonly botUserId?: string;
}

export type IgnoreReason = 'bot_message' | 'subtype' | 'own_message' | 'unsupported_event' | 'incomplete';

export type SlackEventDecision =
  | { readonly handle: true; readonly question: SlackQuestion }
  | { readonly handle: false; readonly reason: IgnoreReason };

/**
 * Decides whether an event is a question for the bot: `app_mention` anywhere, or a direct message
 * (`message` in an `im`). Messages from bots (the bot's own answers included), edits, joins and other
 * subtypes are ignored, so the bot never answers itself or answers twice.
 */
export function classifySlackEvent(callback: SlackEventCallback): SlackEventDecision {
  const event = callback.event;
  const isMention = event.type === 'app_mention';
  const isDirectMessage = event.type === 'message' && event.channel_type === 'im';
  if (!isMention && !isDirectMessage) return { handle: false, reason: 'unsupported_event' };
  if (event.bot_id || event.subtype === 'bot_message') return { handle: false, reason: 'bot_message' };
  if (event.subtype) return { handle: false, reason: 'subtype' };
  const authorization = callback.authorizations?.[0];
  const botUserId = authorization?.is_bot === false ? undefined : authorization?.user_id;
  if (!event.user || !event.channel || !event.ts) return { handle: false, reason: 'incomplete' };
  if (botUserId && event.user === botUserId) return { handle: false, reason: 'own_message' };
  return {
    handle: true,
    question: {
      eventId: callback.event_id,
      teamId: callback.team_id,
      kind: isMention ? 'app_mention' : 'message.im',
      channel: event.channel,
      user: event.user,
      text: event.text ?? '',
      ts: event.ts,
      threadTs: event.thread_ts ?? event.ts,
      ...(botUserId ? { botUserId } : {}),
    },
  };
}

const ANGLE_TOKEN = /<([^<>]+)>/g;

/**
 * Turns Slack's message text into the plain question the knowledge base gets: the bot's mention is
 * removed, other mentions and links become their labels, and `&amp;`, `&lt;`, `&gt;` are unescaped.
 * Without a known bot user id, a mention at the very start (how `app_mention` text begins) is removed.
 */
export function slackTextToQuestion(text: string, botUserId?: string): string {
  let source = text;
  if (!botUserId) source = source.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>/i, '');
  const plain = source.replace(ANGLE_TOKEN, (_token, body: string) => {
    const [target = '', label] = splitOnce(body, '|');
    if (target.startsWith('@')) {
      if (botUserId && target.slice(1) === botUserId) return ' ';
      return label ? `@${label.replace(/^@/, '')}` : '@someone';
    }
    if (target.startsWith('#')) return label ? `#${label}` : '#channel';
    if (target.startsWith('!')) {
      const command = target.slice(1).split('^')[0] ?? '';
      if (label) return label;
      return ['here', 'channel', 'everyone'].includes(command) ? `@${command}` : '';
    }
    // A link: <https://example.com|label> or <mailto:a@b.example|a@b.example> or a bare <https://…>.
    return label ?? target.replace(/^mailto:/, '');
  });
  return unescapeSlack(plain).replace(/\s+/g, ' ').trim();
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
