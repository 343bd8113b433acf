/**
 * API Gateway's own errors as the deployed API answers them, in Lantern's `{"error": {"code",
 * "message"}}` shape: `ChatApi` deploys each as the gateway response of its type, and the local
 * gateway answers with the same entry where it stands in for API Gateway.
 */
export interface GatewayErrorResponse {
  /** The status, where it is not API Gateway's own for the type. */
  readonly statusCode?: string;
  readonly code: string;
  /** Fixed text; without it the response carries API Gateway's own (`$context.error.messageString`). */
  readonly message?: string;
}

/** Keyed by API Gateway's response type. */
export const GATEWAY_ERRORS = {
  BAD_REQUEST_BODY: { code: 'VALIDATION_ERROR', message: 'Invalid request body' },
  BAD_REQUEST_PARAMETERS: { code: 'VALIDATION_ERROR' },
  // Same status and code as the handlers' UnauthorizedError, so local and deployed callers see one answer.
  INVALID_API_KEY: { statusCode: '401', code: 'UNAUTHORIZED', message: 'Missing or invalid API key' },
  // The Lambda authorizer refused the token, or the Authorization header is missing.
  UNAUTHORIZED: { statusCode: '401', code: 'UNAUTHORIZED', message: 'Missing or invalid token' },
  // An unsigned request to an IAM route, and any request to a route or method the API lacks: API
  // Gateway cannot tell them apart, and a chat key on an admin route must be a 403 (the contract), so
  // both keep API Gateway's 403 and its message ("Missing Authentication Token").
  MISSING_AUTHENTICATION_TOKEN: { code: 'FORBIDDEN' },
  // IAM-authorized (admin) routes: a valid signature without execute-api:Invoke, a bad signature, an
  // expired session.
  ACCESS_DENIED: { code: 'FORBIDDEN' },
  INVALID_SIGNATURE: { code: 'FORBIDDEN' },
  EXPIRED_TOKEN: { code: 'FORBIDDEN' },
  // The web ACL (waf) blocked the request: a managed rule, or the per-IP or per-token rate limit.
  WAF_FILTERED: { statusCode: '403', code: 'FORBIDDEN', message: 'Request blocked' },
  REQUEST_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' },
  THROTTLED: { code: 'THROTTLED', message: 'Too many requests' },
  QUOTA_EXCEEDED: { code: 'THROTTLED', message: 'API key quota exceeded' },
  INTEGRATION_FAILURE: { statusCode: '502', code: 'UPSTREAM_ERROR' },
  INTEGRATION_TIMEOUT: { statusCode: '503', code: 'SERVICE_UNAVAILABLE', message: 'Timed out' },
  DEFAULT_4XX: { code: 'BAD_REQUEST' },
  DEFAULT_5XX: { code: 'INTERNAL_ERROR', message: 'Internal error' },
} as const satisfies Readonly<Record<string, GatewayErrorResponse>>;
