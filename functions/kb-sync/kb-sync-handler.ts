import type { Context, ScheduledEvent, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseS3Change, parseScheduledEvent, type S3Change } from '../../shared/ingestion/events.ts';
import type { KnowledgeBaseSync } from '../../shared/ingestion/knowledge-base-sync.ts';
import type { SyncRuntime } from '../../shared/ingestion/sync.ts';
import { logger, publishMetrics } from '../../shared/observability.ts';

export type KbSyncEvent = SQSEvent | ScheduledEvent;

/** Thrown for a scheduled sync Bedrock kept refusing: Lambda's async retries try it again later. */
export class ScheduledSyncBusyError extends Error {
  override readonly name = 'ScheduledSyncBusyError';
}

/**
 * kb-sync: keeps the knowledge base in step with its sources.
 * - From SQS (S3 `Object Created`/`Object Deleted` events from EventBridge, batched by the queue's
 *   batching window: the debounce): one ingestion job per S3 data source the batch touches. Messages
 *   are handed back (partial batch failure) when Bedrock stayed busy or the job was still running
 *   at the deadline; on redelivery the same client token finds the same job and follows it on.
 * - From an EventBridge schedule: syncs the crawled data sources (Confluence).
 * Every invocation first re-checks recorded jobs nobody saw finish.
 */
export const makeKbSyncHandler =
  (
    sync: Pick<KnowledgeBaseSync, 'syncChanges' | 'syncScheduled' | 'reconcile'>,
    runtime?: Partial<SyncRuntime>,
  ) =>
  async (event: KbSyncEvent, context: Context): Promise<SQSBatchResponse | undefined> => {
    const clock: SyncRuntime = {
      remainingMs: () => context.getRemainingTimeInMillis(),
      ...runtime,
    };
    try {
      await sync
        .reconcile(clock)
        .catch((error: unknown) =>
          logger.warn('Could not re-check recorded ingestion jobs', { error: String(error) }),
        );
      if ('Records' in event && Array.isArray(event.Records)) return await onQueue(sync, event, clock);
      const scheduled = parseScheduledEvent(event);
      if (!scheduled) {
        logger.error('kb-sync received an event it does not handle; ignored');
        return undefined;
      }
      const outcomes = await sync.syncScheduled(scheduled, clock);
      const busy = outcomes.filter((o) => !o.job).map((o) => o.dataSourceId);
      if (busy.length > 0) throw new ScheduledSyncBusyError(`Bedrock stayed busy for ${busy.join(', ')}`);
      return undefined;
    } finally {
      publishMetrics();
    }
  };

async function onQueue(
  sync: Pick<KnowledgeBaseSync, 'syncChanges'>,
  event: SQSEvent,
  clock: SyncRuntime,
): Promise<SQSBatchResponse> {
  const changes: S3Change[] = [];
  for (const record of event.Records) {
    const change = parseS3Change(record);
    // Not an S3 event: no retry can make it one.
    if (change) changes.push(change);
    else
      logger.error('Dropped a queue message that is not an EventBridge S3 event', {
        messageId: record.messageId,
      });
  }
  if (changes.length === 0) return { batchItemFailures: [] };
  let retry: string[];
  try {
    const outcomes = await sync.syncChanges(changes, clock);
    retry = outcomes.filter((o) => o.retry).flatMap((o) => o.messageIds ?? []);
  } catch (error) {
    logger.error('kb-sync failed; the queue will deliver the batch again', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    retry = changes.map((change) => change.messageId);
  }
  const failures: SQSBatchItemFailure[] = [...new Set(retry)].map((itemIdentifier) => ({ itemIdentifier }));
  logger.info('kb-sync batch done', { changes: changes.length, retried: failures.length });
  return { batchItemFailures: failures };
}
