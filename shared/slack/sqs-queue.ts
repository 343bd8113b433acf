import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SlackJob, SlackJobQueue } from './job.ts';

/** The SQS adapter of {@link SlackJobQueue}: one `SendMessage` per event. */
export class SqsSlackJobQueue implements SlackJobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: SlackJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
