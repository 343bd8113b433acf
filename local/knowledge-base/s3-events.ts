import { createHash, randomUUID } from 'node:crypto';
import type { ScheduledEvent, SQSRecord } from 'aws-lambda';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
export const LOCAL_SYNC_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:lantern-kb-sync`;

/**
 * The EventBridge event S3 sends for an object change (the bucket has EventBridge notifications on),
 * as the kb-sync queue receives it. Deleted objects carry no size or ETag.
 */
export function s3ObjectEvent(
  bucket: string,
  key: string,
  change: 'created' | 'deleted',
  object: { size?: number; etag?: string } = {},
) {
  const time = new Date().toISOString();
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': change === 'created' ? 'Object Created' : 'Object Deleted',
    source: 'aws.s3',
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object:
        change === 'created'
          ? { key, size: object.size ?? 0, etag: object.etag ?? '', sequencer: sequencer() }
          : { key, sequencer: sequencer() },
      'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: ACCOUNT,
      'source-ip-address': '127.0.0.1',
      reason: change === 'created' ? 'PutObject' : 'DeleteObject',
      ...(change === 'deleted' ? { 'deletion-type': 'Permanently Deleted' } : {}),
    },
  };
}

/** An SQS record carrying `body`, as Lambda's SQS event source mapping delivers it. */
export function sqsRecord(body: string, receiveCount = 1, messageId: string = randomUUID()): SQSRecord {
  const sent = String(Date.now());
  return {
    messageId,
    receiptHandle: `local-${messageId}-${receiveCount}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: sent,
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: LOCAL_SYNC_QUEUE_ARN,
    awsRegion: REGION,
  };
}

/** What an EventBridge schedule rule sends its target. */
export function scheduledEvent(ruleName = 'lantern-confluence-sync'): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${ruleName}`],
    detail: {},
  };
}

let sequence = 0;
function sequencer(): string {
  sequence += 1;
  return `${Date.now().toString(16).toUpperCase()}${sequence.toString(16).padStart(6, '0').toUpperCase()}`;
}
