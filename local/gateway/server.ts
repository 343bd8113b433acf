import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  INTEGRATION_TIMEOUT_SECONDS,
  STREAM_INTEGRATION_TIMEOUT_SECONDS,
} from '../../config/function-timeouts.ts';
import { GATEWAY_ERRORS, type GatewayErrorResponse } from '../../config/gateway-responses.ts';
import type { ApiHandler } from '../../shared/http/handler.ts';
import { runTokenAuthorizer } from '../identity/gateway-authorizer.ts';
import { gatewayResponseHeaders, preflightHeaders } from './cors.ts';
import { type Overrun, withinDeadlines } from './deadline.ts';
import { isStreamingHandler, LambdaResponseStream } from './lambda-streaming.ts';
import { isLoopbackAuthority } from './loopback-host.ts';
import { LOCAL_API, lambdaContext, localMethodArn, toProxyEvent } from './proxy-event.ts';
import { passesRequestModel } from './request-models.ts';
import { type GatewayRoute, isResourcePath, matchRoute } from './routes.ts';
import { type StaticSite, serveStatic } from './static-files.ts';

/** API Gateway's own message for a request it finds no authorized method for. */
const MISSING_TOKEN = 'Missing Authentication Token';
/** API Gateway's payload limit for REST APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  /** Valid API keys. Each gets a stable key id, as API Gateway gives each key an id. */
  readonly apiKeys: readonly string[];
  /** Keys accepted as `x-admin-key` on IAM-authorized routes. */
  readonly adminKeys?: readonly string[];
  readonly port?: number;
  /** Until this says yes, `/v1/health` answers 503 with `notReadyReason()`. */
  readonly isReady?: () => boolean;
  readonly notReadyReason?: () => string;
  /**
   * How long the gateway waits for a buffered integration: API Gateway's 29 seconds unless a test
   * asks for less. STREAM integrations get their 15 minutes.
   */
  readonly integrationTimeoutSeconds?: number;
  /** The playground page, served at `/` (local only; API Gateway serves no pages). */
  readonly site?: StaticSite;
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /**
   * The CORS allow-list of the deployed API (`corsAllowOrigins`): `['*']` or exact origins. Only
   * the OPTIONS answers and the gateway's own errors use it; Lambda responses pass through as the
   * handlers wrote them. Empty: no origin is named.
   */
  readonly corsAllowOrigins?: readonly string[];
}

