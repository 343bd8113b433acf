import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  classifySlackEvent,
  parseSlackEnvelope,
  type SlackEventCallback,
  SlackPayloadError,
  slackTextToQuestion,
} from '../../shared/slack/events.ts';
import { parseSlackJob } from '../../shared/slack/job.ts';

const sample = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', '..', 'events', 'slack', name), 'utf8');
const callbackOf = (name: string): SlackEventCallback => {
  const envelope = parseSlackEnvelope(sample(name));
  if (envelope.type !== 'event_callback') throw new Error(`${name} is not an event_callback`);
  return envelope.callback;
};

describe('parseSlackEnvelope', () => {
  it('reads url_verification, event_callback and app_rate_limited', () => {
    expect(parseSlackEnvelope(sample('url-verification.json'))).toEqual({
      type: 'url_verification',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
    const mention = parseSlackEnvelope(sample('app-mention.json'));
    expect(mention).toMatchObject({
      type: 'event_callback',
      callback: { event_id: 'Ev0SAMPLEMENTION', team_id: 'T0SAMPLE1', event: { type: 'app_mention' } },
    });
    // Fields Lantern does not declare are kept for the worker.
    expect(mention.type === 'event_callback' && mention.callback.event_context).toBe(
      '4-eyJldCI6ImFwcF9tZW50aW9uIn0',
    );
    expect(
      parseSlackEnvelope(
        JSON.stringify({
          token: 't',
          team_id: 'T1',
          minute_rate_limited: 1518467820,
          api_app_id: 'A1',
          type: 'app_rate_limited',
        }),
      ),
    ).toEqual({ type: 'app_rate_limited', teamId: 'T1', minute: 1518467820 });
  });

  it('passes other envelope types on as unsupported', () => {
    expect(parseSlackEnvelope('{"type":"block_actions"}')).toEqual({
      type: 'unsupported',
      envelopeType: 'block_actions',
    });
  });

  it('refuses bodies that are not Slack envelopes, naming the field but not its value', () => {
    for (const body of [
      '',
      'not json',
      '[]',
      '{"no":"type"}',
      '{"type":"url_verification"}',
      '{"type":"event_callback","team_id":"T1"}',
    ]) {
      expect(() => parseSlackEnvelope(body)).toThrowError(SlackPayloadError);
    }
    expect(() =>
      parseSlackEnvelope('{"type":"event_callback","team_id":"T1","event_id":"Ev1"}'),
    ).toThrowError(/event/);
  });
});

describe('classifySlackEvent', () => {
  it('takes an app_mention as a question in a new thread keyed by its own ts', () => {
    expect(classifySlackEvent(callbackOf('app-mention.json'))).toEqual({
      handle: true,
      question: {
        eventId: 'Ev0SAMPLEMENTION',
        teamId: 'T0SAMPLE1',
        kind: 'app_mention',
        channel: 'C0SUPPORT1',
        user: 'U0ASKER01',
        text: '<@U0LANTERN> How do I reset my password &amp; keep my 2FA?',
        ts: '1763769600.000100',
        threadTs: '1763769600.000100',
        botUserId: 'U0LANTERN',
      },
    });
  });

  it('keys a reply in a thread by the thread, so follow-ups share it', () => {
    const decision = classifySlackEvent(callbackOf('app-mention-thread-reply.json'));
    expect(decision).toMatchObject({
      handle: true,
      question: { ts: '1763769660.000200', threadTs: '1763769600.000100' },
    });
  });

  it('takes a direct message (message.im)', () => {
    expect(classifySlackEvent(callbackOf('message-im.json'))).toMatchObject({
      handle: true,
      question: { kind: 'message.im', channel: 'D0ASKER01', text: 'Can I get a refund for an annual plan?' },
    });
  });

  it('ignores bot messages (its own answers included) and message subtypes', () => {
    expect(classifySlackEvent(callbackOf('bot-message.json'))).toEqual({
      handle: false,
      reason: 'bot_message',
    });
    expect(classifySlackEvent(callbackOf('message-changed.json'))).toEqual({
      handle: false,
      reason: 'subtype',
    });
    const dm = callbackOf('message-im.json');
    const withEvent = (event: Record<string, unknown>) => ({ ...dm, event: { ...dm.event, ...event } });
    expect(classifySlackEvent(withEvent({ subtype: 'bot_message' }))).toEqual({
      handle: false,
      reason: 'bot_message',
    });
    expect(classifySlackEvent(withEvent({ subtype: 'channel_join' }))).toEqual({
      handle: false,
      reason: 'subtype',
    });
    expect(classifySlackEvent(withEvent({ user: 'U0LANTERN' }))).toEqual({
      handle: false,
      reason: 'own_message',
    });
  });

  it('ignores channel messages (only mentions are questions there) and other event types', () => {
    const dm = callbackOf('message-im.json');
    expect(classifySlackEvent({ ...dm, event: { ...dm.event, channel_type: 'channel' } })).toEqual({
      handle: false,
      reason: 'unsupported_event',
    });
    expect(classifySlackEvent({ ...dm, event: { type: 'reaction_added', user: 'U1' } })).toEqual({
      handle: false,
      reason: 'unsupported_event',
    });
  });
});

describe('slackTextToQuestion', () => {
  it("removes the bot's mention and unescapes Slack's entities", () => {
    expect(
      slackTextToQuestion('<@U0LANTERN> How do I reset my password &amp; keep my 2FA?', 'U0LANTERN'),
    ).toBe('How do I reset my password & keep my 2FA?');
    expect(slackTextToQuestion('is 2 &lt; 3 &gt; 1? <@U0LANTERN|lantern>', 'U0LANTERN')).toBe(
      'is 2 < 3 > 1?',
    );
  });

  it('turns other mentions, channels and links into their labels', () => {
    expect(
      slackTextToQuestion(
        '<@U0LANTERN> can <@U0ALICE|alice> see <#C0BILLING|billing> and <https://app.example/settings|Settings>? see <https://app.example/x> <!here>',
        'U0LANTERN',
      ),
    ).toBe('can @alice see #billing and Settings? see https://app.example/x @here');
    expect(
      slackTextToQuestion('mail <mailto:help@example.com|help@example.com> or <@U0BOB>', 'U0LANTERN'),
    ).toBe('mail help@example.com or @someone');
  });

  it('removes a leading mention when the bot user id is unknown', () => {
    expect(slackTextToQuestion('  <@U0LANTERN>   What plans are there?')).toBe('What plans are there?');
    expect(slackTextToQuestion('<@U0LANTERN>')).toBe('');
  });
});

describe('parseSlackJob', () => {
  it('reads the sample SQS record body and refuses anything else', () => {
    const event = JSON.parse(sample('sqs-slack-job.json')) as { Records: { body: string }[] };
    const job = parseSlackJob(event.Records[0]?.body ?? '');
    expect(job).toMatchObject({ version: 1, envelope: { event_id: 'Ev0SAMPLEMENTION' } });
    for (const body of ['', '{}', 'nope', '{"version":2,"receivedAt":"x","envelope":{}}']) {
      expect(parseSlackJob(body)).toBeUndefined();
    }
  });
});
