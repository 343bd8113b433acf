import type { SQSRecord } from 'aws-lambda';
import * as z from '../validation.ts';

/** One S3 object change, as EventBridge delivered it through SQS. */
export interface S3Change {
  /** The SQS message that carried it (what a partial batch failure names). */
  readonly messageId: string;
  readonly bucket: string;
  readonly key: string;
  readonly change: 'created' | 'deleted';
}

/** EventBridge's S3 events: `Object Created` and `Object Deleted` (the bucket has EventBridge on). */
const s3EventSchema = z.looseObject({
  source: z.literal('aws.s3'),
  'detail-type': z.enum(['Object Created', 'Object Deleted']),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
    object: z.looseObject({ key: z.string() }),
  }),
});

/** The S3 change an SQS record carries, or undefined when it is not an EventBridge S3 event. */
export function parseS3Change(record: SQSRecord): S3Change | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const parsed = s3EventSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  return {
    messageId: record.messageId,
    bucket: event.detail.bucket.name,
    key: event.detail.object.key,
    change: event['detail-type'] === 'Object Deleted' ? 'deleted' : 'created',
  };
}

/**
 * An EventBridge schedule's event. `detail.dataSourceIds` may name the data sources to sync (a rule
 * target's custom input); without it, every configured data source that is not S3 (crawled sources
 * such as Confluence, which emit no change events) is synced.
 */
const scheduledEventSchema = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  id: z.string().check(z.minLength(1)),
  detail: z.optional(
    z.looseObject({
      dataSourceIds: z.optional(
        z.array(z.string().check(z.regex(/^[0-9a-zA-Z]{10}$/))).check(z.minLength(1)),
      ),
    }),
  ),
});

export interface ScheduledSync {
  readonly eventId: string;
  readonly dataSourceIds?: readonly string[];
}

export function parseScheduledEvent(event: unknown): ScheduledSync | undefined {
  const parsed = scheduledEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const ids = parsed.data.detail?.dataSourceIds;
  return { eventId: parsed.data.id, ...(ids ? { dataSourceIds: ids } : {}) };
}
