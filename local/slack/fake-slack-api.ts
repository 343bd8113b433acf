import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from '../json-response.ts';

/**
 * A fake of the Slack Web API on loopback, for `npm run slack:simulate` and the tests: the methods
 * Lantern calls, with Slack's wire shape (`POST /api/<method>`, form or JSON bodies, a bearer token,
 * `{ok:true,…}` / `{ok:false,error}` with HTTP 200, and 429 + `Retry-After` when rate limited). It
 * keeps the conversation's messages and reactions and records every call, so a test can assert on
 * what a user would see. It never logs the token or the text.
 */

export interface FakeSlackOptions {
  /** The bot token the fake accepts (`Authorization: Bearer …`). */
  readonly token: string;
  readonly teamId?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  /** `true`: the streaming methods work; a string: `chat.startStream` fails with that Slack error. */
  readonly streaming?: true | string;
  readonly port?: number;
}

export interface FakeSlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** `Date.now()` when the call arrived. */
  readonly at: number;
  /** 200, or 429 when the fake rate-limited it. */
  readonly status: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface FakeSlackMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  /** The message text: mrkdwn when posted, Markdown when streamed. */
  text: string;
  blocks?: unknown[];
  readonly via: 'chat.postMessage' | 'chat.startStream';
  /** True while a stream is open. */
  streaming: boolean;
  /** `chat.update`s applied. */
  updates: number;
}

export interface FakeSlackReaction {
  readonly channel: string;
  readonly ts: string;
  readonly name: string;
  removed: boolean;
}

export interface FakeSlackApi {
  /** Base URL for `SLACK_API_URL`, ending in `/api/`. */
  readonly url: string;
  readonly teamId: string;
  readonly botUserId: string;
  readonly calls: readonly FakeSlackCall[];
  readonly messages: readonly FakeSlackMessage[];
  readonly reactions: readonly FakeSlackReaction[];
  /** The next call to `method` answers 429 with `Retry-After: seconds`, once. */
  rateLimitOnce(method: string, retryAfterSeconds: number): void;
  /** The next call to `method` answers `{ok:false, error}`, once. */
  failOnce(method: string, error: string): void;
  /** `true`: streaming works; a Slack error code: `chat.startStream` fails with it. */
  setStreaming(mode: true | string): void;
  /** Messages in a thread (or all), in the order they were created. */
  thread(threadTs: string): FakeSlackMessage[];
  /** Waits (bounded) until `count` finished messages (no open stream) exist in the thread, or all. */
  waitForReplies(
    count: number,
    options?: { threadTs?: string; timeoutMs?: number },
  ): Promise<FakeSlackMessage[]>;
  /** Forgets calls, messages and reactions. */
  reset(): void;
  close(): Promise<void>;
}

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

/** Characters a Block Kit text object may hold. */
const MAX_TEXT_OBJECT = 3_000;

/** Argument names whose values Slack's clients send JSON-encoded inside form bodies. */
const JSON_ARGS = new Set(['blocks', 'chunks', 'attachments', 'metadata']);

