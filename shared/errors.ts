/**
 * Errors meant for the caller carry an HTTP status and a stable code; the edge maps them to
 * `{"error": {"code", "message"}}`. Anything else becomes a generic 500 without internals.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'VALIDATION_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'MODEL_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'THROTTLED'
  | 'UPSTREAM_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class LanternError extends Error {
  override readonly name: string = 'LanternError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class BadRequestError extends LanternError {
  override readonly name: string = 'BadRequestError';
  constructor(message: string, options?: ErrorOptions) {
    super(400, 'BAD_REQUEST', message, options);
  }
}

export class ValidationError extends LanternError {
  override readonly name: string = 'ValidationError';
  constructor(message: string, options?: ErrorOptions) {
    super(400, 'VALIDATION_ERROR', message, options);
  }
}

export class UnauthorizedError extends LanternError {
  override readonly name: string = 'UnauthorizedError';
  constructor(message = 'Missing or invalid API key', options?: ErrorOptions) {
    super(401, 'UNAUTHORIZED', message, options);
  }
}

/** The caller is authenticated but may not use this route (e.g. an admin route without IAM credentials). */
export class ForbiddenError extends LanternError {
  override readonly name: string = 'ForbiddenError';
  constructor(message: string, options?: ErrorOptions) {
    super(403, 'FORBIDDEN', message, options);
  }
}

export class NotFoundError extends LanternError {
  override readonly name: string = 'NotFoundError';
  constructor(message: string, options?: ErrorOptions) {
    super(404, 'NOT_FOUND', message, options);
  }
}

export class ConflictError extends LanternError {
  override readonly name: string = 'ConflictError';
  constructor(
    message: string,
    /** When the conflict will have cleared at the latest, for `Retry-After`. */
    readonly retryAfterSeconds = 1,
    options?: ErrorOptions,
  ) {
    super(409, 'CONFLICT', message, options);
  }
}

/**
 * An idempotency key (`clientMessageId`) came back with a different request: answering it with the
 * earlier request's result would be wrong, and so would answering it afresh (as payment APIs do).
 */
export class IdempotencyKeyReusedError extends LanternError {
  override readonly name: string = 'IdempotencyKeyReusedError';
  constructor(message: string, options?: ErrorOptions) {
    super(422, 'IDEMPOTENCY_KEY_REUSED', message, options);
  }
}

export class PayloadTooLargeError extends LanternError {
  override readonly name: string = 'PayloadTooLargeError';
  constructor(message: string, options?: ErrorOptions) {
    super(413, 'PAYLOAD_TOO_LARGE', message, options);
  }
}

export class UpstreamError extends LanternError {
  override readonly name: string = 'UpstreamError';
  constructor(message: string, options?: ErrorOptions) {
    super(502, 'UPSTREAM_ERROR', message, options);
  }
}

/** The upstream is overloaded or throttling us: the caller should retry after a pause. */
export class ServiceUnavailableError extends LanternError {
  override readonly name: string = 'ServiceUnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
    options?: ErrorOptions,
  ) {
    super(503, 'SERVICE_UNAVAILABLE', message, options);
  }
}
