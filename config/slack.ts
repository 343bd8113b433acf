/**
 * Settings of the Slack path, shared by the handlers, the local stack and the CDK app, so the queue
 * the infra creates matches what the worker assumes (attempts, leases, timeouts).
 */
export const slackSettings = {
  /**
   * How long an `event_id` is remembered (DynamoDB TTL). Slack retries three times within about six
   * minutes; a day is generous and costs one small item per event.
   */
  eventDedupeTtlSeconds: 86_400,
  /** Worker attempts per event: the SQS redrive policy's `maxReceiveCount` (then the DLQ). */
  maxReceiveCount: 3,
  /** The worker function's timeout. */
  workerTimeoutSeconds: 60,
  /** SQS visibility timeout: AWS asks for at least six times the function timeout. */
  queueVisibilityTimeoutSeconds: 360,
  /** The events function only verifies, records and enqueues; Slack wants the ack within 3 s. */
  eventsTimeoutSeconds: 10,
  /** Reaction the bot puts on a question while it works on the answer (needs `reactions:write`). */
  workingReaction: 'eyes',
  /** Slack 429s: wait `Retry-After` up to this long inside one invocation, else let SQS retry later. */
  maxRetryAfterSeconds: 20,
  /** Slack 429s honoured per Web API call before giving up. */
  rateLimitRetries: 3,
  /** Streamed answers are appended to Slack at most this often (characters, milliseconds). */
  streamFlushChars: 200,
  streamFlushIntervalMs: 750,
} as const;
