/**
 * Settings of knowledge-base reload (ingestion jobs), shared by the kb-sync and kb-admin handlers,
 * the local stack and the CDK app, so the queue, schedule and timeouts the infra deploys match what
 * the functions assume.
 */
export const ingestionSettings = {
  /**
   * The debounce on AWS: S3 changes reach kb-sync through SQS with this batching window
   * (`maxBatchingWindow`), so a burst of uploads becomes one ingestion job.
   */
  batchingWindowSeconds: 60,
  /** Records per kb-sync invocation (with a batching window SQS allows up to 10,000). */
  batchSize: 1000,
  /** The kb-sync function's timeout. It follows the job it started until just before it. */
  syncTimeoutSeconds: 300,
  /**
   * SQS visibility timeout: a batch kb-sync could not finish (a job already running, or its own job
   * still running at the timeout) is delivered again after this. At least the function timeout; the
   * event source mapping's `maxConcurrency` (not reserved concurrency) keeps invocations unthrottled.
   */
  queueVisibilityTimeoutSeconds: 600,
  /** Deliveries of a batch before it goes to the dead-letter queue (about two hours of retries). */
  maxReceiveCount: 12,
  /** How often the Confluence data source (crawled, no change events) is synced, in minutes. */
  confluenceSyncIntervalMinutes: 60,
  /**
   * StartIngestionJob answers 409 (a job is running on the data source or knowledge base) or 402
   * (account quota) while Bedrock is busy: retry with exponential backoff and jitter, this many
   * attempts in one invocation, then let the queue deliver the batch again later.
   */
  startAttempts: 5,
  startBackoffBaseMs: 5_000,
  startBackoffMaxMs: 60_000,
  /** Bedrock emits no ingestion events: kb-sync polls GetIngestionJob this often. */
  pollIntervalMs: 10_000,
  /** Stop waiting for a job this long before the function times out. */
  followMarginMs: 15_000,
  /** Jobs Lantern records (DynamoDB, TTL) are kept this long for the admin API. */
  jobRetentionDays: 90,
  /** The admin API's `GET /jobs` page size, default and maximum. */
  listPageSize: 20,
  listMaxPageSize: 100,
  /** Locally: changes in the `--docs` folder are synced once it has been quiet this long. */
  localDebounceMs: 1_000,
} as const;

export type IngestionSettings = typeof ingestionSettings;
