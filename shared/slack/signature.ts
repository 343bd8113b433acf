import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses (and so do we) requests whose timestamp is further than this from now. */
export const MAX_SIGNATURE_AGE_SECONDS = 300;

const SIGNATURE_PATTERN = /^v0=[0-9a-f]{64}$/;

export type SignatureFailure = 'missing_headers' | 'malformed' | 'stale' | 'mismatch';

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: SignatureFailure };

export interface SignedRequest {
  readonly signingSecret: string;
  /** `X-Slack-Request-Timestamp`: epoch seconds. */
  readonly timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256. */
  readonly signature: string | undefined;
  /** The body exactly as received: re-serialized JSON would not match. */
  readonly rawBody: string;
  readonly now: Date;
}

/** `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{body}`)), as Slack signs requests. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: string): string {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${rawBody}`, 'utf8')
    .digest('hex');
  return `v0=${digest}`;
}

/**
 * Verifies Slack's request signature: the timestamp is within five minutes of now (replays of an
 * old request fail) and the signature matches, compared in constant time.
 */
export function verifySlackSignature(request: SignedRequest): SignatureCheck {
  const { timestamp, signature } = request;
  if (!timestamp || !signature) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp) || !SIGNATURE_PATTERN.test(signature))
    return { ok: false, reason: 'malformed' };
  const ageSeconds = Math.abs(request.now.getTime() / 1000 - Number(timestamp));
  if (ageSeconds > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signSlackRequest(request.signingSecret, timestamp, request.rawBody), 'utf8');
  const presented = Buffer.from(signature, 'utf8');
  // Both are `v0=` + 64 hex characters (checked above), so the lengths match and nothing leaks.
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    return { ok: false, reason: 'mismatch' };
  }
  return { ok: true };
}
