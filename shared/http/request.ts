import type { APIGatewayProxyEvent } from 'aws-lambda';
import { principalOf, tokenOwner } from '../auth/owner.ts';
import { BadRequestError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../errors.ts';
import * as z from '../validation.ts';

/** Request bodies above this are refused before parsing; the largest valid chat body is a few KB. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The caller's identity, which owns the sessions it creates: on a route behind the Lambda authorizer,
 * the token's issuer and subject (`tokenOwner`, never equal to a key id); otherwise the id of the API
 * key API Gateway validated (never the key itself, so no secret is stored or logged). The local
 * gateway fills the same fields.
 */
export function callerOf(event: APIGatewayProxyEvent): string {
  const principal = principalOf(event.requestContext?.authorizer);
  if (principal) return tokenOwner(principal);
  const apiKeyId = event.requestContext?.identity?.apiKeyId;
  if (!apiKeyId) throw new UnauthorizedError();
  return apiKeyId;
}

/** Parses and validates a JSON body; every failure is a 4xx that says what is wrong. */
export function parseJsonBody<T>(event: APIGatewayProxyEvent, schema: z.core.$ZodType<T>): T {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`Request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
  if (!raw.trim()) throw new BadRequestError('Request body is required and must be a JSON object');
  let data: unknown;
  try {
    data = JSON.parse(raw, refuseUnsafeText);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new BadRequestError('Request body is not valid JSON');
  }
  const result = z.safeParse(schema, data);
  if (!result.success) throw new ValidationError(describeIssues(result.error));
  return result.data;
}

/** Ids Lantern issues are far shorter; a longer one cannot exist (and would overflow a DynamoDB key). */
export const MAX_PATH_ID_LENGTH = 128;

/** Validates a path parameter; an invalid id is simply "not found" for the caller. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string | undefined {
  const value = event.pathParameters?.[name];
  return value && value.length <= MAX_PATH_ID_LENGTH ? value : undefined;
}

/**
 * A JSON `__proto__` member is an own property the schemas never see (it would pass as known), and
 * an unpaired surrogate (`"\ud800"` in JSON) is no Unicode text DynamoDB or Bedrock can be trusted to take.
 */
function refuseUnsafeText(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new ValidationError('Unknown member(s): __proto__');
  // Keys need no check: the schemas refuse any key they do not know.
  if (typeof value === 'string' && /\p{Cs}/u.test(value))
    throw new ValidationError('Text holds an unpaired surrogate');
  return value;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