export async function startFakeSlackApi(options: FakeSlackOptions): Promise<FakeSlackApi> {
  const teamId = options.teamId ?? 'T0LANTERN';
  const botUserId = options.botUserId ?? 'U0LANTERNBOT';
  const botId = options.botId ?? 'B0LANTERN';
  let streaming: true | string = options.streaming ?? true;
  const calls: FakeSlackCall[] = [];
  const messages: FakeSlackMessage[] = [];
  const reactions: FakeSlackReaction[] = [];
  const rateLimits = new Map<string, number>();
  const failures = new Map<string, string>();
  let sequence = 0;

  const newTs = () => {
    sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
  };
  const fail = (error: string) => ({ ok: false, error });
  const find = (channel: unknown, ts: unknown) => messages.find((m) => m.channel === channel && m.ts === ts);
  const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const chunkText = (args: Record<string, unknown>) => {
    let text = asString(args.markdown_text) ?? '';
    if (Array.isArray(args.chunks)) {
      for (const chunk of args.chunks as { type?: string; text?: string }[]) {
        if (chunk?.type === 'markdown_text' && typeof chunk.text === 'string') text += chunk.text;
      }
    }
    return text;
  };
  const messageShape = (m: FakeSlackMessage) => ({
    type: 'message',
    user: botUserId,
    bot_id: botId,
    text: m.text,
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
  });

  const methods: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://lantern-local.slack.example/',
      team: 'Lantern (local)',
      user: 'lantern',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
    }),
    'chat.postMessage': (args) => {
      const channel = asString(args.channel);
      const text = asString(args.text);
      if (!channel) return fail('channel_not_found');
      if (!text && !Array.isArray(args.blocks)) return fail('no_text');
      const threadTs = asString(args.thread_ts);
      const message: FakeSlackMessage = {
        channel,
        ts: newTs(),
        ...(threadTs ? { threadTs } : {}),
        text: text ?? '',
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        via: 'chat.postMessage',
        streaming: false,
        updates: 0,
      };
      messages.push(message);
      return { ok: true, channel, ts: message.ts, message: messageShape(message) };
    },
    'chat.update': (args) => {
      const message = find(args.channel, args.ts);
      if (!message) return fail('message_not_found');
      if (typeof args.text === 'string') message.text = args.text;
      if (Array.isArray(args.blocks)) message.blocks = args.blocks.length ? args.blocks : undefined;
      message.updates += 1;
      return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
    },
    'reactions.add': (args) => {
      const channel = asString(args.channel);
      const ts = asString(args.timestamp);
      const name = asString(args.name);
      if (!channel || !ts || !name) return fail('invalid_arguments');
      if (reactions.some((r) => r.channel === channel && r.ts === ts && r.name === name && !r.removed)) {
        return fail('already_reacted');
      }
      reactions.push({ channel, ts, name, removed: false });
      return { ok: true };
    },
    'reactions.remove': (args) => {
      const reaction = reactions.find(
        (r) => r.channel === args.channel && r.ts === args.timestamp && r.name === args.name && !r.removed,
      );
      if (!reaction) return fail('no_reaction');
      reaction.removed = true;
      return { ok: true };
    },
    'chat.startStream': (args) => {
      if (streaming !== true) return fail(streaming);
      const channel = asString(args.channel);
      const threadTs = asString(args.thread_ts);
      if (!channel) return fail('channel_not_found');
      if (!threadTs) return fail('invalid_arguments');
      // Outside DMs Slack needs to know who the stream is for.
      if (!channel.startsWith('D') && (!args.recipient_user_id || !args.recipient_team_id)) {
        return fail('invalid_arguments');
      }
      const message: FakeSlackMessage = {
        channel,
        ts: newTs(),
        threadTs,
        text: chunkText(args),
        via: 'chat.startStream',
        streaming: true,
        updates: 0,
      };
      messages.push(message);
      return { ok: true, channel, ts: message.ts };
    },
    'chat.appendStream': (args) => {
      const message = find(args.channel, args.ts);
      if (!message) return fail('message_not_found');
      if (!message.streaming) return fail('message_not_in_streaming_state');
      message.text += chunkText(args);
      return { ok: true, channel: message.channel, ts: message.ts };
    },
    'chat.stopStream': (args) => {
      const message = find(args.channel, args.ts);
      if (!message) return fail('message_not_found');
      if (!message.streaming) return fail('message_not_in_streaming_state');
      message.text += chunkText(args);
      if (Array.isArray(args.blocks)) message.blocks = args.blocks;
      message.streaming = false;
      return { ok: true, channel: message.channel, ts: message.ts, message: messageShape(message) };
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fatal_error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = url.pathname.replace(/^\/api\//, '');
    const raw = await readBody(req);
    const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
    const at = Date.now();
    if (req.method !== 'POST' && req.method !== 'GET')
      return sendJson(res, 405, { ok: false, error: 'method_not_allowed' });

    const retryAfter = rateLimits.get(method);
    if (retryAfter !== undefined) {
      rateLimits.delete(method);
      calls.push({ method, args: redact(args), at, status: 429, ok: false, error: 'ratelimited' });
      return sendJson(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? asString(args.token);
    let result: Record<string, unknown>;
    if (!bearer) result = fail('not_authed');
    else if (bearer !== options.token) result = fail('invalid_auth');
    else if (failures.has(method)) {
      result = fail(failures.get(method) ?? 'fatal_error');
      failures.delete(method);
    } else if (oversizedText(args.blocks)) result = fail('invalid_blocks');
    else result = methods[method]?.(args) ?? fail('unknown_method');
    const error = typeof result.error === 'string' ? result.error : undefined;
    calls.push({
      method,
      args: redact(args),
      at,
      status: 200,
      ok: result.ok === true,
      ...(error ? { error } : {}),
    });
    sendJson(res, 200, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  const finished = (threadTs?: string) =>
    messages.filter(
      (m) => !m.streaming && (threadTs === undefined || m.threadTs === threadTs || m.ts === threadTs),
    );

  return {
    url: `http://127.0.0.1:${port}/api/`,
    teamId,
    botUserId,
    calls,
    messages,
    reactions,
    rateLimitOnce: (method, seconds) => {
      rateLimits.set(method, seconds);
    },
    failOnce: (method, error) => {
      failures.set(method, error);
    },
    setStreaming: (mode) => {
      streaming = mode;
    },
    thread: (threadTs) => messages.filter((m) => m.threadTs === threadTs || m.ts === threadTs),
    waitForReplies: async (count, waitOptions = {}) => {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 20_000);
      while (Date.now() < deadline) {
        const replies = finished(waitOptions.threadTs);
        if (replies.length >= count) return replies;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(
        `Timed out waiting for ${count} Slack replies (have ${finished(waitOptions.threadTs).length})`,
      );
    },
    reset: () => {
      calls.length = 0;
      messages.length = 0;
      reactions.length = 0;
      rateLimits.clear();
      failures.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) {
    try {
      const data: unknown = JSON.parse(raw);
      return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (JSON_ARGS.has(name)) {
      try {
        args[name] = JSON.parse(value);
        continue;
      } catch {
        // Not JSON after all: keep the string, as Slack would reject it.
      }
    }
    args[name] = value;
  }
  return args;
}

/**
 * Slack refuses blocks holding a text object over 3,000 characters with `invalid_blocks`
 * (https://api.slack.com/reference/block-kit/composition-objects#text): true when `value`, blocks or
 * anything inside them, holds one.
 */
function oversizedText(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(oversizedText);
  if (!value || typeof value !== 'object') return false;
  const { type, text } = value as { type?: unknown; text?: unknown };
  if (
    (type === 'mrkdwn' || type === 'plain_text') &&
    typeof text === 'string' &&
    text.length > MAX_TEXT_OBJECT
  ) {
    return true;
  }
  return Object.values(value).some(oversizedText);
}

/** Calls are kept for assertions; the token never is. */
function redact(args: Record<string, unknown>): Record<string, unknown> {
  const { token: _token, ...rest } = args;
  return rest;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
