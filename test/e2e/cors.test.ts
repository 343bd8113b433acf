import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { type ChromiumSession, findChromium, launchChromium } from './chromium.ts';

// Found (or installed with apt) before the suite, outside any hook timeout.
const chromium = await findChromium();
const skipReason = 'skipReason' in chromium ? chromium.skipReason : undefined;
if (skipReason) console.warn(`Browser test skipped: ${skipReason}`);

/** A page on its own loopback port: another origin than the API's. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>another site</title><p>calls the Lantern API</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let stack: LocalStack | undefined;
let browser: ChromiumSession | undefined;
const pages: { server: Server; origin: string }[] = [];

beforeAll(async () => {
  if (!('executablePath' in chromium)) return;
  pages.push(await startPageServer(), await startPageServer());
  const [allowed] = pages;
  [stack, browser] = await Promise.all([
    bootStack({ corsOrigins: [allowed?.origin ?? ''] }),
    launchChromium(chromium.executablePath),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  for (const { server } of pages) server.close();
});

interface Outcome {
  readonly status?: number;
  readonly contentType?: string | null;
  readonly text?: string;
  readonly error?: string;
}

/**
 * Runs in the page: the calls a browser app makes, each reduced to what the page could read (or
 * the error fetch rejected with).
 */
const CALLS = `async ({ api, key }) => {
  const call = async (path, init) => {
    try {
      const response = await fetch(api + path, init);
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        text: await response.text(),
      };
    } catch (error) {
      return { error: error.name };
    }
  };
  const post = (body, withKey = true) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(withKey ? { 'x-api-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    chat: await call('/v1/chat', post({ message: 'How do I reset my password?' })),
    stream: await call('/v1/chat/stream', post({ message: 'How do I reset my password?' })),
    invalid: await call('/v1/chat', post({ message: '' })),
    noKey: await call('/v1/chat', post({ message: 'hello' }, false)),
  };
}`;

async function callFrom(origin: string): Promise<Record<'chat' | 'stream' | 'invalid' | 'noKey', Outcome>> {
  if (!browser || !stack) throw new Error('not started');
  const page: Page = await browser.context.newPage();
  try {
    await page.goto(`${origin}/`);
    return await page.evaluate(`(${CALLS})(${JSON.stringify({ api: stack.url, key: API_KEY })})`);
  } finally {
    await page.close();
  }
}

describe('the API called from another origin in Chromium', () => {
  it('lets a page on an allowed origin read JSON answers, the whole SSE stream and errors', async (ctx) => {
    if (skipReason || !stack) return ctx.skip(skipReason ?? 'no browser');
    const { chat, stream, invalid, noKey } = await callFrom(pages[0]?.origin ?? '');

    expect(chat.error).toBeUndefined();
    expect(chat.status).toBe(200);
    expect(JSON.parse(chat.text ?? '{}').answer.length).toBeGreaterThan(20);

    expect(stream.error).toBeUndefined();
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    const events = [...(stream.text ?? '').matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('session');
    expect(events).toContain('text');
    expect(events.at(-1)).toBe('done');

    // A handler's 4xx and the gateway's own 401 are readable too, so the page can say what is wrong.
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text ?? '{}').error.code).toBe('VALIDATION_ERROR');
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.text ?? '{}').error.code).toBe('UNAUTHORIZED');
  });

  it('blocks every response to a page on an origin that is not listed', async (ctx) => {
    if (skipReason || !stack) return ctx.skip(skipReason ?? 'no browser');
    const outcomes = await callFrom(pages[1]?.origin ?? '');
    expect(outcomes).toEqual({
      chat: { error: 'TypeError' },
      stream: { error: 'TypeError' },
      invalid: { error: 'TypeError' },
      noKey: { error: 'TypeError' },
    });
  });
});
