import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { bootStack, tempDir } from '../helpers/local-stack.ts';
import { type ChromiumSession, findChromium, launchChromium, settledAnswer } from './chromium.ts';

// Found (or installed with apt) before the suite, outside any hook timeout; in CI a missing
// browser throws here and fails the run.
const chromium = await findChromium();
const skipReason = 'skipReason' in chromium ? chromium.skipReason : undefined;
if (skipReason) console.warn(`Browser test skipped: ${skipReason}`);

let stack: LocalStack | undefined;
let browser: ChromiumSession | undefined;
let page: Page;

beforeAll(async () => {
  if (!('executablePath' in chromium)) return;
  const docs = tempDir('playground-urls');
  writeFileSync(
    join(docs, 'webhook-retries.md'),
    '---\ntitle: Webhook retries\nurl: https://status.example.com/webhooks\n---\n# Webhook retries\n\nA failed webhook delivery is retried for twenty-four hours.\n',
  );
  [stack, browser] = await Promise.all([
    bootStack({ docsDir: docs, watchDocs: false }),
    launchChromium(chromium.executablePath),
  ]);
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('playground sources with a public url', () => {
  it("links the source to the document's public page, in a new tab", async (ctx) => {
    if (skipReason || !stack) return ctx.skip(skipReason ?? 'no browser');
    await page.goto(`${stack.url}/`);
    await page.waitForSelector('html[data-ready="true"]');
    const input = page.getByTestId('message-input');
    await input.fill('How long is a failed webhook delivery retried?');
    await input.press('Enter');
    expect(await settledAnswer(page, 1)).toBe('done');
    const source = page.getByTestId('assistant-turn').first().getByTestId('source').first();
    expect(await source.getByTestId('source-title').textContent()).toBe('Webhook retries');
    const link = source.getByTestId('source-link');
    expect(await link.getAttribute('href')).toBe('https://status.example.com/webhooks');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await source.getByTestId('source-uri').count()).toBe(0);
  });
});
