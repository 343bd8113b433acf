/**
 * The first request after a cold start, per function: a fresh Node process with the environment a
 * Lambda function has (its variables, active tracing with an X-Ray daemon address, credentials from
 * the environment) imports the bundle and handles one representative event against the local stack.
 * Beside it, the floor: a fresh process imports a bundle of only the SDK clients the function uses
 * and makes the same calls the function made (recorded by a proxy in front of every endpoint), one
 * after the other, through those clients; Slack Web API calls are replayed with `fetch`.
 *
 * Active tracing is on as on Lambda (a daemon address, a sampled trace header): the datagrams the
 * function sends to the daemon are counted, so a tracing SDK that creeps back in shows up.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { localGuardrail } from '../../config/guardrail.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../local/slack/fake-slack-api.ts';
import { appMentionEnvelope } from '../../local/slack/signed-event.ts';
import {
  LOCAL_DATA_SOURCE_ID,
  LOCAL_KNOWLEDGE_BASE_ID,
  LOCAL_MODEL_ARN,
  LOCAL_TABLE_NAME,
} from '../../local/stack.ts';
import { signSlackRequest } from '../../shared/slack/signature.ts';
import { esbuildOptions, type FunctionBundle, REPO_ROOT } from './bundles.ts';
import { median } from './stats.ts';

/** One request the code under test sent to an endpoint, as the recording proxy saw it. */
export interface RecordedCall {
  readonly service: 'dynamodb' | 'bedrock' | 'slack' | 'aws';
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target` of JSON-protocol services (DynamoDB, SQS, Secrets Manager). */
  readonly target?: string;
  readonly contentType?: string;
  readonly authorization?: string;
  readonly body: string;
}

export interface FirstRequest {
  readonly name: string;
  readonly clients: readonly string[];
  /** The calls of the recorded (warm-up) request, e.g. `dynamodb.GetItem`. */
  readonly calls: readonly string[];
  /** What the function answered (HTTP status, or `ok` / `N failures` for SQS batches). */
  readonly outcome: string;
  /** Medians over runs, ms: import, then the first request, and both from process start. */
  readonly initMs: number;
  readonly requestMs: number;
  readonly totalMs: number;
  readonly floorInitMs: number;
  readonly floorRequestMs: number;
  readonly floorTotalMs: number;
  /** Median over runs of (function total ÷ floor total), each pair measured back to back. */
  readonly ratio: number;
  /** UDP datagrams the function sent to the X-Ray daemon address (median). */
  readonly xrayDatagrams: number;
  /** Floor calls that failed on replay (e.g. a conditional write already done), last run. */
  readonly floorErrors: number;
}

export interface FirstRequestOptions {
  readonly bundles: readonly FunctionBundle[];
  readonly stack: { readonly emulatorUrl: string; readonly dynamoDbEndpoint: string };
  /** Measured pairs per function (plus one recorded warm-up run). */
  readonly runs: number;
  /** A temporary directory for events, results and floor bundles. */
  readonly outDir: string;
  readonly question: string;
  readonly onProgress?: (message: string) => void;
}

const BOT_TOKEN = `xoxb-bench-${randomBytes(8).toString('hex')}`;
const SIGNING_SECRET = randomBytes(32).toString('hex');
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lantern-slack-AbCdEf';
const QUEUE_PATH = '/000000000000/lantern-slack-jobs';
const CALLER = 'bench-api-key-id';
const OPERATOR_ARN = 'arn:aws:iam::000000000000:user/bench-operator';

/** A proxy in front of one endpoint that records each request (or answers it itself: `fake`). */
class Recorder {
  calls: RecordedCall[] = [];
  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    service: RecordedCall['service'],
    upstream: string | undefined,
    fake?: (call: RecordedCall) => { status: number; contentType: string; body: string },
  ): Promise<Recorder> {
    let self: Recorder | undefined;
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      const call: RecordedCall = {
        service,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        ...(typeof req.headers['x-amz-target'] === 'string' ? { target: req.headers['x-amz-target'] } : {}),
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        ...(req.headers.authorization && service === 'slack'
          ? { authorization: req.headers.authorization }
          : {}),
        body,
      };
      self?.calls.push(call);
      if (fake || !upstream) {
        const answer = fake?.(call) ?? { status: 404, contentType: 'text/plain', body: 'no upstream' };
        res.writeHead(answer.status, { 'content-type': answer.contentType });
        res.end(answer.body);
        return;
      }
      const target = new URL(upstream);
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: `${target.pathname.replace(/\/$/, '')}${req.url ?? '/'}`.replace(/^\/\//, '/'),
          headers: { ...req.headers, host: target.host },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      forward.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new Recorder(server, `http://127.0.0.1:${port}`);
    return self;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** SQS and Secrets Manager, answered by the proxy: the local stack has neither. */
function fakeAws(call: RecordedCall) {
  const json = 'application/x-amz-json-1.1';
  const input = call.body ? (JSON.parse(call.body) as Record<string, unknown>) : {};
  switch (call.target) {
    case 'AmazonSQS.SendMessage': {
      const md5 = createHash('md5')
        .update(String(input.MessageBody ?? ''))
        .digest('hex');
      return {
        status: 200,
        contentType: 'application/x-amz-json-1.0',
        body: JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5 }),
      };
    }
    case 'secretsmanager.GetSecretValue':
      return {
        status: 200,
        contentType: json,
        body: JSON.stringify({
          ARN: SECRET_ARN,
          Name: 'lantern-slack',
          VersionId: 'bench',
          SecretString: JSON.stringify({ signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN }),
          CreatedDate: Date.now() / 1000,
        }),
      };
    default:
      return {
        status: 400,
        contentType: json,
        body: JSON.stringify({ __type: 'UnknownOperationException', message: String(call.target) }),
      };
  }
}

