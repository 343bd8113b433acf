import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installLambdaRuntime } from '../../local/gateway/lambda-runtime.ts';
import type { LocalStack, LocalStackOptions } from '../../local/stack.ts';

// Scripts boot stacks in this process too (eval, bench, load). Powertools reads its switches when
// first loaded, as on Lambda where the runtime sets them before a handler loads: set here, before the
// stack's code is imported below, and quiet unless the caller already asked for more.
installLambdaRuntime('SILENT');

export const SAMPLE_KB = join(import.meta.dirname, '..', '..', 'local', 'sample-kb');

export const API_KEY = 'test-key-alice-0001';
export const OTHER_API_KEY = 'test-key-bob-00002';
export const ADMIN_KEY = 'test-admin-key-0003';

/** Boots the real local stack on loopback (random ports) and waits for ingestion. */
export async function bootStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  const { startLocalStack } = await import('../../local/stack.ts');
  const stack = await startLocalStack({
    docsDir: SAMPLE_KB,
    apiKeys: [API_KEY, OTHER_API_KEY],
    adminKeys: [ADMIN_KEY],
    port: 0,
    logLevel: 'SILENT',
    ...overrides,
  });
  await stack.ingestion;
  return stack;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lantern-${prefix}-`));
}

export interface ApiClient {
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  chat(message: string, sessionId?: string): Promise<ApiResponse>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  readonly body: any;
  readonly text: string;
}

/** A tiny client for the public API; `body` strings are sent as-is so tests can send broken JSON. */
export function apiClient(baseUrl: string, apiKey: string | null = API_KEY): ApiClient {
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  return {
    request,
    chat: (message, sessionId) =>
      request('POST', '/v1/chat', { message, ...(sessionId ? { sessionId } : {}) }),
  };
}
