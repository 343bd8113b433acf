import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalSlackJobQueue } from '../../local/slack/local-queue.ts';
import { appMentionEnvelope, directMessageEnvelope } from '../../local/slack/signed-event.ts';
import { StaticSlackCredentials } from '../../shared/slack/credentials.ts';
import type { SlackJob, SlackJobQueue } from '../../shared/slack/job.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';
import {
  context,
  defaultReply,
  fakeAnswers,
  InMemoryLedger,
  loadSlackHandlers,
  RecordingResponder,
  slackProxyEvent,
} from './support.ts';

const { makeEventsHandler: makeHandler, makeWorkerHandler: makeWorker } = await loadSlackHandlers();

const SECRET = 'test-signing-secret';
const workspace = { teamId: 'T0TEST', botUserId: 'U0BOT' };

function setup(options: { secret?: string; queue?: SlackJobQueue } = {}) {
  const jobs: SlackJob[] = [];
  const ledger = new InMemoryLedger();
  const queue = options.queue ?? { enqueue: async (job: SlackJob) => void jobs.push(job) };
  const handler = makeHandler({
    credentials: new StaticSlackCredentials(
      options.secret === '' ? {} : { signingSecret: options.secret ?? SECRET },
    ),
    ledger,
    queue,
  });
  const invoke = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult & { json: unknown }> => {
    const result = (await handler(event, context('lantern-slack-events'))) as APIGatewayProxyResult;
    return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
  };
  return { jobs, ledger, invoke };
}

function signed(
  body: unknown,
  options: { at?: number; secret?: string; headers?: Record<string, string> } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const ts = String(options.at ?? Math.floor(Date.now() / 1000));
  return slackProxyEvent(raw, {
    'x-slack-request-timestamp': ts,
    'x-slack-signature': signSlackRequest(options.secret ?? SECRET, ts, raw),
    ...options.headers,
  });
}

const UNAUTHORIZED = {
  error: { code: 'UNAUTHORIZED', message: 'The Slack request signature is missing or invalid' },
};

describe('POST /v1/slack/events: signature', () => {
  const body = JSON.stringify(appMentionEnvelope(workspace, { text: 'hi' }));
  const now = Math.floor(Date.now() / 1000);
  const cases: [string, APIGatewayProxyEvent][] = [
    ['no signature headers', slackProxyEvent(body, {})],
    [
      'no timestamp',
      slackProxyEvent(body, { 'x-slack-signature': signSlackRequest(SECRET, String(now), body) }),
    ],
    ['a signature made with another secret', signed(body, { secret: 'not-the-secret' })],
    ['a timestamp six minutes old (a replay)', signed(body, { at: now - 360 })],
    ['a timestamp six minutes ahead', signed(body, { at: now + 360 })],
    [
      'a body changed after signing',
      slackProxyEvent(body.replace('hi', 'bye'), {
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': signSlackRequest(SECRET, String(now), body),
      }),
    ],
    [
      'a malformed signature',
      slackProxyEvent(body, { 'x-slack-request-timestamp': String(now), 'x-slack-signature': 'v0=nope' }),
    ],
  ];
  for (const [name, event] of cases) {
    it(`refuses ${name} with 401 and queues nothing`, async () => {
      const { invoke, jobs, ledger } = setup();
      const res = await invoke(event);
      expect(res.statusCode).toBe(401);
      expect(res.json).toEqual(UNAUTHORIZED);
      expect(jobs).toEqual([]);
      expect(ledger.items.size).toBe(0);
    });
  }

  it('refuses every request with 401 while no signing secret is configured', async () => {
    const { invoke } = setup({ secret: '' });
    const res = await invoke(signed({ type: 'url_verification', challenge: 'c' }));
    expect(res.statusCode).toBe(401);
    expect(res.json).toEqual(UNAUTHORIZED);
  });

  it('verifies the raw body, also when API Gateway hands it over base64-encoded', async () => {
    const { invoke } = setup();
    const event = signed({ type: 'url_verification', challenge: 'c1' });
    const res = await invoke({
      ...event,
      body: Buffer.from(event.body ?? '').toString('base64'),
      isBase64Encoded: true,
    });
    expect(res.statusCode).toBe(200);
  });

  it('accepts the signed sample proxy event at the time it was signed, and only then', async () => {
    const sample = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', 'events', 'slack', 'api-gateway-app-mention.json'),
        'utf8',
      ),
    ) as APIGatewayProxyEvent;
    const at = (seconds: number) =>
      makeHandler({
        credentials: new StaticSlackCredentials({ signingSecret: 'sample-signing-secret' }),
        ledger: new InMemoryLedger(),
        queue: { enqueue: async () => undefined },
        now: () => new Date(seconds * 1000),
      })(sample, context()) as Promise<APIGatewayProxyResult>;
    expect((await at(1763769601 + 60)).statusCode).toBe(200);
    expect((await at(1763769601 + 301)).statusCode).toBe(401);
  });
});

