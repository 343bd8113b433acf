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
  /**
   * A streamed answer is appended once this much text waits and this long has passed since the
   * last append. `chat.appendStream` is Tier 4, 100+ a minute per workspace and app
   * (https://docs.slack.dev/reference/methods/chat.appendStream); Slack's own streamer buffers 256
   * characters by default "to avoid rate limits" (@slack/web-api ChatStreamerOptions.buffer_size).
   * A second between appends keeps one answer within 60 a minute; answers at once in one workspace
   * can still meet a 429, which delays the next append and never the answer.
   */
  streamFlushChars: 256,
  streamFlushIntervalMs: 1_000,
} as const;
