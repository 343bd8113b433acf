import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../config.ts';
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

/**
 * Stands in when `SLACK_QUEUE_URL` is not set, so the handler module still loads (the local stack
 * imports it and passes its own queue); every event then fails loudly instead of vanishing.
 */
export class UnconfiguredSlackJobQueue implements SlackJobQueue {
  async enqueue(): Promise<void> {
    throw new ConfigError(
      'SLACK_QUEUE_URL is not set: the Slack events function has no queue to hand events to',
    );
  }
}
