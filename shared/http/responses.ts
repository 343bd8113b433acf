import type { APIGatewayProxyResult } from 'aws-lambda';
import { ConflictError, LanternError, ServiceUnavailableError } from '../errors.ts';
import { countMetric, logger } from '../observability.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function emptyResponse(statusCode = 204): APIGatewayProxyResult {
  return { statusCode, headers: {}, body: '' };
}

/** The one place errors become responses: known errors keep their status, anything else is a bare 500. */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof LanternError) {
    if (error.status >= 500)
      logger.warn('upstream failure', { code: error.code, cause: describeCause(error) });
    // A 409 means the same request is still being answered: worth retrying shortly too.
    const retryAfter =
      error instanceof ServiceUnavailableError
        ? error.retryAfterSeconds
        : error instanceof ConflictError
          ? 1
          : undefined;
    const headers: Record<string, string> =
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
    return jsonResponse(error.status, { error: { code: error.code, message: error.message } }, headers);
  }
  countMetric('ChatError', { code: 'INTERNAL_ERROR' });
  logger.error('unexpected error', { error: error instanceof Error ? error : String(error) });
  return jsonResponse(500, {
    error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side.' },
  });
}

function describeCause(error: Error): string | undefined {
  const cause = error.cause;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
