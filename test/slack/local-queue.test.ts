import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalSlackJobQueue } from '../../local/slack/local-queue.ts';
import { appMentionEnvelope } from '../../local/slack/signed-event.ts';
import type { SlackJob } from '../../shared/slack/job.ts';

const job = (): SlackJob => ({
  version: 1,
  receivedAt: new Date().toISOString(),
  envelope: appMentionEnvelope({ teamId: 'T1', botUserId: 'U1' }, { text: 'hi' }) as SlackJob['envelope'],
});

describe('LocalSlackJobQueue', () => {
  it('returns from enqueue at once and invokes the worker afterwards with an SQS-shaped event', async () => {
    const events: SQSEvent[] = [];
    let returned = false;
    const queue = new LocalSlackJobQueue({
      handler: async (event) => {
        expect(returned).toBe(true);
        events.push(event);
        return { batchItemFailures: [] };
      },
    });
    const sent = job();
    await queue.enqueue(sent);
    returned = true;
    await queue.idle(2_000);
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
      messageId: expect.any(String),
    });
    expect(JSON.parse(record?.body ?? '')).toEqual(sent);
  });

  it('delivers a failed job again (batch item failure or thrown error) until it succeeds', async () => {
    const counts: string[] = [];
    const queue = new LocalSlackJobQueue({
      retryDelayMs: 5,
      handler: async (event): Promise<SQSBatchResponse> => {
        const record = event.Records[0];
        counts.push(record?.attributes.ApproximateReceiveCount ?? '?');
        if (counts.length === 1) return { batchItemFailures: [{ itemIdentifier: record?.messageId ?? '' }] };
        if (counts.length === 2) throw new Error('crashed');
        return { batchItemFailures: [] };
      },
    });
    await queue.enqueue(job());
    await queue.idle(2_000);
    expect(counts).toEqual(['1', '2', '3']);
    expect(queue.deadLetters).toEqual([]);
  });

  it('gives up after maxReceiveCount deliveries and keeps the job as a dead letter', async () => {
    const reasons: string[] = [];
    let deliveries = 0;
    const queue = new LocalSlackJobQueue({
      retryDelayMs: 5,
      maxReceiveCount: 2,
      handler: async () => {
        deliveries += 1;
        throw new Error('always');
      },
      onDeadLetter: (_job, reason) => reasons.push(reason),
    });
    const sent = job();
    await queue.enqueue(sent);
    await queue.idle(2_000);
    expect(deliveries).toBe(2);
    expect(queue.deadLetters).toEqual([sent]);
    expect(reasons).toEqual(['Error: always']);
  });

  it('stops retrying and refuses new jobs once closed', async () => {
    let deliveries = 0;
    const queue = new LocalSlackJobQueue({
      retryDelayMs: 60_000,
      handler: async () => {
        deliveries += 1;
        throw new Error('fail');
      },
    });
    await queue.enqueue(job());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.close();
    await expect(queue.enqueue(job())).rejects.toThrow(/closed/);
    expect(deliveries).toBe(1);
  });
});