/** The name of a recorded call, e.g. `dynamodb.PutItem`, `bedrock.ApplyGuardrail`, `slack.chat.postMessage`. */
export function operationOf(call: Pick<RecordedCall, 'service' | 'method' | 'path' | 'target'>): string {
  if (call.target) {
    const op = call.target.split('.').at(-1) ?? call.target;
    const service = call.target.startsWith('AmazonSQS')
      ? 'sqs'
      : call.target.startsWith('secretsmanager')
        ? 'secretsmanager'
        : call.service;
    return `${service}.${op}`;
  }
  if (call.service === 'slack') return `slack.${call.path.split('?')[0]?.split('/').filter(Boolean).at(-1)}`;
  return `bedrock.${bedrockOperation(call.method, call.path)?.command.replace(/Command$/, '') ?? `${call.method} ${call.path}`}`;
}

interface BedrockOperation {
  readonly pkg: string;
  readonly client: string;
  readonly command: string;
  /** Input members that come from the path. */
  readonly params: Record<string, string>;
  readonly stream?: boolean;
}

/** The Bedrock REST operations Lantern calls, by method and path. */
export function bedrockOperation(method: string, fullPath: string): BedrockOperation | undefined {
  const path = decodeURIComponent(fullPath.split('?')[0] ?? '');
  const runtime = { pkg: '@aws-sdk/client-bedrock-runtime', client: 'BedrockRuntimeClient' };
  const agentRuntime = { pkg: '@aws-sdk/client-bedrock-agent-runtime', client: 'BedrockAgentRuntimeClient' };
  const agent = { pkg: '@aws-sdk/client-bedrock-agent', client: 'BedrockAgentClient' };
  let m = /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/.exec(path);
  if (m && method === 'POST')
    return {
      ...runtime,
      command: 'ApplyGuardrailCommand',
      params: { guardrailIdentifier: m[1] ?? '', guardrailVersion: m[2] ?? '' },
    };
  if (path === '/retrieveAndGenerate' && method === 'POST')
    return { ...agentRuntime, command: 'RetrieveAndGenerateCommand', params: {} };
  if (path === '/retrieveAndGenerateStream' && method === 'POST')
    return { ...agentRuntime, command: 'RetrieveAndGenerateStreamCommand', params: {}, stream: true };
  m = /^\/knowledgebases\/([^/]+)\/retrieve$/.exec(path);
  if (m && method === 'POST')
    return { ...agentRuntime, command: 'RetrieveCommand', params: { knowledgeBaseId: m[1] ?? '' } };
  m = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/?$/.exec(path);
  if (m) {
    const params = { knowledgeBaseId: m[1] ?? '', dataSourceId: m[2] ?? '' };
    if (method === 'POST') return { ...agent, command: 'ListIngestionJobsCommand', params };
    if (method === 'PUT') return { ...agent, command: 'StartIngestionJobCommand', params };
  }
  m = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)$/.exec(path);
  if (m && method === 'GET')
    return {
      ...agent,
      command: 'GetDataSourceCommand',
      params: { knowledgeBaseId: m[1] ?? '', dataSourceId: m[2] ?? '' },
    };
  m = /^\/knowledgebases\/([^/]+)\/datasources\/([^/]+)\/ingestionjobs\/([^/]+)$/.exec(path);
  if (m && method === 'GET')
    return {
      ...agent,
      command: 'GetIngestionJobCommand',
      params: { knowledgeBaseId: m[1] ?? '', dataSourceId: m[2] ?? '', ingestionJobId: m[3] ?? '' },
    };
  return undefined;
}

