import type { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installLambdaStreamingGlobals } from '../../local/gateway/lambda-streaming.ts';
import { type LocalGateway, startLocalGateway } from '../../local/gateway/server.ts';
import { API_KEY } from '../helpers/local-stack.ts';

/**
 * The local gateway's STREAM mode with a handler that writes its prelude and then waits for the
 * test to let it go on: the status and headers must reach the client before any event does.
 */
let gateway: LocalGateway;
let release: () => void = () => undefined;

beforeAll(async () => {
  installLambdaStreamingGlobals();
  const waitsBeforeItsFirstEvent = awslambda.streamifyResponse(
    async (_event: unknown, responseStream: Writable) => {
      const stream = awslambda.HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
      });
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      stream.write('event: text\ndata: {"text":"late"}\n\n');
      stream.end();
    },
  );
  const stopsAfterItsPrelude = awslambda.streamifyResponse(
    async (_event: unknown, responseStream: Writable) => {
      awslambda.HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { 'content-type': 'text/event-stream' },
      }).write('event: text\ndata: {"text":"first"}\n\n');
      await new Promise(() => undefined);
    },
  );
  const neverStarts = awslambda.streamifyResponse(async () => new Promise(() => undefined));
  gateway = await startLocalGateway({
    routes: [
      {
        method: 'POST',
        resource: '/cut-stream',
        handler: stopsAfterItsPrelude,
        apiKeyRequired: true,
        functionName: 'cut-stream',
        timeoutSeconds: 0.3,
      },
      {
        method: 'POST',
        resource: '/silent-stream',
        handler: neverStarts,
        apiKeyRequired: true,
        functionName: 'silent-stream',
        timeoutSeconds: 0.3,
      },
      {
        method: 'POST',
        resource: '/slow-stream',
        handler: waitsBeforeItsFirstEvent,
        apiKeyRequired: true,
        functionName: 'slow-stream',
        timeoutSeconds: 10,
      },
    ],
    apiKeys: [API_KEY],
  });
});
afterAll(() => gateway?.close());

describe('streaming through the local gateway', () => {
  it('sends the status and headers as soon as the prelude is written, before the first event', async () => {
    const response = await fetch(`${gateway.url}/slow-stream`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: '{}',
    });
    // Only now may the handler write its event: had the headers waited for it, fetch would hang.
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    release();
    expect(await response.text()).toBe('event: text\ndata: {"text":"late"}\n\n');
  });

  it('cuts the connection when the function times out mid-answer, after what it had sent', async () => {
    const response = await fetch(`${gateway.url}/cut-stream`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe('event: text\ndata: {"text":"first"}\n\n');
    await expect(reader?.read()).rejects.toThrow();
  });

  it('answers 502 when the function times out before its prelude, as for any function error', async () => {
    const response = await fetch(`${gateway.url}/silent-stream`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
      body: '{}',
    });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
  });
});
