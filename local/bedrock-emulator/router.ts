/**
 * Maps restJson1 routes (method + URI template, as in the service models) to operations, and
 * checks each request against its operation's input shape in AWS's model before it runs.
 * Both transports feed it, so an operation never knows which protocol carried the request.
 */
import { AwsServiceError, toErrorFrame } from './errors.ts';
import type { FaultHook } from './faults.ts';
import { type RequestValidator, requestValidator } from './protocol/validate-request.ts';
import type { RequestLog } from './request-log.ts';
import type { EmulatorRequest, EmulatorResponse, RequestHandler } from './transport.ts';

export interface OperationInput {
  /** URI labels, already percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body (`{}` when the body is empty, as the SDK omits empty payloads). */
  readonly body: unknown;
  readonly request: EmulatorRequest;
}

export type Operation = (input: OperationInput) => Promise<EmulatorResponse> | EmulatorResponse;

export interface EmulatorRoute {
  /** The operation name from the service model; fault hooks and logs key on it. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A URI template such as `/knowledgebases/{knowledgeBaseId}/retrieve`. */
  readonly path: string;
  readonly handler: Operation;
}

interface CompiledRoute extends EmulatorRoute {
  readonly pattern: RegExp;
  readonly labels: readonly string[];
  readonly validate: RequestValidator;
}

export function createRouter(
  routes: readonly EmulatorRoute[],
  options: { faults?: FaultHook; log?: RequestLog } = {},
): RequestHandler {
  const compiled = routes.map(compile);
  return async (request) => {
    const receivedAt = new Date().toISOString();
    const match = findRoute(compiled, request);
    const response = await answer(match, request, options.faults);
    if (match !== undefined) {
      options.log?.add({
        operation: match.route.operation,
        receivedAt,
        params: match.params,
        body: loggedBody(request.body),
        status: response.status,
      });
    }
    return response;
  };
}

async function answer(
  match: { route: CompiledRoute; params: Record<string, string> } | undefined,
  request: EmulatorRequest,
  faults: FaultHook | undefined,
): Promise<EmulatorResponse> {
  try {
    if (match === undefined) {
      throw new AwsServiceError(
        'UnknownOperationException',
        `No operation is served at ${request.method} ${request.path}.`,
      );
    }
    const body = parseJsonBody(request.body);
    // Injected faults come first: a throttled request is refused before AWS would look at it.
    await faults?.({
      operation: match.route.operation,
      method: request.method,
      path: request.path,
      body,
    });
    match.route.validate({ params: match.params, query: request.query, headers: request.headers, body });
    return await match.route.handler({ params: match.params, body, request });
  } catch (error) {
    return toErrorFrame(error);
  }
}

/** A parse of its own, so no operation can change what the log keeps; unparsable bodies are not kept. */
function loggedBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function compile(route: EmulatorRoute): CompiledRoute {
  const labels: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const label = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (label === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(label);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, labels, pattern: new RegExp(`^${source}/?$`), validate: requestValidator(route) };
}

function findRoute(
  routes: readonly CompiledRoute[],
  request: EmulatorRequest,
): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== request.method) continue;
    const match = route.pattern.exec(request.path);
    if (match === null) continue;
    const params: Record<string, string> = {};
    route.labels.forEach((label, i) => {
      params[label] = safeDecode(match[i + 1] ?? '');
    });
    return { route, params };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AwsServiceError('ValidationException', 'The request body is not valid JSON.', { cause: error });
  }
}

/** A JSON success response, the way restJson1 operations without streaming answer. */
export function awsJsonResponse(body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