/** How the floor sends one recorded call: a client, a command and its input; else a raw `fetch`. */
interface FloorStep {
  readonly client?: string;
  readonly command?: string;
  readonly input?: unknown;
  readonly stream?: boolean;
  readonly raw?: {
    readonly url: string;
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body: string;
  };
}

const JSON_TARGETS: Record<string, { pkg: string; client: string; endpoint: string }> = {
  DynamoDB_20120810: {
    pkg: '@aws-sdk/client-dynamodb',
    client: 'DynamoDBClient',
    endpoint: 'DYNAMODB_ENDPOINT',
  },
  AmazonSQS: { pkg: '@aws-sdk/client-sqs', client: 'SQSClient', endpoint: 'AWS_ENDPOINT_URL_SQS' },
  secretsmanager: {
    pkg: '@aws-sdk/client-secrets-manager',
    client: 'SecretsManagerClient',
    endpoint: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  },
};

const CLIENT_ENDPOINTS: Record<string, { pkg: string; endpoint: string; keepAlive?: boolean }> = {
  DynamoDBClient: { pkg: '@aws-sdk/client-dynamodb', endpoint: 'DYNAMODB_ENDPOINT' },
  SQSClient: { pkg: '@aws-sdk/client-sqs', endpoint: 'AWS_ENDPOINT_URL_SQS' },
  SecretsManagerClient: {
    pkg: '@aws-sdk/client-secrets-manager',
    endpoint: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  },
  // Lantern's Bedrock runtime clients use HTTP/1.1 kept alive (shared/aws-clients.ts): so does the floor.
  BedrockRuntimeClient: {
    pkg: '@aws-sdk/client-bedrock-runtime',
    endpoint: 'BEDROCK_RUNTIME_ENDPOINT',
    keepAlive: true,
  },
  BedrockAgentRuntimeClient: {
    pkg: '@aws-sdk/client-bedrock-agent-runtime',
    endpoint: 'BEDROCK_AGENT_RUNTIME_ENDPOINT',
    keepAlive: true,
  },
  BedrockAgentClient: { pkg: '@aws-sdk/client-bedrock-agent', endpoint: 'BEDROCK_AGENT_ENDPOINT' },
};

/**
 * The floor's entry for these calls: the SDK clients the function bundles (constructed at import,
 * as the handler constructs them), the commands the calls need, and `replay(steps)`.
 */
