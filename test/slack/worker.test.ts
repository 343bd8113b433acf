import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { appMentionEnvelope, directMessageEnvelope } from '../../local/slack/signed-event.ts';
import { UpstreamError } from '../../shared/errors.ts';
import { metricsInUse } from '../../shared/observability.ts';
import type { SlackJob } from '../../shared/slack/job.ts';
import { EMPTY_QUESTION_REPLY, FAILED_REPLY, tooLongReply } from '../../shared/slack/question-worker.ts';
import { threadSessionId } from '../../shared/slack/thread-session.ts';
import {
  context,
  defaultReply,
  fakeAnswers,
  InMemoryLedger,
  loadSlackHandlers,
  RecordingResponder,
} from './support.ts';

const { makeWorkerHandler } = await loadSlackHandlers();
const workspace = { teamId: 'T0TEST', botUserId: 'U0BOT' };

const record = (body: unknown, receiveCount = 1, messageId = `msg-${Math.random()}`): SQSRecord => ({
  messageId,
  receiptHandle: 'rh',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
  awsRegion: 'us-east-1',
});
const job = (envelope: unknown): SlackJob => ({
  version: 1,
  receivedAt: new Date().toISOString(),
  envelope: envelope as SlackJob['envelope'],
});
const sqs = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

function setup(reply?: Parameters<typeof fakeAnswers>[0], overrides: { botUserId?: string } = {}) {
  const answers = fakeAnswers(reply);
  const ledger = new InMemoryLedger();
  const responder = new RecordingResponder();
  let whoAmICalls = 0;
  const handler = makeWorkerHandler({
    answers: answers.source,
    ledger,
    responder,
    botUserId: async () => {
      whoAmICalls += 1;
      return overrides.botUserId ?? 'U0BOT';
    },
    maxAttempts: 3,
  });
  return { handler, answers, ledger, responder, whoAmICalls: () => whoAmICalls };
}

/** The metrics counted with dimensions from now on (as `countMetric` adds them: one single metric each). */
function countedMetrics(): Record<string, string>[] {
  const counted: Record<string, string>[] = [];
  vi.spyOn(metricsInUse(), 'singleMetric').mockImplementation(() => {
    const dimensions: Record<string, string> = {};
    const single = {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetric: (metric: string) => {
        counted.push({ metric, ...dimensions });
      },
    };
    return single as unknown as ReturnType<ReturnType<typeof metricsInUse>['singleMetric']>;
  });
  return counted;
}

afterEach(() => {
  vi.restoreAllMocks();
  metricsInUse().clearMetrics();
});

