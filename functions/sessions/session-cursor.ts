import type { SessionCursor } from '../../shared/chat/ports.ts';
import { ValidationError } from '../../shared/errors.ts';

/**
 * The opaque `cursor` of `GET /v1/sessions`: where the page before ended. It names no owner (the
 * store rebuilds the start key with the caller's), so a cursor passed to someone else lists theirs.
 */
export function encodeCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.sessionId])).toString('base64url');
}

export function decodeCursor(value: string): SessionCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0])) &&
      typeof parsed[1] === 'string' &&
      /^[A-Za-z0-9-]{1,128}$/.test(parsed[1])
    ) {
      return { createdAt: parsed[0], sessionId: parsed[1] };
    }
  } catch {
    // Falls through to the same answer as any other cursor Lantern did not issue.
  }
  throw new ValidationError('cursor: is not a cursor this API returned');
}