export function floorReplaySource(clients: readonly string[], steps: readonly FloorStep[]): string {
  const used = new Set(steps.map((s) => s.client).filter((c): c is string => c !== undefined));
  // Every client the function bundles is constructed, used or not, as in the size floor.
  for (const pkg of clients) {
    const client = Object.entries(CLIENT_ENDPOINTS).find(([, v]) => v.pkg === pkg)?.[0];
    if (client) used.add(client);
  }
  const importsByPkg = new Map<string, Set<string>>();
  const want = (pkg: string, name: string) => {
    const names = importsByPkg.get(pkg) ?? new Set<string>();
    names.add(name);
    importsByPkg.set(pkg, names);
  };
  for (const client of used) want(CLIENT_ENDPOINTS[client]?.pkg ?? '', client);
  for (const step of steps)
    if (step.client && step.command) want(CLIENT_ENDPOINTS[step.client]?.pkg ?? '', step.command);
  const lines = [...importsByPkg].map(
    ([pkg, names]) => `import { ${[...names].sort().join(', ')} } from '${pkg}';`,
  );
  if (clients.includes('@aws-sdk/lib-dynamodb'))
    lines.push("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
  lines.push("import { NodeHttpHandler } from '@smithy/node-http-handler';");
  lines.push('const env = process.env;');
  lines.push('const clients = {');
  for (const client of used) {
    const spec = CLIENT_ENDPOINTS[client];
    if (!spec) continue;
    lines.push(
      `  ${client}: new ${client}({ endpoint: env.${spec.endpoint}${spec.keepAlive ? ', requestHandler: new NodeHttpHandler()' : ''} }),`,
    );
  }
  lines.push('};');
  if (clients.includes('@aws-sdk/lib-dynamodb'))
    lines.push(
      'export const documents = DynamoDBDocumentClient.from(clients.DynamoDBClient, { marshallOptions: { removeUndefinedValues: true } });',
    );
  const commands = [...new Set(steps.map((s) => s.command).filter((c): c is string => c !== undefined))];
  lines.push(`const commands = { ${commands.join(', ')} };`);
  lines.push(`export async function replay(steps) {
  let errors = 0;
  for (const step of steps) {
    try {
      if (step.raw) {
        const response = await fetch(step.raw.url, { method: step.raw.method, headers: step.raw.headers, body: step.raw.method === 'GET' ? undefined : step.raw.body });
        await response.arrayBuffer();
        continue;
      }
      const output = await clients[step.client].send(new commands[step.command](step.input));
      if (step.stream) for await (const _ of output.stream) {}
    } catch {
      errors++;
    }
  }
  return errors;
}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A recorded `PutItem` guarded by a condition (create-if-absent) would only fail when replayed: the
 * floor writes the item unconditionally, the same request otherwise.
 */
function replayable(operation: string, input: Record<string, unknown>): Record<string, unknown> {
  if (operation !== 'PutItem' || !input.ConditionExpression) return input;
  const {
    ConditionExpression: _c,
    ExpressionAttributeNames: _n,
    ExpressionAttributeValues: _v,
    ...rest
  } = input;
  return rest;
}

/** The floor's steps for the recorded calls. */
export function floorSteps(calls: readonly RecordedCall[], slackUrl: string): FloorStep[] {
  return calls.map((call): FloorStep => {
    if (call.target) {
      const [prefix, op] = call.target.split('.');
      const spec = JSON_TARGETS[prefix ?? ''];
      if (spec && op)
        return {
          client: spec.client,
          command: `${op}Command`,
          input: replayable(op, JSON.parse(call.body || '{}')),
        };
    }
    if (call.service === 'bedrock') {
      const op = bedrockOperation(call.method, call.path);
      if (op)
        return {
          client: op.client,
          command: op.command,
          input: { ...(call.body ? JSON.parse(call.body) : {}), ...op.params },
          ...(op.stream ? { stream: true } : {}),
        };
    }
    return {
      raw: {
        url: `${slackUrl.replace(/\/api\/?$/, '')}${call.path}`,
        method: call.method,
        headers: {
          ...(call.contentType ? { 'content-type': call.contentType } : {}),
          ...(call.authorization ? { authorization: call.authorization } : {}),
        },
        body: call.body,
      },
    };
  });
}

/** The probe a fresh process runs: Lambda's streaming globals, the import, one invocation, timed. */
const PROBE = `import { readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
const started = performance.now();
const runtime = (globalThis.awslambda ??= {});
runtime.streamifyResponse ??= (handler) => handler;
runtime.HttpResponseStream ??= { from: (stream, prelude) => { stream.prelude = prelude; return stream; } };
const [bundle, spec, out] = process.argv.slice(2);
const mod = await import(bundle);
const imported = performance.now();
const { kind, event, steps } = JSON.parse(readFileSync(spec, 'utf8'));
let outcome;
if (kind === 'floor') {
  const errors = await mod.replay(steps);
  outcome = { errors };
} else {
  const deadline = Date.now() + 30000;
  const context = {
    awsRequestId: process.env.BENCH_REQUEST_ID, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: '1024', logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME, logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => deadline - Date.now(),
    done() {}, fail() {}, succeed() {},
  };
  if (kind === 'stream') {
    let body = '';
    const sink = new Writable({ write(chunk, _e, callback) { body += chunk.toString(); callback(); } });
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    await mod.handler(event, sink, context);
    await finished;
    outcome = { statusCode: sink.prelude?.statusCode, body: body.slice(0, 4000) };
  } else {
    outcome = await mod.handler(event, context);
  }
}
const done = performance.now();
writeFileSync(out, JSON.stringify({ initMs: imported - started, requestMs: done - imported, totalMs: done - started, outcome: outcome ?? null }));
// Lambda freezes the process after the response, it does not end it: let trailing X-Ray datagrams go.
setTimeout(() => process.exit(0), 100);
`;

interface Scenario {
  readonly kind: 'rest' | 'stream' | 'plain';
  event(): unknown;
}

function restEvent(
  method: string,
  resource: string,
  path: string,
  options: {
    body?: string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    iam?: boolean;
  } = {},
) {
  const requestId = randomUUID();
  const headers = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/prod${path}`,
      stage: 'prod',
      requestId,
      extendedRequestId: requestId,
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      resourceId: 'bench',
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: options.iam ? null : 'bench-api-key',
        apiKeyId: options.iam ? null : CALLER,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: null,
        userAgent: 'lantern-bench',
        userArn: options.iam ? OPERATOR_ARN : null,
      },
    },
  };
}

