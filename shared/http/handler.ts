import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { CorsConfig } from '../config.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { logger, publishMetrics } from '../observability.ts';
import { withCors } from './cors.ts';
import { errorResponse } from './responses.ts';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Wraps a REST handler in Lantern's middleware: metrics flushed per invocation, lower-case
 * headers, a correlation id on every log line, and errors mapped to the JSON error contract (never a stack trace).
 * A handler still running just before the function times out answers 503 with Retry-After, not 500:
 * running out of time (Bedrock retries under throttling) is temporary, and a retry with the same
 * `clientMessageId` gets the turn once it is stored.
 * Every response, errors included, carries the CORS headers for the caller's origin; without `cors`
 * no origin may read them.
 */
export function restHandler(fn: ApiHandler, cors: CorsConfig = { allowOrigins: [] }) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>({
    timeoutEarlyResponse: () => {
      throw new ServiceUnavailableError('The request took too long to answer; please retry.', 2);
    },
  })
    .use(corsHeadersMiddleware(cors.allowOrigins))
    .use({ after: publishMetrics, onError: publishMetrics })
    .use(httpHeaderNormalizer())
    .use({
      before: (request) => {
        logger.appendKeys({
          requestId: request.event.requestContext?.requestId ?? request.context.awsRequestId,
        });
      },
      after: () => logger.resetKeys(),
      onError: (request) => {
        logger.resetKeys();
        request.response = errorResponse(request.error);
      },
    })
    .handler(fn);
}

/**
 * Used first, so its `after` and `onError` run last (middy runs them in reverse): they see the
 * response the others settled on, the handler's or the error mapper's.
 */
function corsHeadersMiddleware(
  allowOrigins: readonly string[],
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    after: (request) => {
      if (request.response) request.response = withCors(request.response, request.event, allowOrigins);
    },
    onError: (request) => {
      if (request.response) request.response = withCors(request.response, request.event, allowOrigins);
    },
  };
}