describe('slack-worker', () => {
  it('answers an app_mention in its thread through the engine, one session per thread, owned by the workspace', async () => {
    const { handler, answers, responder, ledger } = setup();
    const envelope = appMentionEnvelope(workspace, {
      text: 'How do I reset my password & keep 2FA?',
      channel: 'C0HELP',
    });
    const result = await handler(sqs(record(job(envelope))), context());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(answers.turns).toEqual([
      {
        owner: 'slack:T0TEST',
        message: 'How do I reset my password & keep 2FA?',
        sessionId: threadSessionId('T0TEST', 'C0HELP', envelope.event.ts),
        createSessionIfMissing: true,
        clientMessageId: envelope.event_id,
        leaseMs: expect.any(Number),
      },
    ]);
    expect(responder.log).toEqual([
      `showWorking ${envelope.event.ts}`,
      `deliver ${envelope.event.ts}`,
      `doneWorking ${envelope.event.ts}`,
    ]);
    expect(await ledger.status(envelope.event_id)).toBe('answered');
  });

  it('continues the same session for a follow-up in the thread, and a new one for a new thread', async () => {
    const { handler, answers } = setup();
    const first = appMentionEnvelope(workspace, { text: 'How do I turn on 2FA?' });
    const followUp = appMentionEnvelope(workspace, {
      text: 'and if I lose my phone?',
      threadTs: first.event.ts,
    });
    const other = appMentionEnvelope(workspace, { text: 'How do I turn on 2FA?' });
    await handler(sqs(record(job(first)), record(job(followUp)), record(job(other))), context());
    const [a, b, c] = answers.turns.map((t) => t.sessionId);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('answers a direct message (message.im) in its thread', async () => {
    const { handler, answers, responder } = setup();
    const dm = directMessageEnvelope(workspace, { text: 'Can I get a refund?' });
    await handler(sqs(record(job(dm))), context());
    expect(answers.turns.map((t) => [t.message, t.sessionId])).toEqual([
      ['Can I get a refund?', threadSessionId('T0TEST', 'D0ASKER', dm.event.ts)],
    ]);
    expect(responder.delivered).toHaveLength(1);
  });

  it('ignores messages from bots (its own included) and message subtypes, and never retries them', async () => {
    const { handler, answers, responder } = setup();
    const sample = (name: string) =>
      JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', 'slack', name), 'utf8'));
    const result = await handler(
      sqs(record(job(sample('bot-message.json'))), record(job(sample('message-changed.json')))),
      context(),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(answers.turns).toEqual([]);
    expect(responder.log).toEqual([]);
  });

  it('drops a queue message that is not a Slack job instead of retrying it forever', async () => {
    const { handler, responder } = setup();
    expect(await handler(sqs(record('not json'), record({ version: 1 })), context())).toEqual({
      batchItemFailures: [],
    });
    expect(responder.log).toEqual([]);
  });

  it('replies with a hint when the mention carries no question', async () => {
    const { handler, answers, responder } = setup();
    await handler(sqs(record(job(appMentionEnvelope(workspace, { text: '   ' })))), context());
    expect(answers.turns).toEqual([]);
    expect(responder.notices).toEqual([EMPTY_QUESTION_REPLY]);
  });

  it('replies politely in the thread, without asking the engine, when a question is over 1,000 characters', async () => {
    const { handler, answers, responder, ledger } = setup();
    const envelope = appMentionEnvelope(workspace, { text: 'why '.repeat(300) });
    const result = await handler(sqs(record(job(envelope))), context());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(answers.turns).toEqual([]);
    expect(responder.notices).toEqual([tooLongReply(1_199)]);
    expect(responder.notices[0]).toMatch(/1,199 characters long .* at most 1,000/);
    expect(await ledger.status(envelope.event_id)).toBe('answered');
  });

  it('asks auth.test who the bot is when Slack did not say, to strip its mention', async () => {
    const { handler, answers, whoAmICalls } = setup(undefined, { botUserId: 'U0BOT' });
    const envelope = appMentionEnvelope(workspace, { text: 'unused' });
    const { authorizations: _, ...withoutAuthorizations } = envelope;
    // A mention in mid-text is only recognizable as the bot's when its user id is known.
    const event = { ...envelope.event, text: 'ping <@U0BOT>' };
    await handler(sqs(record(job({ ...withoutAuthorizations, event }))), context());
    expect(answers.turns[0]?.message).toBe('ping');
    expect(whoAmICalls()).toBe(1);
  });

  it('reports only the failed record for retry, releasing its claim', async () => {
    const { handler, ledger, responder } = setup((turn) => {
      if (turn.message.includes('fail'))
        throw new UpstreamError('The knowledge base could not answer right now.');
      return defaultReply(turn);
    });
    const good = appMentionEnvelope(workspace, { text: 'works' });
    const bad = appMentionEnvelope(workspace, { text: 'fail please' });
    const result = await handler(sqs(record(job(good), 1, 'good'), record(job(bad), 1, 'bad')), context());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(await ledger.status(bad.event_id)).toBe('failed');
    expect(await ledger.status(good.event_id)).toBe('answered');
    // The working reaction does not stay behind on a failed attempt.
    expect(responder.log.filter((l) => l.startsWith('doneWorking'))).toHaveLength(2);
  });

  it('apologizes in the thread on the last attempt and ends the job there, counted as gave_up, not dead-lettered with its text', async () => {
    const { handler, ledger, responder } = setup(() => {
      throw new UpstreamError('down');
    });
    const counted = countedMetrics();
    const envelope = appMentionEnvelope(workspace, { text: 'anyone?' });
    // No batch item failure: SQS deletes the message instead of moving it to the dead-letter queue.
    expect(await handler(sqs(record(job(envelope), 3)), context())).toEqual({ batchItemFailures: [] });
    expect(responder.notices).toEqual([FAILED_REPLY]);
    expect(await ledger.status(envelope.event_id)).toBe('answered');
    // The metric and dimension the SlackGaveUp alarm watches (infra/constructs/slack-integration.ts).
    expect(counted).toEqual([{ metric: 'SlackEvent', outcome: 'gave_up' }]);
  });

  it('fails an attempt before the last one back to the queue, counted as a retry and not as gave_up', async () => {
    const { handler, responder } = setup(() => {
      throw new UpstreamError('down');
    });
    const counted = countedMetrics();
    const envelope = appMentionEnvelope(workspace, { text: 'anyone there?' });
    expect(await handler(sqs(record(job(envelope), 2, 'second')), context())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'second' }],
    });
    expect(responder.notices).toEqual([]);
    expect(counted).toEqual([{ metric: 'SlackEvent', outcome: 'retry' }]);
  });

  it('never answers an event twice: a redelivery after the answer is dropped', async () => {
    const { handler, answers, responder } = setup();
    const envelope = appMentionEnvelope(workspace, { text: 'once' });
    await handler(sqs(record(job(envelope))), context());
    expect(await handler(sqs(record(job(envelope), 2)), context())).toEqual({ batchItemFailures: [] });
    expect(answers.turns).toHaveLength(1);
    expect(responder.delivered).toHaveLength(1);
  });

  it('retries later while another worker holds the event', async () => {
    const { handler, ledger, answers } = setup();
    const envelope = appMentionEnvelope(workspace, { text: 'twice at once' });
    await ledger.beginWork(envelope.event_id, 60_000);
    expect(await handler(sqs(record(job(envelope), 1, 'dup')), context())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'dup' }],
    });
    expect(answers.turns).toEqual([]);
  });
});
