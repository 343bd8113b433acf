import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface ProxyRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly sourceIp: string;
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
  readonly apiKey?: { readonly value: string; readonly id: string };
  /** Set on IAM-authorized routes: the caller's IAM ARN, as API Gateway reports it. */
  readonly iamUserArn?: string;
  /** Set behind a Lambda authorizer: its context and principal id (`requestContext.authorizer`). */
  readonly authorizer?: Record<string, string>;
}

/** The account, API id, stage and region the local gateway's events name, as one deployed API would. */
export const LOCAL_API = {
  accountId: '000000000000',
  apiId: 'local',
  stage: 'prod',
  region: 'us-east-1',
} as const;

/** The ARN API Gateway names a method by in a Lambda authorizer's event. */
export function localMethodArn(method: string, path: string): string {
  const { region, accountId, apiId, stage } = LOCAL_API;
  return `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${path}`;
}

/** Builds the REST API (v1 payload) Lambda proxy event API Gateway would send for this request. */
export function toProxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const multiValueHeaders = valuesByName(Object.entries(request.headers));
  const headers = lastValues(multiValueHeaders);
  const multiQuery = valuesByName(request.query);
  const query = lastValues(multiQuery);
  const now = new Date();
  const requestId = randomUUID();
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
    pathParameters: request.pathParameters,
    stageVariables: null,
    body: request.body === '' ? null : request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_API.accountId,
      apiId: LOCAL_API.apiId,
      authorizer: request.authorizer ?? null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: `/${LOCAL_API.stage}${request.path}`,
      stage: LOCAL_API.stage,
      requestId,
      extendedRequestId: requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: request.resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: request.apiKey?.value ?? null,
        apiKeyId: request.apiKey?.id ?? null,
        caller: request.iamUserArn ? 'local-admin' : null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: request.iamUserArn ? 'local-admin' : null,
        userAgent: headers['user-agent'] ?? null,
        userArn: request.iamUserArn ?? null,
      },
    },
  };
}

// Names come from the client, so they are gathered in a Map and turned into own properties
// with Object.fromEntries: `?__proto__` or `?constructor` must reach the handler as plain keys,
// as they do in API Gateway's JSON event, not collide with Object.prototype.
function valuesByName(
  pairs: Iterable<readonly [string, string | readonly string[] | undefined]>,
): Record<string, string[]> {
  const gathered = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    if (value === undefined) continue;
    const values = gathered.get(name) ?? [];
    values.push(...(typeof value === 'string' ? [value] : value));
    gathered.set(name, values);
  }
  return Object.fromEntries(gathered);
}

function lastValues(multi: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? '']));
}

/** A Lambda context for one invocation, with the remaining-time clock Lambda provides. */
export function lambdaContext(functionName: string, timeoutMs: number, requestId: string): Context {
  const deadline = Date.now() + timeoutMs;
  const fail = () => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_API.region}:${LOCAL_API.accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}