function slackEnvelope(slack: FakeSlackApi, question: string) {
  return appMentionEnvelope(
    { teamId: 'T0BENCH', botUserId: slack.botUserId },
    { text: question, channel: 'C0BENCH' },
  );
}

/** A representative first request per function folder. */
function scenarios(
  question: string,
  slack: FakeSlackApi,
  sessionId: () => string | undefined,
): Record<string, Scenario> {
  return {
    health: { kind: 'rest', event: () => restEvent('GET', '/v1/health', '/v1/health') },
    openapi: { kind: 'rest', event: () => restEvent('GET', '/v1/openapi.json', '/v1/openapi.json') },
    chat: {
      kind: 'rest',
      event: () => restEvent('POST', '/v1/chat', '/v1/chat', { body: JSON.stringify({ message: question }) }),
    },
    'chat-stream': {
      kind: 'stream',
      event: () =>
        restEvent('POST', '/v1/chat/stream', '/v1/chat/stream', {
          body: JSON.stringify({ message: question }),
        }),
    },
    sessions: {
      kind: 'rest',
      event: () => {
        const id = sessionId() ?? 'no-session-yet';
        return restEvent('GET', '/v1/sessions/{id}', `/v1/sessions/${id}`, { pathParameters: { id } });
      },
    },
    'kb-admin': {
      kind: 'rest',
      event: () =>
        restEvent('GET', '/v1/admin/knowledge-base/jobs', '/v1/admin/knowledge-base/jobs', { iam: true }),
    },
    'kb-sync': {
      kind: 'plain',
      event: () => ({
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'us-east-1',
        resources: ['arn:aws:events:us-east-1:000000000000:rule/lantern-kb-sync'],
        detail: {},
      }),
    },
    'slack-events': {
      kind: 'rest',
      event: () => {
        const raw = JSON.stringify(slackEnvelope(slack, question));
        const timestamp = String(Math.floor(Date.now() / 1000));
        return restEvent('POST', '/v1/slack/events', '/v1/slack/events', {
          body: raw,
          headers: {
            'x-slack-request-timestamp': timestamp,
            'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, raw),
          },
        });
      },
    },
    'slack-worker': {
      kind: 'plain',
      event: () => ({
        Records: [
          {
            messageId: randomUUID(),
            receiptHandle: 'bench',
            body: JSON.stringify({
              version: 1,
              receivedAt: new Date().toISOString(),
              envelope: slackEnvelope(slack, question),
            }),
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: String(Date.now()),
              SenderId: 'bench',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:lantern-slack-jobs',
            awsRegion: 'us-east-1',
          },
        ],
      }),
    },
  };
}

