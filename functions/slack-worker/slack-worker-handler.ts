import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, publishMetrics } from '../../shared/observability.ts';
import { parseSlackJob } from '../../shared/slack/job.ts';
import { countSlackEvent, type SlackEventOutcome } from '../../shared/slack/metrics.ts';
import { answerSlackJob, type SlackWorkerDeps } from '../../shared/slack/question-worker.ts';

/**
 * The Slack worker, fed by SQS (locally by the in-process queue): each record is one Slack event,
 * answered in its thread by `answerSlackJob`. Failed records are reported as partial batch
 * failures, so only they are delivered again.
 */
export const makeSlackWorkerHandler =
  (deps: SlackWorkerDeps) =>
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      try {
        countSlackEvent(await handleRecord(deps, record, context));
      } catch (error) {
        countSlackEvent('retry');
        logger.warn('Slack job failed; the queue will deliver it again', {
          messageId: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    publishMetrics();
    return { batchItemFailures };
  };

async function handleRecord(
  deps: SlackWorkerDeps,
  record: SQSRecord,
  context: Context,
): Promise<SlackEventOutcome> {
  const job = parseSlackJob(record.body);
  if (!job) {
    // It can never succeed; retrying would only delay it into the DLQ.
    logger.error('Dropped a queue message that is not a Slack job', { messageId: record.messageId });
    return 'dropped';
  }
  return answerSlackJob(deps, job, {
    attempt: Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1,
    leaseMs: leaseMs(context),
  });
}

/** The claim outlives this invocation a little, so a redelivery waits for a crashed worker's lease. */
function leaseMs(context: Context): number {
  const remaining =
    typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
  return Math.max(remaining, 30_000) + 5_000;
}
