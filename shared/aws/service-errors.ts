import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError, UpstreamError } from '../errors.ts';

/**
 * AWS failures as the caller should see them. Throttling and server-side faults (500/502/503,
 * timeouts, dropped connections) that outlasted the SDK's retries are temporary: 503 with
 * Retry-After. Anything else means Lantern asked wrongly (a misconfiguration): 502.
 */
export function toServiceError(error: unknown, what: string): Error {
  if (isTemporary(error)) {
    const throttled =
      error instanceof Error && /Throttl|TooManyRequests|ServiceQuotaExceeded/.test(error.name);
    return new ServiceUnavailableError(
      throttled
        ? `${what} is busy; please retry shortly.`
        : `${what} is temporarily unavailable; please retry.`,
      throttled ? 2 : 1,
      { cause: error },
    );
  }
  return new UpstreamError(`${what} failed.`, { cause: error });
}

/**
 * A DynamoDB document client whose temporary failures (past the SDK's retries) reach callers as 503,
 * whichever call failed; anything else, a failed condition included, stays as it was thrown.
 */
export function withTemporaryAs503(db: DynamoDBDocumentClient, what: string): DynamoDBDocumentClient {
  return {
    send: (command: never) =>
      db.send(command).catch((error: unknown) => {
        throw isTemporary(error) ? toServiceError(error, what) : error;
      }),
  } as unknown as DynamoDBDocumentClient;
}

function isTemporary(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const aws = error as Error & { $fault?: 'client' | 'server'; $retryable?: unknown; $metadata?: unknown };
  if (aws.$fault === 'server' || aws.$retryable) return true;
  if (
    /Throttl|TooManyRequests|ServiceQuotaExceeded|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(
      error.name,
    )
  ) {
    return true;
  }
  // No service response at all: the connection failed, reset, timed out or closed mid-stream. Not any
  // message that says "stream": AWS's AccessDenied names the action (InvokeModelWithResponseStream).
  return (
    aws.$metadata === undefined ||
    /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|premature close/i.test(error.message)
  );
}