interface Endpoints {
  readonly dynamodb: string;
  readonly bedrock: string;
  readonly slack: string;
  readonly aws: string;
  readonly xrayPort: number;
}

/** The variables Lambda sets, the CDK construct's and the stack's own, pointed at the recorders. */
function lambdaEnvironment(name: string, bundleDir: string, endpoints: Endpoints) {
  const requestId = randomUUID();
  return {
    PATH: process.env.PATH ?? '',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    // Lambda's own variables.
    AWS_LAMBDA_FUNCTION_NAME: `lantern-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/lantern-${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: bundleDir,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    // Active tracing: the daemon address Lambda gives (here a UDP socket of the bench) and the
    // invocation's trace header.
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${endpoints.xrayPort}`,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    _AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1',
    _AWS_XRAY_DAEMON_PORT: String(endpoints.xrayPort),
    _X_AMZN_TRACE_ID: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`,
    // The construct's (infra/constructs/lantern-function.ts).
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'lantern',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // The stack's, with the endpoint overrides only the local stack sets.
    TABLE_NAME: LOCAL_TABLE_NAME,
    KNOWLEDGE_BASE_ID: LOCAL_KNOWLEDGE_BASE_ID,
    KNOWLEDGE_BASE_DATA_SOURCE_IDS: LOCAL_DATA_SOURCE_ID,
    MODEL_ARN: LOCAL_MODEL_ARN,
    SESSION_TTL_DAYS: '30',
    GUARDRAIL_ID: localGuardrail.id,
    GUARDRAIL_VERSION: localGuardrail.version,
    CORS_ALLOW_ORIGINS: '*',
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    BEDROCK_AGENT_RUNTIME_ENDPOINT: endpoints.bedrock,
    BEDROCK_RUNTIME_ENDPOINT: endpoints.bedrock,
    BEDROCK_AGENT_ENDPOINT: endpoints.bedrock,
    SLACK_SECRET_ARN: SECRET_ARN,
    SLACK_QUEUE_URL: `${endpoints.aws}${QUEUE_PATH}`,
    SLACK_API_URL: `${endpoints.slack}/api/`,
    AWS_ENDPOINT_URL_SQS: endpoints.aws,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.aws,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BENCH_REQUEST_ID: requestId,
  };
}

interface ProbeResult {
  initMs: number;
  requestMs: number;
  totalMs: number;
  outcome: { statusCode?: number; body?: string; errors?: number; batchItemFailures?: unknown[] } | undefined;
}

function runProbe(
  probe: string,
  bundle: string,
  spec: string,
  out: string,
  env: Record<string, string>,
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    // The code under test logs to its own stdout and stderr: kept, never passed on.
    const child = spawn(process.execPath, [probe, pathToFileURL(bundle).href, spec, out], {
      env,
      cwd: join(bundle, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as ProbeResult);
      } catch (error) {
        reject(new Error(`first request of ${bundle} failed (${String(error)}): ${log.slice(-1500)}`));
      }
    });
  });
}

function outcomeOf(result: ProbeResult): string {
  const o = result.outcome;
  if (o === undefined || o === null) return 'ok (no result)';
  if (o.statusCode !== undefined) return String(o.statusCode);
  if (o === null || typeof o !== 'object') return 'ok';
  if (Array.isArray(o.batchItemFailures))
    return o.batchItemFailures.length ? `${o.batchItemFailures.length} failed` : 'ok';
  return 'ok';
}

export async function benchFirstRequests(options: FirstRequestOptions): Promise<FirstRequest[]> {
  mkdirSync(options.outDir, { recursive: true });
  const probe = join(options.outDir, 'first-request-probe.mjs');
  writeFileSync(probe, PROBE);
  const slack = await startFakeSlackApi({ token: BOT_TOKEN, teamId: 'T0BENCH' });
  const dynamodb = await Recorder.start('dynamodb', options.stack.dynamoDbEndpoint);
  const bedrock = await Recorder.start('bedrock', options.stack.emulatorUrl);
  const slackProxy = await Recorder.start('slack', slack.url.replace(/\/api\/?$/, ''));
  const aws = await Recorder.start('aws', undefined, fakeAws);
  const recorders = [dynamodb, bedrock, slackProxy, aws];
  let datagrams = 0;
  const xray: Socket = createSocket('udp4');
  xray.on('message', () => {
    datagrams++;
  });
  await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
  const endpoints: Endpoints = {
    dynamodb: dynamodb.url,
    bedrock: bedrock.url,
    slack: slackProxy.url,
    aws: aws.url,
    xrayPort: xray.address().port,
  };
  let sessionId: string | undefined;
  const byName = scenarios(options.question, slack, () => sessionId);
  const results: FirstRequest[] = [];
  let sequence = 0;
  try {
    for (const bundle of options.bundles) {
      const scenario = byName[bundle.name];
      if (!scenario) {
        options.onProgress?.(`first request: no scenario for ${bundle.name}, skipped`);
        continue;
      }
      const bundleDir = join(bundle.outfile, '..');
      const invoke = async () => {
        const n = ++sequence;
        const spec = join(options.outDir, `first-${n}.json`);
        writeFileSync(spec, JSON.stringify({ kind: scenario.kind, event: scenario.event() }));
        const before = datagrams;
        for (const r of recorders) r.calls = [];
        const result = await runProbe(
          probe,
          bundle.outfile,
          spec,
          join(options.outDir, `first-${n}.out.json`),
          lambdaEnvironment(bundle.name, bundleDir, endpoints),
        );
        // Datagrams may trail the exit by a moment.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const calls = recorders.flatMap((r) => r.calls);
        return { result, calls, datagrams: datagrams - before };
      };

      options.onProgress?.(`first request of ${bundle.name}: recording its calls`);
      const warm = await invoke();
      if (bundle.name === 'chat') {
        const body = (warm.result.outcome?.body ?? '') as string;
        try {
          sessionId = (JSON.parse(body) as { sessionId?: string }).sessionId;
        } catch {
          sessionId = undefined;
        }
      }
      const steps = floorSteps(warm.calls, slackProxy.url);
      const floorFile = join(options.outDir, `first-floor-${bundle.name}`, 'index.mjs');
      await build({
        ...esbuildOptions,
        stdin: {
          contents: floorReplaySource(bundle.clients, steps),
          resolveDir: REPO_ROOT,
          sourcefile: `first-floor-${bundle.name}.ts`,
          loader: 'ts',
        },
        outfile: floorFile,
      });
      const floorSpec = join(options.outDir, `first-floor-${bundle.name}.json`);
      writeFileSync(floorSpec, JSON.stringify({ kind: 'floor', steps }));

      options.onProgress?.(
        `first request of ${bundle.name} (${options.runs} runs, floor ${kb(statSync(floorFile).size)})`,
      );
      const own: ProbeResult[] = [];
      const floor: ProbeResult[] = [];
      const sent: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const first = await invoke();
        own.push(first.result);
        sent.push(first.datagrams);
        const n = ++sequence;
        floor.push(
          await runProbe(
            probe,
            floorFile,
            floorSpec,
            join(options.outDir, `first-${n}.out.json`),
            lambdaEnvironment(bundle.name, join(floorFile, '..'), endpoints),
          ),
        );
      }
      results.push({
        name: bundle.name,
        clients: bundle.clients,
        calls: warm.calls.map(operationOf),
        outcome: outcomeOf(own.at(-1) ?? warm.result),
        initMs: median(own.map((r) => r.initMs)),
        requestMs: median(own.map((r) => r.requestMs)),
        totalMs: median(own.map((r) => r.totalMs)),
        floorInitMs: median(floor.map((r) => r.initMs)),
        floorRequestMs: median(floor.map((r) => r.requestMs)),
        floorTotalMs: median(floor.map((r) => r.totalMs)),
        ratio: median(own.map((r, i) => r.totalMs / (floor[i]?.totalMs ?? Number.NaN))),
        xrayDatagrams: median(sent),
        floorErrors: floor.at(-1)?.outcome?.errors ?? 0,
      });
    }
  } finally {
    xray.close();
    await Promise.all(recorders.map((r) => r.close()));
    await slack.close();
  }
  return results;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
