import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { logger } from '../observability.ts';
import { errorResponse } from './responses.ts';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Wraps a REST handler in Lantern's middleware: lower-case headers, a correlation id on every log
 * line, and errors mapped to the JSON error contract (never a stack trace).
 */
export function restHandler(fn: ApiHandler) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
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