describe('POST /v1/slack/events: answers', () => {
  it('answers url_verification with the challenge', async () => {
    const { invoke } = setup();
    const res = await invoke(
      signed({
        token: 't',
        challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7',
        type: 'url_verification',
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7' });
  });

  it('acknowledges an event and queues it for the worker, envelope unchanged', async () => {
    const { invoke, jobs, ledger } = setup();
    const envelope = appMentionEnvelope(workspace, { text: 'How do I reset my password?' });
    const res = await invoke(signed(envelope));
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ ok: true });
    expect(jobs).toEqual([{ version: 1, receivedAt: expect.any(String), envelope }]);
    expect(await ledger.status(envelope.event_id)).toBe('queued');
  });

  it("acknowledges Slack's retries of an event (same event_id, X-Slack-Retry-Num) without queueing it again", async () => {
    const { invoke, jobs } = setup();
    const envelope = appMentionEnvelope(workspace, { text: 'How do I reset my password?' });
    expect((await invoke(signed(envelope))).statusCode).toBe(200);
    for (const retry of [1, 2, 3]) {
      const res = await invoke(
        signed(envelope, {
          headers: { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' },
        }),
      );
      expect(res.statusCode).toBe(200);
    }
    expect(jobs).toHaveLength(1);
  });

  it('acknowledges bot messages and message subtypes without queueing them', async () => {
    const { invoke, jobs, ledger } = setup();
    const dm = directMessageEnvelope(workspace, { text: 'an answer' });
    for (const event of [
      { ...dm.event, bot_id: 'B0BOT', user: 'U0BOT' },
      { ...dm.event, subtype: 'message_changed' },
      { ...dm.event, subtype: 'bot_message' },
    ]) {
      const res = await invoke(signed({ ...dm, event }));
      expect(res.statusCode).toBe(200);
    }
    expect(jobs).toEqual([]);
    expect(ledger.items.size).toBe(0);
  });

  it('answers a queue failure with a 500 and lets the retry through', async () => {
    let failing = true;
    const jobs: SlackJob[] = [];
    const { invoke, ledger } = setup({
      queue: {
        enqueue: async (job) => {
          if (failing) throw new Error('SQS is down');
          jobs.push(job);
        },
      },
    });
    const envelope = appMentionEnvelope(workspace, { text: 'hello?' });
    const res = await invoke(signed(envelope));
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' },
    });
    expect(await ledger.status(envelope.event_id)).toBe('received');
    failing = false;
    expect((await invoke(signed(envelope, { headers: { 'x-slack-retry-num': '1' } }))).statusCode).toBe(200);
    expect(jobs).toHaveLength(1);
  });

  it('refuses a signed body that is not a Slack payload, asking Slack not to retry', async () => {
    const { invoke } = setup();
    const res = await invoke(signed('{"type":"event_callback"'));
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['x-slack-no-retry']).toBe('1');
    expect(res.json).toEqual({ error: { code: 'BAD_REQUEST', message: 'The request body is not JSON' } });
  });

  it('acknowledges app_rate_limited and unknown envelope types', async () => {
    const { invoke, jobs } = setup();
    for (const body of [
      { type: 'app_rate_limited', team_id: 'T0TEST', minute_rate_limited: 1518467820 },
      { type: 'something_new' },
    ]) {
      expect((await invoke(signed(body))).statusCode).toBe(200);
    }
    expect(jobs).toEqual([]);
  });
});

describe('POST /v1/slack/events: acknowledges before any answer is worked on', () => {
  it('returns 200 while the conversation engine has not even started, then the worker answers', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const answers = fakeAnswers(async (turn) => {
      await gate;
      return defaultReply(turn);
    });
    const responder = new RecordingResponder();
    const queue = new LocalSlackJobQueue({
      handler: makeWorker({
        answers: answers.source,
        ledger: new InMemoryLedger(),
        responder,
        botUserId: async () => 'U0BOT',
        maxAttempts: 3,
      }),
      retryDelayMs: 10,
    });
    const { invoke } = setup({ queue });

    const started = performance.now();
    const res = await invoke(signed(appMentionEnvelope(workspace, { text: 'How do I export my data?' })));
    const ackMs = performance.now() - started;
    expect(res.statusCode).toBe(200);
    expect(answers.turns).toEqual([]);
    expect(responder.delivered).toEqual([]);
    expect(ackMs).toBeLessThan(500);

    release();
    await queue.idle(5_000);
    expect(answers.turns.map((t) => t.message)).toEqual(['How do I export my data?']);
    expect(responder.delivered).toHaveLength(1);
    await queue.close();
  });
});
