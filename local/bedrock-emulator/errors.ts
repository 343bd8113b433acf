/**
 * AWS service errors as restJson1 frames them: an HTTP status, the `x-amzn-errortype` header
 * naming the modeled shape, and a JSON body with `message` (plus any extra modeled members).
 * The SDK reads the header to pick the exception class it throws, so the shape names below
 * must match the service models exactly.
 */

/** Shape names and their statuses, from the bedrock-agent-runtime / bedrock-runtime models. */
export const awsErrorStatus = {
  ValidationException: 400,
  ServiceQuotaExceededException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  DependencyFailedException: 424,
  ThrottlingException: 429,
  InternalServerException: 500,
  BadGatewayException: 502,
  ServiceUnavailableException: 503,
} as const;

export type AwsErrorShape = keyof typeof awsErrorStatus;

export class AwsServiceError extends Error {
  readonly shape: AwsErrorShape;
  readonly status: number;
  /** Extra modeled members, e.g. `reason` (InternalServerException) or `resourceName`. */
  readonly extra: Readonly<Record<string, string>>;

  constructor(
    shape: AwsErrorShape,
    message: string,
    options: {
      extra?: Record<string, string>;
      cause?: unknown;
      /** Where services disagree: bedrock-agent models ServiceQuotaExceededException as 402, the runtimes as 400. */
      status?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AwsServiceError';
    this.shape = shape;
    this.status = options.status ?? awsErrorStatus[shape];
    this.extra = options.extra ?? {};
  }
}

export const validationError = (message: string): AwsServiceError =>
  new AwsServiceError('ValidationException', message);

export const resourceNotFoundError = (message: string): AwsServiceError =>
  new AwsServiceError('ResourceNotFoundException', message);

export interface ErrorFrame {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Frames any thrown value. Unexpected errors become a bare InternalServerException so that a bug
 * in the emulator looks like a 500 from AWS (which the SDK retries) rather than a dropped socket.
 */
export function toErrorFrame(error: unknown): ErrorFrame {
  const known =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError('InternalServerException', 'The emulator failed to process the request.', {
          cause: error,
        });
  return {
    status: known.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': known.shape },
    body: JSON.stringify({ ...known.extra, message: known.message }),
  };
}
