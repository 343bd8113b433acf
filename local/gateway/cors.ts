/**
 * What API Gateway itself answers for CORS, as Lantern's CDK stack configures it
 * (`defaultCorsPreflightOptions` and the gateway responses in `infra/stacks/stateless-stack.ts`).
 * Lambda responses get nothing from here: the handlers add their own, as on AWS.
 */

/** The CDK's `allowHeaders`, plus `x-admin-key`, which stands in locally for the SigV4 headers. */
const ALLOW_HEADERS = 'content-type,x-api-key,authorization,x-amz-date,x-amz-security-token,x-admin-key';
const ALLOW_METHODS = 'GET,POST,DELETE,OPTIONS';
const MAX_AGE_SECONDS = '3600';

/**
 * The OPTIONS mock integration the CDK generates: the first listed origin as a static value (`*`
 * when any is allowed), replaced by the request's `Origin` when that is one of the other listed
 * origins (its response template does this); `Vary: Origin` unless it answers `*`.
 */
export function preflightHeaders(
  allowOrigins: readonly string[],
  origin: string | undefined,
): Record<string, string> {
  const [first, ...others] = allowOrigins;
  const headers: Record<string, string> = {
    'access-control-allow-headers': ALLOW_HEADERS,
    'access-control-allow-methods': ALLOW_METHODS,
    'access-control-max-age': MAX_AGE_SECONDS,
  };
  if (first === undefined) return { ...headers, vary: 'Origin' };
  if (first === '*') return { ...headers, 'access-control-allow-origin': '*' };
  const allowed = origin !== undefined && others.includes(origin) ? origin : first;
  return { ...headers, 'access-control-allow-origin': allowed, vary: 'Origin' };
}

/**
 * Gateway responses (API Gateway's own errors) can map headers only to static values or request
 * parameters, never conditionally: `*`, or the first listed origin. An unlisted origin then reads
 * no error, and neither do the other listed origins: that is AWS's limit, mirrored here.
 */
export function gatewayResponseHeaders(allowOrigins: readonly string[]): Record<string, string> {
  const [first] = allowOrigins;
  if (first === undefined) return { vary: 'Origin' };
  if (first === '*') return { 'access-control-allow-origin': '*' };
  return { 'access-control-allow-origin': first, vary: 'Origin' };
}
