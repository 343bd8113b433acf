import { request as httpRequest } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, apiClient, bootStack } from '../helpers/local-stack.ts';
import { type ChromiumSession, findChromium, launchChromium, settledAnswer } from './chromium.ts';

// Found (or installed with apt) before the suite, outside any hook timeout; in CI a missing
// browser throws here and fails the run.
const chromium = await findChromium();
const skipReason = 'skipReason' in chromium ? chromium.skipReason : undefined;
if (skipReason) console.warn(`Browser test skipped: ${skipReason}`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stack: LocalStack | undefined;
let browser: ChromiumSession | undefined;
let page: Page;
const pageErrors: string[] = [];
/** The credentials each API call of the page carried, in order. */
const apiCalls: { path: string; authorization?: string; apiKey?: string }[] = [];

beforeAll(async () => {
  // The issuer's HTTP checks below need no browser; the stack boots either way.
  const booting = bootStack({ auth: { chat: 'jwt', sessions: 'jwt' } });
  if (!('executablePath' in chromium)) {
    stack = await booting;
    return;
  }
  [stack, browser] = await Promise.all([booting, launchChromium(chromium.executablePath)]);
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/v1/')) return;
    const headers = request.headers();
    apiCalls.push({
      path,
      ...(headers.authorization ? { authorization: headers.authorization } : {}),
      ...(headers['x-api-key'] ? { apiKey: headers['x-api-key'] } : {}),
    });
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function signInAs(user: string): Promise<void> {
  await page.getByTestId('sign-in-user').fill(user);
  await page.getByTestId('sign-in-button').click();
  // The list is stamped with its user once GET /v1/sessions answered for that user's token.
  await page.waitForSelector(`[data-testid="session-list"][data-user="${user}"]`, {
    state: 'attached',
    timeout: 10_000,
  });
  expect(await page.getByTestId('signed-in').textContent()).toBe(`Signed in as ${user}`);
}

/** The session ids the page lists as the signed-in user's. */
function listedSessions(): Promise<string[]> {
  return page.$$eval('[data-testid="session-item"]', (items) =>
    items.map((item) => item.getAttribute('data-session-id') ?? ''),
  );
}

async function ask(question: string, n: number): Promise<string> {
  const input = page.getByTestId('message-input');
  await input.fill(question);
  await input.press('Enter');
  expect(await settledAnswer(page, n)).toBe('done');
  expect(
    (
      (await page
        .getByTestId('answer')
        .nth(n - 1)
        .textContent()) ?? ''
    ).length,
  ).toBeGreaterThan(20);
  const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
  expect(sessionId).toMatch(UUID);
  return sessionId;
}

describe('playground sign-in (local stack with --auth jwt)', () => {
  it('signs in as a test user, answers with its token, and lists each user only their own sessions', async (ctx) => {
    if (skipReason || !stack) return ctx.skip(skipReason ?? 'no browser');
    await page.goto(`${stack.url}/`);
    await page.waitForSelector('html[data-ready="true"]');
    // The config says chat and sessions take tokens: the key field goes, the sign-in control shows.
    expect(await page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('api-key').isVisible()).toBe(false);

    // Not signed in yet: the page says so instead of sending a call the gateway would refuse.
    await page.getByTestId('message-input').fill('How do I reset my password?');
    await page.getByTestId('message-input').press('Enter');
    expect(await page.getByTestId('composer-error').textContent()).toMatch(/Sign in/);
    expect(await page.getByTestId('assistant-turn').count()).toBe(0);

    await signInAs('alice');
    expect(await listedSessions()).toEqual([]);
    const callsBefore = apiCalls.length;
    const aliceSession = await ask('How do I reset my password?', 1);
    await expect.poll(listedSessions, { timeout: 10_000 }).toEqual([aliceSession]);
    expect(await page.getByTestId('session-count').textContent()).toBe('1');
    // The page's calls carried alice's token, and no API key (the routes take none).
    const calls = apiCalls.slice(callsBefore);
    expect(calls.map((call) => call.path)).toContain('/v1/chat/stream');
    for (const call of calls) {
      expect(call.authorization, call.path).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(call.apiKey, call.path).toBeUndefined();
    }

    // The API agrees: the session is alice's, as any token of hers sees it.
    const asAlice = apiClient(stack.url, null);
    const aliceHeaders = { authorization: `Bearer ${stack.identity.issuer.mint('alice')}` };
    const aliceList = await asAlice.request('GET', '/v1/sessions', undefined, aliceHeaders);
    expect(aliceList.status).toBe(200);
    expect(aliceList.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([aliceSession]);

    // Bob signs in on the same page: alice's conversation leaves the page and her session is not his.
    await page.getByTestId('sign-out').click();
    expect(await page.getByTestId('assistant-turn').count()).toBe(0);
    expect(await page.getByTestId('session').isHidden()).toBe(true);
    await signInAs('bob');
    expect(await listedSessions()).toEqual([]);
    expect(await page.getByTestId('session-count').textContent()).toBe('0');
    const bobSession = await ask('How do I turn on two-factor authentication?', 1);
    expect(bobSession).not.toBe(aliceSession);
    await expect.poll(listedSessions, { timeout: 10_000 }).toEqual([bobSession]);

    // A reload keeps bob signed in (the tab's storage) and brings his conversation back.
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    expect(await page.getByTestId('signed-in').textContent()).toBe('Signed in as bob');
    await expect.poll(() => page.getByTestId('session-id').textContent()).toBe(bobSession);
    expect(await listedSessions()).toEqual([bobSession]);

    const bobHeaders = { authorization: `Bearer ${stack.identity.issuer.mint('bob')}` };
    const bobList = await asAlice.request('GET', '/v1/sessions', undefined, bobHeaders);
    expect(bobList.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([bobSession]);
    expect((await asAlice.request('GET', `/v1/sessions/${aliceSession}`, undefined, bobHeaders)).status).toBe(
      404,
    );

    expect(pageErrors).toEqual([]);
  });
});

describe("the local issuer's token endpoint from a browser", () => {
  it("answers the playground's origin with CORS and refuses any other page", async () => {
    if (!stack) throw new Error('no stack');
    const token = new URL('/token', stack.identity.issuer.url);
    const playground = stack.url;
    const body = JSON.stringify({ user: 'carol' });

    const preflight = await fetch(token, {
      method: 'OPTIONS',
      headers: {
        origin: playground,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(playground);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');

    const minted = await fetch(token, {
      method: 'POST',
      headers: { origin: playground, 'content-type': 'application/json' },
      body,
    });
    expect(minted.status).toBe(200);
    expect(minted.headers.get('access-control-allow-origin')).toBe(playground);
    expect(((await minted.json()) as { token: string }).token.split('.')).toHaveLength(3);

    const elsewhere = 'http://127.0.0.1:9';
    const foreignPreflight = await fetch(token, {
      method: 'OPTIONS',
      headers: { origin: elsewhere, 'access-control-request-method': 'POST' },
    });
    expect(foreignPreflight.status).toBe(403);
    expect(foreignPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const foreign = await fetch(token, {
      method: 'POST',
      headers: { origin: elsewhere, 'content-type': 'text/plain' },
      body,
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'Origin not allowed' } });

    // `npm run token` sends no Origin: still served.
    const cli = await fetch(token, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(cli.status).toBe(200);
  });

  it('answers only requests addressed to loopback (a rebound name is refused)', async () => {
    if (!stack) throw new Error('no stack');
    const { port } = new URL(stack.identity.issuer.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/token',
          headers: { host: `rebound.example:${port}`, 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ user: 'mallory' }));
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});

describe('playground sign-in (local stack with --auth both)', () => {
  let both: LocalStack | undefined;
  let bothPage: Page | undefined;

  beforeAll(async () => {
    if (!browser) return;
    both = await bootStack({ auth: { chat: 'both', sessions: 'both' } });
    bothPage = await browser.context.newPage();
  });

  afterAll(async () => {
    await bothPage?.close();
    await both?.close();
  });

  it('sends the API key and the token together, and answers', async (ctx) => {
    if (skipReason || !both || !bothPage) return ctx.skip(skipReason ?? 'no browser');
    const p = bothPage;
    const sent: { path: string; authorization?: string; apiKey?: string }[] = [];
    p.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      const headers = request.headers();
      if (path.startsWith('/v1/'))
        sent.push({ path, authorization: headers.authorization, apiKey: headers['x-api-key'] });
    });
    await p.goto(`${both.url}/`);
    await p.waitForSelector('html[data-ready="true"]');
    // Both groups take the key as well: its field stays, beside the sign-in control.
    expect(await p.getByTestId('api-key').isVisible()).toBe(true);
    expect(await p.getByTestId('sign-in').isVisible()).toBe(true);
    await p.getByTestId('sign-in-user').fill('carol');
    await p.getByTestId('sign-in-button').click();
    await p.waitForSelector('[data-testid="session-list"][data-user="carol"]', {
      state: 'attached',
      timeout: 10_000,
    });
    await p.getByTestId('message-input').fill('How do I reset my password?');
    await p.getByTestId('message-input').press('Enter');
    expect(await settledAnswer(p, 1)).toBe('done');
    expect(sent.map((call) => call.path)).toContain('/v1/chat/stream');
    for (const call of sent) {
      expect(call.apiKey, call.path).toBe(API_KEY);
      expect(call.authorization, call.path).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    }
  });
});