export interface LocalGateway {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** The id API Gateway would report for a key: derived, so the key itself is never stored. */
export function apiKeyIdFor(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * A local API Gateway for the REST API: matches resources, enforces API keys, turns each request
 * into the Lambda proxy event, invokes the same handler Lambda runs, and writes its response.
 * Errors it raises itself use Lantern's JSON error shape, as the deployed gateway responses do.
 */
export async function startLocalGateway(options: GatewayOptions): Promise<LocalGateway> {
  const keyIds = new Map(options.apiKeys.map((key) => [key, apiKeyIdFor(key)]));
  /** The first bytes each connection sent, and connections that had a request parsed. */
  const firstBytes = new WeakMap<Duplex, string>();
  const requestsSeen = new WeakSet<Duplex>();
  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res, options, keyIds)
      .catch((error: unknown) => {
        console.error('local gateway: unexpected failure', error);
        // A function error: API Gateway answers 502 through the default 5XX response.
        if (!res.headersSent) gatewayError(res, options, ...gatewayAnswer(GATEWAY_ERRORS.DEFAULT_5XX, 502));
        else res.destroy();
      })
      .finally(() => {
        options.onRequest?.({
          method: req.method ?? '?',
          path: req.url ?? '?',
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        });
      });
  });
  // Slow clients must not pin a connection forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  // Requests Node cannot parse (unknown methods, oversized headers, conflicting lengths) and CONNECT
  // never reach `handle`: answer them in Lantern's JSON error shape too, not with a bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'BAD_REQUEST', 'The request line or headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'BAD_REQUEST', 'The request took too long to arrive']
          : [400, 'BAD_REQUEST', 'The request is not valid HTTP'];
    // A HEAD request's answer has no body, even for an error: a client would choke on one.
    const rawPacket = (error as { rawPacket?: Buffer }).rawPacket;
    const head =
      rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ' ||
      (!requestsSeen.has(socket) && firstBytes.get(socket) === 'HEAD ');
    writeRawError(socket, status, code, message, head);
  });
  server.on('connection', (socket: Socket) => {
    socket.once('data', (chunk: Buffer) => firstBytes.set(socket, chunk.subarray(0, 5).toString('latin1')));
  });
  server.on('request', (req: IncomingMessage) => requestsSeen.add(req.socket));
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    writeRawError(socket, 404, 'NOT_FOUND', `No route for ${req.method ?? 'CONNECT'} ${req.url ?? ''}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: GatewayOptions,
  keyIds: Map<string, string>,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    gatewayError(res, options, status, code, message, headers);
  const answerAs = (error: GatewayErrorResponse, status: number, message?: string) =>
    fail(...gatewayAnswer(error, status, message));
  // Before anything else, so a request addressed to another name reaches no handler and no page.
  if (!isLoopbackAuthority(authorityOf(req))) {
    req.resume();
    return send(
      res,
      421,
      errorBody(
        'MISDIRECTED_REQUEST',
        'This local server answers only requests addressed to localhost or 127.0.0.1',
      ),
    );
  }
  let url: URL;
  let path: string;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
    path = decodePath(url.pathname);
  } catch {
    return fail(400, 'BAD_REQUEST', 'The request path is not valid');
  }
  // API Gateway answers preflights with the CDK's mock integration on every resource, without
  // an API key, and never calls a function for them.
  if (method === 'OPTIONS' && isResourcePath(options.routes, path)) {
    return send(res, 204, '', preflightHeaders(options.corsAllowOrigins ?? [], originOf(req)));
  }
  if (options.site && method === 'GET' && (await serveStatic(options.site, path, res))) return;

  const match = matchRoute(options.routes, method, path);
  // An unknown route or method is API Gateway's missing authentication token. HEAD too: a REST API
  // answers only the methods it declares, and Lantern declares no HEAD.
  if (!match) return answerAs(GATEWAY_ERRORS.MISSING_AUTHENTICATION_TOKEN, 403, MISSING_TOKEN);
  if (match.route.resource === '/v1/health' && options.isReady && !options.isReady()) {
    return fail(503, 'SERVICE_UNAVAILABLE', options.notReadyReason?.() ?? 'Starting up', {
      'retry-after': '1',
    });
  }

  // API Gateway runs the authorizer first; the API key and its usage plan come after.
  let authorizer: Record<string, string> | undefined;
  if (match.route.authorizer) {
    const outcome = await runTokenAuthorizer(
      match.route.authorizer,
      req.headers.authorization,
      localMethodArn(method, path),
    );
    if (outcome.effect === 'unauthorized') return answerAs(GATEWAY_ERRORS.UNAUTHORIZED, 401);
    if (outcome.effect === 'denied')
      return answerAs(
        GATEWAY_ERRORS.ACCESS_DENIED,
        403,
        outcome.explicit
          ? 'User is not authorized to access this resource with an explicit deny'
          : 'User is not authorized to access this resource',
      );
    // AUTHORIZER_FAILURE has no response of its own: the default 5XX answers.
    if (outcome.effect === 'failed') return answerAs(GATEWAY_ERRORS.DEFAULT_5XX, 500);
    authorizer = outcome.context;
  }

  const presentedKey = req.headers['x-api-key'];
  const keyValue = typeof presentedKey === 'string' ? presentedKey : undefined;
  const keyId = keyValue ? keyIds.get(keyValue) : undefined;
  if (match.route.apiKeyRequired && !keyId) return answerAs(GATEWAY_ERRORS.INVALID_API_KEY, 401);

  // SigV4 signs the payload, so API Gateway refuses an oversized one before it checks the signature.
  if (match.route.authorization === 'IAM' && Number(req.headers['content-length'] ?? 0) > MAX_PAYLOAD_BYTES) {
    req.resume();
    return answerAs(GATEWAY_ERRORS.REQUEST_TOO_LARGE, 413);
  }
  const admin =
    match.route.authorization === 'IAM'
      ? adminIdentity(req.headers['x-admin-key'], options.adminKeys)
      : undefined;
  if (match.route.authorization === 'IAM' && !admin) {
    // API Gateway reports an unsigned request as a missing authentication token; a bad signature is
    // its own 403.
    if (req.headers['x-admin-key'] === undefined)
      return answerAs(GATEWAY_ERRORS.MISSING_AUTHENTICATION_TOKEN, 403, MISSING_TOKEN);
    return answerAs(
      GATEWAY_ERRORS.INVALID_SIGNATURE,
      403,
      'This route needs operator credentials (x-admin-key locally)',
    );
  }

  const body = await readBody(req);
  if (body === undefined) return answerAs(GATEWAY_ERRORS.REQUEST_TOO_LARGE, 413);
  const { requestModel } = match.route;
  if (requestModel && !passesRequestModel(requestModel, body, req.headers['content-type']))
    return answerAs(GATEWAY_ERRORS.BAD_REQUEST_BODY, 400);

  const event = toProxyEvent({
    method,
    path,
    query: url.searchParams,
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    resource: match.route.resource,
    pathParameters: match.pathParameters,
    // API Gateway gives the key's id only to routes that require a key ($context.identity.apiKeyId).
    ...(match.route.apiKeyRequired && keyValue && keyId ? { apiKey: { value: keyValue, id: keyId } } : {}),
    ...(admin ? { iamUserArn: admin } : {}),
    ...(authorizer ? { authorizer } : {}),
  });
  const { handler, functionName, timeoutSeconds } = match.route;
  const context = lambdaContext(functionName, timeoutSeconds * 1000, event.requestContext.requestId);
  const streaming = isStreamingHandler(handler);
  const deadlines = {
    functionMs: timeoutSeconds * 1000,
    integrationMs:
      (streaming
        ? STREAM_INTEGRATION_TIMEOUT_SECONDS
        : (options.integrationTimeoutSeconds ?? INTEGRATION_TIMEOUT_SECONDS)) * 1000,
  };
  if (streaming) {
    await invokeStreaming(handler as awslambda.StreamingHandler, event, context, deadlines, res, fail);
    return;
  }
  const outcome = await withinDeadlines((handler as ApiHandler)(event, context), deadlines);
  if ('overrun' in outcome) return fail(...overrunAnswer(outcome.overrun));
  writeProxyResult(res, outcome.value, fail);
}

/**
 * API Gateway's STREAM transfer mode: status and headers as soon as the prelude is written, then
 * each chunk the handler writes goes out at once (chunked transfer), with no buffering.
 */
async function invokeStreaming(
  handler: awslambda.StreamingHandler,
  event: APIGatewayProxyEvent,
  context: Context,
  deadlines: Parameters<typeof withinDeadlines>[1],
  res: ServerResponse,
  fail: GatewayFailure,
): Promise<void> {
  let bodyStarted = false;
  const stream = new LambdaResponseStream({
    head: (statusCode, headers) => {
      res.writeHead(statusCode, lowerCaseKeys(headers));
      // The first event usually follows at once and carries the headers in its packet; they go
      // on their own only when it does not come within this turn of the event loop.
      setImmediate(() => {
        if (!bodyStarted && !res.destroyed) res.flushHeaders();
      });
    },
    write: (chunk) => {
      bodyStarted = true;
      return res.write(chunk);
    },
    end: () => res.end(),
    onDrain: (listener) => res.once('drain', listener),
  });
  // The client hanging up is what the handler sees as its response stream closing.
  res.once('close', () => {
    if (!res.writableFinished) stream.destroy();
  });
  try {
    const outcome = await withinDeadlines(Promise.resolve(handler(event, stream, context)), deadlines);
    if ('overrun' in outcome) {
      // The invocation ended mid-answer: before the prelude the caller gets the gateway's error,
      // after it the connection is cut, as when Lambda stops a streaming function.
      if (!stream.headersSent && !res.headersSent) fail(...overrunAnswer(outcome.overrun));
      else res.destroy();
      stream.destroy();
      return;
    }
  } catch (error) {
    console.error('local gateway: streaming handler failed', error);
    if (!stream.headersSent && !res.headersSent) {
      fail(...gatewayAnswer(GATEWAY_ERRORS.DEFAULT_5XX, 502));
      return;
    }
  }
  if (!stream.writableEnded && !stream.destroyed) stream.end();
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
}

function writeProxyResult(res: ServerResponse, result: APIGatewayProxyResult, fail: GatewayFailure): void {
  if (!result || typeof result.statusCode !== 'number') {
    // What API Gateway does with a malformed Lambda proxy response.
    fail(...gatewayAnswer(GATEWAY_ERRORS.DEFAULT_5XX, 502));
    return;
  }
  // Passed through as the function wrote them: API Gateway adds no CORS headers to a proxy response.
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/** The IAM identity an operator request carries on AWS; locally, a valid `x-admin-key` maps to one. */
function adminIdentity(
  header: string | string[] | undefined,
  adminKeys: readonly string[] = [],
): string | undefined {
  if (typeof header !== 'string' || !adminKeys.includes(header)) return undefined;
  return `arn:aws:iam::${LOCAL_API.accountId}:user/lantern-local-admin-${apiKeyIdFor(header).slice(4, 12)}`;
}

/** Reads the body up to API Gateway's limit; undefined when it is larger. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Percent-decodes each segment and drops a trailing slash; dot segments never reach a handler. */
function decodePath(pathname: string): string {
  const segments = pathname.split('/').map((s) => decodeURIComponent(s));
  if (segments.some((s) => s === '..' || s === '.' || s.includes('/'))) throw new Error('path traversal');
  const path = segments.join('/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** An error response written straight to the socket, for requests the HTTP server could not parse. */
function writeRawError(
  socket: Duplex,
  status: number,
  code: string,
  message: string,
  headOnly = false,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = errorBody(code, message);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      (headOnly ? '' : body),
  );
}

function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Status, code and message of the deployed API's gateway response of a type (config/gateway-responses.ts);
 * `status` and `message` stand in for API Gateway's own where the response keeps them.
 */
function gatewayAnswer(
  error: GatewayErrorResponse,
  status: number,
  message?: string,
): [status: number, code: string, message: string] {
  return [Number(error.statusCode ?? status), error.code, error.message ?? message ?? ''];
}

/** A function that times out is a function error to API Gateway: 502 through the default 5XX response. */
function overrunAnswer(overrun: Overrun): [status: number, code: string, message: string] {
  return overrun === 'integration-timeout'
    ? gatewayAnswer(GATEWAY_ERRORS.INTEGRATION_TIMEOUT, 504)
    : gatewayAnswer(GATEWAY_ERRORS.DEFAULT_5XX, 502);
}

type GatewayFailure = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => void;

/** An error API Gateway itself answers: one of the stack's gateway responses, with their CORS headers. */
function gatewayError(
  res: ServerResponse,
  options: GatewayOptions,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, errorBody(code, message), {
    ...gatewayResponseHeaders(options.corsAllowOrigins ?? []),
    ...headers,
  });
}

/** The authority the request is addressed to: an absolute request target's wins over `Host`. */
function authorityOf(req: IncomingMessage): string | undefined {
  const target = req.url ?? '';
  if (!target.startsWith('/')) {
    try {
      return new URL(target).host;
    } catch {
      return undefined;
    }
  }
  return req.headers.host;
}

function originOf(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  return typeof origin === 'string' ? origin : undefined;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(body);
}
