import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { sessionTable } from '../../config/table.ts';
import { AwsServiceError, type FaultContext } from '../../local/bedrock-emulator/index.ts';
import { LOCAL_TABLE_NAME, type LocalStack } from '../../local/stack.ts';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field
  readonly json: any;
}

export interface RawRequest {
  readonly method: string;
  /** Sent exactly as given: no normalization of `..`, `%2e`, `//`. */
  readonly path: string;
  /** An array value sends the header once per element. */
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}

/** No keep-alive: a request the server answered early (413 mid-upload) must not poison the next. */
const agent = new Agent({ keepAlive: false });

/**
 * One HTTP request over loopback with `node:http`, which (unlike fetch) sends any method token, raw
 * paths and duplicate headers. CONNECT answers arrive as a `connect` event and are read the same way.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers ?? {},
        agent,
        timeout: req.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      },
    );
    outgoing.on('connect', (res, socket, head) => {
      const chunks: Buffer[] = [head];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
      socket.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer to ${req.method} ${req.path}`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

function toResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): RawResponse {
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/** A 4xx in Lantern's error shape: JSON content type, `{error: {code, message}}`, no stack trace. */
export function isJsonClientError(res: RawResponse, method = 'GET'): boolean {
  if (res.status < 400 || res.status > 499) return false;
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) return false;
  // HEAD answers carry the headers of the error but no body.
  if (method === 'HEAD') return res.text === '';
  return (
    typeof res.json?.error?.code === 'string' &&
    typeof res.json.error.message === 'string' &&
    !/\bat .+\.(ts|js):\d+/.test(res.text)
  );
}

export function describe(res: RawResponse): string {
  return `${res.status} ${String(res.headers['content-type'] ?? '-')} ${res.text.slice(0, 300)}`;
}

/**
 * Every item of the sessions table, keyed by primary key, as canonical JSON: two snapshots are
 * equal only if nothing was written, changed or deleted.
 */
export async function snapshotTable(stack: LocalStack): Promise<Map<string, string>> {
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: stack.dynamoDbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const items = new Map<string, string>();
  let startKey: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({ TableName: LOCAL_TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? [])
        items.set(`${keyOf(item[PK])}|${keyOf(item[SK])}`, canonical(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return items;
}

const { partitionKey: PK, sortKey: SK } = sessionTable;

function keyOf(value: AttributeValue | undefined): string {
  return value?.S ?? JSON.stringify(value);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Bedrock emulator requests as the `faults` hook saw them, and a switch to fail chosen ones. */
export class BedrockRecorder {
  readonly requests: { operation: string; body: string }[] = [];
  /** Requests whose body contains this marker fail with a retryable 500 until cleared. */
  failMarker: string | undefined;

  readonly hook = (context: FaultContext): void => {
    const body = JSON.stringify(context.body ?? null);
    this.requests.push({ operation: context.operation, body });
    if (this.failMarker && body.includes(this.failMarker)) {
      throw new AwsServiceError('InternalServerException', 'Internal failure (test marker).');
    }
  };

  /** Requests of these operations whose body mentions `text`. */
  count(operations: string | readonly string[], text?: string): number {
    const names = typeof operations === 'string' ? [operations] : operations;
    // Bodies are JSON: compare against the text as JSON would escape it.
    const needle = text === undefined ? undefined : JSON.stringify(text).slice(1, -1);
    return this.requests.filter(
      (r) => names.includes(r.operation) && (needle === undefined || r.body.includes(needle)),
    ).length;
  }
}

export const RAG_OPERATIONS = ['RetrieveAndGenerate', 'RetrieveAndGenerateStream'] as const;

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not met in time');
}

/** `GET /v1/health` still answers 200: the server survived whatever came before. */
export async function expectHealthy(stack: LocalStack): Promise<void> {
  const res = await rawRequest(stack.url, { method: 'GET', path: '/v1/health' });
  expect(res.status, describe(res)).toBe(200);
  expect(res.json).toEqual({ status: 'ok' });
}

/** Transcript messages as the API returns them. */
export interface TranscriptMessage {
  readonly messageId: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly status: string;
  readonly createdAt: string;
}

/** Messages sorted by creation time, then id: the order the API promises. */
export function inStoreOrder(messages: readonly TranscriptMessage[]): TranscriptMessage[] {
  return [...messages].sort((a, b) =>
    a.createdAt === b.createdAt
      ? a.messageId < b.messageId
        ? -1
        : a.messageId > b.messageId
          ? 1
          : 0
      : a.createdAt < b.createdAt
        ? -1
        : 1,
  );
}
