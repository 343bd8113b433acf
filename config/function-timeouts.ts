/**
 * How long each function behind the API may run, and how long API Gateway waits for it. The CDK app
 * deploys these values and the local gateway enforces them, so an answer too slow for AWS fails
 * offline the same way.
 */

/** API Gateway's limit for a buffered REST integration (its default, which Lantern keeps). */
export const INTEGRATION_TIMEOUT_SECONDS = 29;

/** A STREAM integration may run up to 15 minutes. */
export const STREAM_INTEGRATION_TIMEOUT_SECONDS = 15 * 60;

/**
 * The functions behind the API. Those behind a buffered integration stop a second before its limit,
 * so the handler's own 503 with Retry-After (restHandler's early timeout response) reaches the client
 * instead of the gateway's.
 */
export const functionTimeoutSeconds = {
  chat: INTEGRATION_TIMEOUT_SECONDS - 1,
  /** The streamed answer may run for minutes. */
  chatStream: 5 * 60,
  sessions: 15,
  health: 10,
  openApi: 10,
  kbAdmin: INTEGRATION_TIMEOUT_SECONDS - 1,
  authorizer: 10,
  visitorTokens: 10,
} as const;
