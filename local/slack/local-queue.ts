import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { slackSettings } from '../../config/slack.ts';
import type { SlackJob, SlackJobQueue } from '../../shared/slack/job.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';

export type SqsWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface LocalSlackJobQueueOptions {
  /** The worker, invoked the way Lambda's SQS event source mapping invokes it. */
  readonly handler: SqsWorkerHandler;
  readonly functionName?: string;
  /** Deliveries before a job goes to the dead letters. @default the deployed queue's maxReceiveCount */
  readonly maxReceiveCount?: number;
  /** Pause before a failed job is delivered again (SQS waits for the visibility timeout). @default 1 s */
  readonly retryDelayMs?: number;
  /** The worker's timeout, for its Lambda context. @default the deployed worker's timeout */
  readonly timeoutMs?: number;
  readonly onDeadLetter?: (job: SlackJob, reason: string) => void;
}

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:lantern-slack-jobs';

/**
 * The local stand-in for the SQS queue between the Slack events function and the worker. `enqueue`
 * returns at once and the worker runs afterwards, in the same process, with an SQS-shaped event
 * (`Records[].body`, `ApproximateReceiveCount`). A job the worker reports as failed (a partial batch
 * failure or a thrown error) is delivered again, up to `maxReceiveCount` times, then kept in
 * `deadLetters`: at least once, as on AWS.
 */
export class LocalSlackJobQueue implements SlackJobQueue {
  readonly deadLetters: SlackJob[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: LocalSlackJobQueueOptions) {}

  async enqueue(job: SlackJob): Promise<void> {
    if (this.closed) throw new Error('The local Slack queue is closed');
    const body = JSON.stringify(job);
    const message = { messageId: randomUUID(), body, sentAt: Date.now() };
    this.schedule(() => this.deliver(job, message, 1), 0);
  }

  /** Resolves when no job is being handled or waiting for a retry (bounded by `timeoutMs`). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 || this.timers.size > 0) {
      if (Date.now() > deadline) throw new Error('The local Slack queue did not drain in time');
      const tick = new Promise((resolve) => setTimeout(resolve, 10));
      // Only a retry timer left: wait on the clock (an empty allSettled would spin without yielding).
      await (this.pending.size > 0 ? Promise.race([Promise.allSettled([...this.pending]), tick]) : tick);
    }
  }

  /** Stops retries and waits (bounded) for the jobs being handled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]);
  }

  private schedule(run: () => Promise<void>, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      const task = run().finally(() => this.pending.delete(task));
      this.pending.add(task);
    }, delayMs);
    this.timers.add(timer);
  }

  private async deliver(
    job: SlackJob,
    message: { messageId: string; body: string; sentAt: number },
    attempt: number,
  ): Promise<void> {
    const record = toSqsRecord(message, attempt);
    const requestId = randomUUID();
    let failure: string | undefined;
    try {
      const result = await this.options.handler(
        { Records: [record] },
        lambdaContext(
          this.options.functionName ?? 'lantern-slack-worker',
          this.options.timeoutMs ?? slackSettings.workerTimeoutSeconds * 1000,
          requestId,
        ),
      );
      if (result?.batchItemFailures.some((f) => f.itemIdentifier === message.messageId)) {
        failure = 'reported as a batch item failure';
      }
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (!failure) return;
    if (attempt >= (this.options.maxReceiveCount ?? slackSettings.maxReceiveCount)) {
      this.deadLetters.push(job);
      (this.options.onDeadLetter ?? defaultDeadLetter)(job, failure);
      return;
    }
    this.schedule(() => this.deliver(job, message, attempt + 1), this.options.retryDelayMs ?? 1_000);
  }
}

function toSqsRecord(
  message: { messageId: string; body: string; sentAt: number },
  attempt: number,
): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `local-${message.messageId}-${attempt}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(attempt),
      SentTimestamp: String(message.sentAt),
      SenderId: 'LOCAL',
      ApproximateFirstReceiveTimestamp: String(message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: 'us-east-1',
  };
}

function defaultDeadLetter(job: SlackJob, reason: string): void {
  console.error(
    `local Slack queue: event ${job.envelope.event_id} failed every delivery (${reason}); dropped`,
  );
}
