import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalGateway, startLocalGateway } from '../../local/gateway/server.ts';
import { type ChromiumSession, findChromium, launchChromium, settledAnswer } from './chromium.ts';

// Found (or installed with apt) before the suite, outside any hook timeout.
const chromium = await findChromium();
const skipReason = 'skipReason' in chromium ? chromium.skipReason : undefined;
if (skipReason) console.warn(`Browser test skipped: ${skipReason}`);

const KEY = 'playground-guardrail-key';
const SESSION = '3f1c2b1e-0000-4000-8000-0000000000aa';
const MESSAGE = '3f1c2b1e-0000-4000-8000-0000000000bb';
const STREAMED = 'The internal escalation line is 555-0100, ask for the duty manager.';
const REVIEWED = 'Sorry, I cannot share that.';

let gateway: LocalGateway | undefined;
let browser: ChromiumSession | undefined;
let page: Page;

beforeAll(async () => {
  if (!('executablePath' in chromium)) return;
  // The real playground, served by the local gateway; only the stream is scripted, in the browser,
  // because the emulator screens an answer whole before streaming it and so never withdraws one.
  [gateway, browser] = await Promise.all([
    startLocalGateway({
      routes: [],
      apiKeys: [KEY],
      port: 0,
      site: { dir: join(import.meta.dirname, '..', '..', 'local', 'playground'), config: { apiKey: KEY } },
    }),
    launchChromium(chromium.executablePath),
  ]);
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const citation = {
  start: 0,
  end: STREAMED.length,
  text: STREAMED,
  references: [{ sourceUri: 's3://docs/escalation.md', title: 'Escalation' }],
};
const head = [
  sse('session', { sessionId: SESSION, messageId: MESSAGE }),
  sse('text', { text: STREAMED.slice(0, 30) }),
  sse('text', { text: STREAMED.slice(30) }),
  sse('citation', { citation }),
];

/** Asks one question with the stream answering `events`; returns the settled turn. */
async function askWithStream(events: readonly string[]) {
  if (!gateway) throw new Error('not started');
  await page.unrouteAll();
  await page.route('**/v1/chat/stream', (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
      body: events.join(''),
    }),
  );
  await page.goto(`${gateway.url}/`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.getByTestId('message-input').fill('Who do I call when it is urgent?');
  await page.getByTestId('message-input').press('Enter');
  await settledAnswer(page, 1);
  const turn = page.getByTestId('assistant-turn').first();
  const notice = turn.getByTestId('guardrail-notice');
  return {
    state: await turn.getAttribute('data-state'),
    answer: await page.evaluate(`(() => {
      const answer = document.querySelector('[data-testid="answer"]').cloneNode(true);
      for (const marker of answer.querySelectorAll('sup')) marker.remove();
      return answer.textContent;
    })()`),
    sources: await turn.getByTestId('source').count(),
    notice: (await notice.isVisible()) ? await notice.textContent() : null,
  };
}

const done = (guardrail: unknown) =>
  sse('done', { sessionId: SESSION, messageId: MESSAGE, answer: REVIEWED, citations: [], guardrail });

describe('playground: the output guardrail intervening after text was streamed', () => {
  it('replaces what it showed with done.answer, sources included', async (ctx) => {
    if (skipReason || !gateway) return ctx.skip(skipReason ?? 'no browser');
    const guardrail = { action: 'INTERVENED', policies: ['output'], replaceAnswer: true };
    const turn = await askWithStream([...head, sse('guardrail', guardrail), done(guardrail)]);
    expect(turn).toEqual({
      state: 'done',
      answer: REVIEWED,
      sources: 0,
      notice:
        'The guardrail intervened in the answer: the text streamed first was withdrawn and this reviewed answer replaces it.',
    });
  });

  it('withdraws the streamed text at once, so it stays hidden when the stream then fails', async (ctx) => {
    if (skipReason || !gateway) return ctx.skip(skipReason ?? 'no browser');
    const turn = await askWithStream([
      ...head,
      // Without `replaceAnswer`, as servers before it sent it: the `output` policy says the same.
      sse('guardrail', { action: 'INTERVENED', policies: ['output'] }),
      sse('text', { text: ' More of the withdrawn answer.' }),
      sse('error', { code: 'UPSTREAM_ERROR', message: 'The answer could not be completed.' }),
    ]);
    expect(turn).toEqual({
      state: 'error',
      answer: '',
      sources: 0,
      notice: 'The guardrail intervened in the answer: the text streamed so far was withdrawn.',
    });
  });

  it('keeps the streamed text when the guardrail only masked the question', async (ctx) => {
    if (skipReason || !gateway) return ctx.skip(skipReason ?? 'no browser');
    const guardrail = { action: 'INTERVENED', policies: ['sensitiveInformationPolicy'] };
    const turn = await askWithStream([
      head[0] ?? '',
      sse('guardrail', guardrail),
      ...head.slice(1),
      sse('done', {
        sessionId: SESSION,
        messageId: MESSAGE,
        answer: STREAMED,
        citations: [citation],
        guardrail,
      }),
    ]);
    expect(turn).toEqual({
      state: 'done',
      answer: STREAMED,
      sources: 1,
      notice: 'The guardrail masked personal information in your question before it was answered and stored.',
    });
  });
});
