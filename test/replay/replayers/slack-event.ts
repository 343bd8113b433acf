import type { APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'vitest';
import { StaticSlackCredentials } from '../../../shared/slack/credentials.ts';
import {
  classifySlackEvent,
  parseSlackEnvelope,
  type SlackEventCallback,
  slackTextToQuestion,
} from '../../../shared/slack/events.ts';
import type { SlackJob } from '../../../shared/slack/job.ts';
import { signSlackRequest } from '../../../shared/slack/signature.ts';
import { context, InMemoryLedger, loadSlackHandlers, slackProxyEvent } from '../../slack/support.ts';
import type { Replayer } from '../context.ts';

type Json = Record<string, unknown>;

const SECRET = 'replay-signing-secret';

/** Posts a body as Slack would (signed now) to the events handler; returns its answer and queued jobs. */
async function deliver(payload: Json) {
  const { makeEventsHandler } = await loadSlackHandlers();
  const jobs: SlackJob[] = [];
  const handler = makeEventsHandler({
    credentials: new StaticSlackCredentials({ signingSecret: SECRET }),
    ledger: new InMemoryLedger(),
    queue: { enqueue: async (job: SlackJob) => void jobs.push(job) },
  });
  const raw = JSON.stringify(payload);
  const ts = String(Math.floor(Date.now() / 1000));
  const event = slackProxyEvent(raw, {
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signSlackRequest(SECRET, ts, raw),
  });
  const result = (await handler(event, context('lantern-replay'))) as APIGatewayProxyResult;
  return { status: result.statusCode, json: JSON.parse(result.body) as Json, jobs, raw };
}

/**
 * Whether an event is a question for the bot, read from the payload: a mention, or a direct message,
 * from a person (no subtype, no bot) who is not the bot. The first authorization names the bot user
 * unless it says `is_bot: false` (a user-token installation, where it is the installer).
 */
function expectedQuestion(payload: Json) {
  const event = payload.event as Json;
  const authorization = ((payload.authorizations as Json[] | undefined) ?? [])[0];
  const botUserId = authorization && authorization.is_bot !== false ? authorization.user_id : undefined;
  const asked =
    (event.type === 'app_mention' || (event.type === 'message' && event.channel_type === 'im')) &&
    !event.subtype &&
    !event.bot_id &&
    typeof event.user === 'string' &&
    typeof event.channel === 'string' &&
    typeof event.ts === 'string' &&
    event.user !== botUserId;
  if (!asked) return undefined;
  return {
    eventId: payload.event_id,
    teamId: payload.team_id,
    kind: event.type === 'app_mention' ? 'app_mention' : 'message.im',
    channel: event.channel,
    user: event.user,
    text: event.text ?? '',
    ts: event.ts,
    threadTs: event.thread_ts ?? event.ts,
    ...(typeof botUserId === 'string' ? { botUserId } : {}),
  };
}

async function replayCallback(payload: Json): Promise<void> {
  const want = expectedQuestion(payload);
  const delivered = await deliver(payload);
  expect(delivered).toMatchObject({ status: 200, json: { ok: true } });
  expect(delivered.jobs.map((job) => (job.envelope as Json).event_id)).toEqual(
    want ? [payload.event_id] : [],
  );

  const envelope = parseSlackEnvelope(delivered.raw);
  expect(envelope.type).toBe('event_callback');
  const decision = classifySlackEvent((envelope as { callback: SlackEventCallback }).callback);
  if (!want) {
    expect(decision.handle).toBe(false);
    return;
  }
  expect(decision).toEqual({ handle: true, question: want });
  const text = String(want.text);
  // The mention that addressed the bot is not part of the question.
  const mention = want.botUserId ? new RegExp(`<@${want.botUserId}(\\|[^>]*)?>`, 'g') : /^\s*<@[^>]+>/;
  const rest = text.replace(mention, ' ');
  if (!/[<&]/.test(rest) && decision.handle) {
    expect(slackTextToQuestion(text, decision.question.botUserId)).toBe(rest.replace(/\s+/g, ' ').trim());
  }
}

/**
 * Variants the recordings' notes call for: a thread reply as the Events API really delivers it (a
 * `message` without the `message_replied` subtype whose `thread_ts` differs from its `ts`), and a
 * recorded channel message as a direct message.
 */
function variants(payload: Json): { name: string; payload: Json }[] {
  const event = payload.event as Json;
  const out: { name: string; payload: Json }[] = [];
  const inner = event.message as Json | undefined;
  if (event.subtype === 'message_replied' && inner) {
    const replies = (inner.replies as Json[] | undefined) ?? [];
    const { subtype: _subtype, message: _message, hidden: _hidden, ...rest } = event;
    out.push({
      name: 'the reply as the Events API delivers it, in a direct message',
      payload: {
        ...payload,
        event: {
          ...rest,
          channel_type: 'im',
          user: replies.at(-1)?.user ?? inner.user,
          text: inner.text,
          thread_ts: inner.thread_ts,
        },
      },
    });
  } else if (event.type === 'message' && !event.subtype && event.channel_type !== 'im') {
    out.push({
      name: 'as a direct message',
      payload: { ...payload, event: { ...event, channel_type: 'im' } },
    });
  }
  return out;
}

/** Slack Events API bodies through the events handler (signature, parsing, classification). */
export const replaySlackEvent: Replayer = async (recording) => {
  const payload = recording.payload;
  if (payload.type === 'url_verification') {
    const delivered = await deliver(payload);
    expect(delivered).toMatchObject({ status: 200, json: { challenge: payload.challenge }, jobs: [] });
    return ['as recorded'];
  }
  await replayCallback(payload);
  const run = ['as recorded'];
  for (const variant of variants(payload)) {
    await replayCallback(variant.payload);
    run.push(variant.name);
  }
  return run;
};
