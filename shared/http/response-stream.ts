import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { corsHeaders, requestOrigin } from './cors.ts';

/**
 * Opens a streamed HTTP response: writes the prelude API Gateway turns into the status line and
 * headers, with the CORS headers every Lantern response carries (API Gateway adds none to a
 * proxy integration's response, streamed or not).
 */
export function openResponseStream(
  responseStream: Writable,
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  metadata: { readonly statusCode: number; readonly headers: Readonly<Record<string, string>> },
  allowOrigins: readonly string[],
): Writable {
  return awslambda.HttpResponseStream.from(responseStream, {
    statusCode: metadata.statusCode,
    headers: { ...metadata.headers, ...corsHeaders(requestOrigin(event), allowOrigins) },
  });
}
