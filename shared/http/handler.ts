import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { CorsConfig } from '../config.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { logger, publishMetrics } from '../observability.ts';
import { withCors } from './cors.ts';
import { errorResponse } from './responses.ts';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * How long before the function's timeout a handler still running is answered 503 instead: long
 * enough to write the answer, as middy's `timeoutEarlyInMillis` default was.
 */
const ANSWER_BEFORE_TIMEOUT_MS = 5;

/**
 * Wraps a REST handler in Lantern's edge: lower-case headers, a correlation id on every log line,
 * errors mapped to the JSON error contract (never a stack trace), metrics flushed per invocation.
 * A handler still running just before the function times out answers 503 with Retry-After, not 500:
 * running out of time (Bedrock retries under throttling) is temporary, and a retry with the same
 * `clientMessageId` gets the turn once it is stored.
 * Every response, errors included, carries the CORS headers for the caller's origin; without `cors`
 * no origin may read them.
 *
 * Written out rather than composed with middy: these steps are all a REST function needs, and
 * middy's core loads Node's web streams for its response streaming, which costs every REST
 * function's cold start about a millisecond (docs/benchmarks.md, "Cold starts").
 */
export function restHandler(fn: ApiHandler, cors: CorsConfig = { allowOrigins: [] }): ApiHandler {
  return async (event, context) => {
    // As middy's header normalizer did: absent headers stay absent, present ones lose their case.
    const request: APIGatewayProxyEvent = {
      ...event,
      headers: event.headers ? lowerCaseKeys(event.headers) : event.headers,
      multiValueHeaders: event.multiValueHeaders
        ? lowerCaseKeys(event.multiValueHeaders)
        : event.multiValueHeaders,
    };
    logger.appendKeys({ requestId: event.requestContext?.requestId ?? context?.awsRequestId });
    let response: APIGatewayProxyResult;
    try {
      response = await beforeTimeout(fn(request, context), context);
      logger.resetKeys();
    } catch (error) {
      // Reset before the error is mapped, so its log lines read as they always have.
      logger.resetKeys();
      response = errorResponse(error);
    }
    publishMetrics();
    return withCors(response, request, cors.allowOrigins);
  };
}

/** Header names as HTTP means them, case-insensitive: `Content-Type` and `content-type` alike. */
function lowerCaseKeys<T>(headers: Record<string, T>): Record<string, T> {
  const lower: Record<string, T> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

/** The handler's answer, or a 503 error if the function is about to time out first. */
async function beforeTimeout<T>(answer: Promise<T>, context: Context): Promise<T> {
  // Outside Lambda (tests, the local stack's direct calls) a context may not know its deadline.
  if (typeof context?.getRemainingTimeInMillis !== 'function') return answer;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ServiceUnavailableError('The request took too long to answer; please retry.', 2)),
      context.getRemainingTimeInMillis() - ANSWER_BEFORE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
