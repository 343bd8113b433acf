/**
 * The largest token accepted. Cognito's ID tokens with many groups stay under 4 KB; API Gateway
 * caps all request headers at 10 KB; anything past this is refused before it is parsed.
 */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** Why a credential was refused; the metric's dimension, and the reason logged (never the token). */
export type RejectionReason =
  | 'missing'
  | 'malformed'
  | 'oversized'
  | 'expired'
  | 'not-yet-valid'
  | 'audience'
  | 'issuer'
  | 'signature'
  | 'jwks-unavailable'
  | 'invalid';

/** A credential the authorizer refuses: always a 401 to the caller, whatever the reason. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
  constructor(
    readonly reason: RejectionReason,
    options?: ErrorOptions,
  ) {
    super(`Token rejected: ${reason}`, options);
  }
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The JWT of an `Authorization: Bearer <jwt>` header value, checked for size and shape only; the
 * verifier does the rest.
 */
export function bearerToken(header: string | undefined): string {
  if (!header) throw new TokenRejectedError('missing');
  if (Buffer.byteLength(header, 'utf8') > MAX_TOKEN_BYTES + 7) throw new TokenRejectedError('oversized');
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  const token = match?.[1];
  if (!token || !JWT_SHAPE.test(token)) throw new TokenRejectedError('malformed');
  return token;
}

/** The issuer a token claims, read without verifying anything, to pick the verifier for it. */
export function claimedIssuer(token: string): string {
  const payload = token.split('.')[1] ?? '';
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const iss = (claims as { iss?: unknown } | null)?.iss;
    if (typeof iss === 'string' && iss) return iss;
  } catch {
    // Falls through: a payload that is not JSON is malformed.
  }
  throw new TokenRejectedError('malformed');
}
