import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

const SCREENSHOTS = join(import.meta.dirname, '__screenshots__');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stack: LocalStack | undefined;
let browser: ChromiumSession | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!('executablePath' in chromium)) return;
  [stack, browser] = await Promise.all([bootStack(), launchChromium(chromium.executablePath)]);
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Records every distinct length the newest answer's text has while it is still streaming. */
const RECORD_GROWTH = `(() => {
  const lengths = [];
  window.__answerLengths = lengths;
  const conversation = document.querySelector('[data-testid="conversation"]');
  new MutationObserver(() => {
    const turns = conversation.querySelectorAll('[data-testid="assistant-turn"]');
    const turn = turns[turns.length - 1];
    if (!turn || !['waiting', 'streaming'].includes(turn.dataset.state)) return;
    const length = turn.querySelector('[data-testid="answer"]').textContent.length;
    if (lengths[lengths.length - 1] !== length) lengths.push(length);
  }).observe(conversation, { childList: true, subtree: true, characterData: true, attributes: true });
})()`;

/** The answer's text without the superscript source numbers. */
const answerText = (n: number) => `(() => {
  const answer = document.querySelectorAll('[data-testid="answer"]')[${n - 1}].cloneNode(true);
  for (const marker of answer.querySelectorAll('sup')) marker.remove();
  return answer.textContent;
})()`;

describe('playground page', () => {
  it('streams an answer with numbered sources, keeps the session for a follow-up and stores a thumbs-up', async (ctx) => {
    if (skipReason || !stack) return ctx.skip(skipReason ?? 'no browser');
    const api = apiClient(stack.url, API_KEY);

    await page.goto(`${stack.url}/`);
    await page.waitForSelector('html[data-ready="true"]');
    // The key comes from /playground/config.json on a fresh profile.
    expect(await page.getByTestId('api-key').inputValue()).toBe(API_KEY);
    await expect.poll(() => page.getByTestId('empty-state').isVisible()).toBe(true);

    await page.evaluate(RECORD_GROWTH);
    const input = page.getByTestId('message-input');
    await input.fill('How do I reset my password?');
    expect(await page.getByTestId('char-counter').textContent()).toBe('27 / 1,000');
    await input.press('Enter');

    // The user's turn shows at once; the answer grows event by event, then settles.
    expect(await page.getByTestId('user-text').first().textContent()).toBe('How do I reset my password?');
    expect(await settledAnswer(page, 1)).toBe('done');
    const lengths = (await page.evaluate('window.__answerLengths')) as number[];
    const grown = lengths.filter((length) => length > 0);
    expect(
      new Set(grown).size,
      `answer lengths seen while streaming: ${lengths.join(', ')}`,
    ).toBeGreaterThanOrEqual(2);
    expect(grown).toEqual([...grown].sort((a, b) => a - b));

    const sessionId = (await page.getByTestId('session-id').textContent()) ?? '';
    expect(sessionId).toMatch(UUID);
    const first = page.getByTestId('assistant-turn').first();
    const messageId = await first.getAttribute('data-message-id');
    expect(messageId).toMatch(UUID);

    // Citations: a superscript number after the cited text, and the numbered source under it.
    expect(await first.getByTestId('citation-marker').first().textContent()).toBe('[1]');
    const source = first.getByTestId('source').first();
    expect(await source.getByTestId('source-number').textContent()).toBe('1');
    expect(await source.getByTestId('source-title').textContent()).toBe('Reset your password');
    expect(((await source.getByTestId('source-excerpt').textContent()) ?? '').length).toBeGreaterThan(20);
    // s3:// is not a web address: shown as text, not as a link.
    expect(await source.getByTestId('source-uri').textContent()).toBe(
      's3://lantern-documents/account/reset-your-password.md',
    );
    expect(await first.getByTestId('source-link').count()).toBe(0);

    // What the page shows is what the API stored.
    const stored = await api.request('GET', `/v1/sessions/${sessionId}`);
    expect(stored.status).toBe(200);
    const storedAnswer = stored.body.messages.find((m: { messageId: string }) => m.messageId === messageId);
    expect(storedAnswer).toMatchObject({ role: 'assistant', status: 'complete' });
    expect(await page.evaluate(answerText(1))).toBe(storedAnswer.text);

    // Thumbs up: both buttons are disabled, the page says thanks, and the API has the rating.
    await first.getByTestId('thumbs-up').click();
    await expect.poll(() => first.getByTestId('feedback-status').textContent()).toMatch(/^Thanks/);
    expect(await first.getByTestId('thumbs-up').getAttribute('aria-pressed')).toBe('true');
    expect(await first.getByTestId('thumbs-up').isDisabled()).toBe(true);
    expect(await first.getByTestId('thumbs-down').isDisabled()).toBe(true);
    const afterFeedback = await api.request('GET', `/v1/sessions/${sessionId}`);
    expect(
      afterFeedback.body.messages.find((m: { messageId: string }) => m.messageId === messageId),
    ).toMatchObject({ role: 'assistant', feedback: { rating: 'up' } });

    // A follow-up stays in the same session.
    await input.fill('What if the link has expired?');
    await input.press('Enter');
    expect(await settledAnswer(page, 2)).toBe('done');
    expect(await page.getByTestId('session-id').textContent()).toBe(sessionId);
    const afterFollowUp = await api.request('GET', `/v1/sessions/${sessionId}`);
    expect(afterFollowUp.body.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'playground.png') });

    // "New conversation" forgets the session; the next question starts another one.
    await page.getByTestId('new-conversation').click();
    expect(await page.getByTestId('assistant-turn').count()).toBe(0);
    expect(await page.getByTestId('session').isHidden()).toBe(true);
    expect(await page.getByTestId('empty-state').isVisible()).toBe(true);
    await input.fill('How do I turn on two-factor authentication?');
    await input.press('Enter');
    expect(await settledAnswer(page, 1)).toBe('done');
    const newSessionId = await page.getByTestId('session-id').textContent();
    expect(newSessionId).toMatch(UUID);
    expect(newSessionId).not.toBe(sessionId);

    expect(pageErrors).toEqual([]);
  });
});
