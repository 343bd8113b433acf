import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * CORS for Lambda responses. With REST proxy integrations API Gateway adds no CORS headers to
 * what a function returns (only its OPTIONS mocks and gateway responses carry them), so every
 * response a browser may read must carry them itself.
 */

/** Not CORS-safelisted, so a cross-origin page could not read how long to wait without this. */
const EXPOSED_HEADERS = 'retry-after';

/**
 * The CORS headers for a response to a request from `origin`: the origin echoed when it is on the
 * allow-list (`*` when the list allows any), nothing for any other origin. `Vary: Origin` always,
 * so a cache never hands one origin's answer to another.
 */
export function corsHeaders(
  origin: string | undefined,
  allowOrigins: readonly string[],
): Record<string, string> {
  const allowed = allowOrigins.includes('*')
    ? '*'
    : origin !== undefined && allowOrigins.includes(origin)
      ? origin
      : undefined;
  return {
    vary: 'Origin',
    ...(allowed === undefined
      ? {}
      : { 'access-control-allow-origin': allowed, 'access-control-expose-headers': EXPOSED_HEADERS }),
  };
}

/** The request's `Origin`, whatever the case of the header name (API Gateway passes it as sent). */
export function requestOrigin(event: Pick<APIGatewayProxyEvent, 'headers'> | undefined): string | undefined {
  for (const [name, value] of Object.entries(event?.headers ?? {})) {
    if (name.toLowerCase() === 'origin' && value) return value;
  }
  return undefined;
}

/**
 * Adds the CORS headers for `event`'s origin to a response, keeping any `Vary` it already has.
 * Without an allow-list no origin may read it: cross-origin reads are opt-in.
 */
export function withCors(
  response: APIGatewayProxyResult,
  event: Pick<APIGatewayProxyEvent, 'headers'> | undefined,
  allowOrigins: readonly string[] = [],
): APIGatewayProxyResult {
  const headers: Record<string, string | number | boolean> = { ...response.headers };
  const existingVary = Object.keys(headers).find((name) => name.toLowerCase() === 'vary');
  const cors = corsHeaders(requestOrigin(event), allowOrigins);
  if (existingVary !== undefined) {
    const vary = String(headers[existingVary]);
    delete headers[existingVary];
    cors.vary = /(^|,)\s*origin\s*(,|$)/i.test(vary) ? vary : `${vary}, Origin`;
  }
  return { ...response, headers: { ...headers, ...cors } };
}
