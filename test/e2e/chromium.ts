import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const run = promisify(execFile);

/** Where Debian's `chromium` package (and a few look-alikes) put the browser. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const APT_UPDATE_TIMEOUT_MS = 3 * 60_000;
const APT_INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Flags for a machine without network: no sandbox (we run as root in a container), no GPU, and
 * none of the background traffic Chromium starts on its own (updates, sync, QUIC probes).
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** A browser to test with, or the reason there is none (only ever outside CI). */
export type ChromiumLookup = { readonly executablePath: string } | { readonly skipReason: string };

let lookup: Promise<ChromiumLookup> | undefined;

/**
 * Finds Debian's Chromium; when it is missing and we are root on Debian, installs it with apt
 * (bounded in time). Outside CI a browser that cannot be had is a skip with a reason; in CI
 * (`CI` set) it is an error, so a green run always means the browser test ran.
 */
export function findChromium(): Promise<ChromiumLookup> {
  lookup ??= locate();
  return lookup;
}

async function locate(): Promise<ChromiumLookup> {
  const inCi = Boolean(process.env.CI);
  const found = installed();
  if (found) return { executablePath: found };

  const unavailable = (reason: string): ChromiumLookup => {
    if (inCi) throw new Error(`Browser test: ${reason}. CI must run the browser test.`);
    return { skipReason: reason };
  };
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) {
    return unavailable(
      `Chromium not found (looked for ${CANDIDATES.join(', ')}); install Debian's "chromium" package ` +
        '(apt-get install chromium) or run the tests as root on Debian to have them install it',
    );
  }

  console.warn('Browser test: Chromium is missing; installing Debian\'s "chromium" package with apt-get…');
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update'], { env, timeout: APT_UPDATE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
    await run(
      'apt-get',
      ['install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=120', 'chromium'],
      { env, timeout: APT_INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    return unavailable(`installing Chromium with apt-get failed: ${describe(error)}`);
  }
  const after = installed();
  if (!after) return unavailable('apt-get installed "chromium" but no browser is at /usr/bin/chromium');
  console.warn(`Browser test: installed ${after}`);
  return { executablePath: after };
}

function installed(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const failure = error as Error & { killed?: boolean; stderr?: string; code?: unknown };
  if (failure.killed) return 'it took too long and was stopped';
  const stderr = (failure.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  return stderr || failure.message;
}

export interface ChromiumSession {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile (Playwright passes it as `--user-data-dir`). */
export async function launchChromium(executablePath: string): Promise<ChromiumSession> {
  const profile = mkdtempSync(join(tmpdir(), 'lantern-chromium-'));
  const removeProfile = () => rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      viewport: { width: 1100, height: 900 },
      timeout: 30_000,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await removeProfile();
      },
    };
  } catch (error) {
    await removeProfile();
    throw error;
  }
}

// `npx tsx test/e2e/chromium.ts`: find (or install) the browser ahead of a test run.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await findChromium();
  if ('executablePath' in result) console.log(result.executablePath);
  else {
    console.error(`Chromium unavailable: ${result.skipReason}`);
    process.exitCode = 1;
  }
}

/** The state of the playground's n-th answer (1-based) once it has settled, whatever the outcome. */
export async function settledAnswer(page: Page, n: number): Promise<string | null> {
  await page.waitForFunction(
    `(() => {
      const turn = document.querySelectorAll('[data-testid="assistant-turn"]')[${n - 1}];
      return !!turn && !['waiting', 'streaming'].includes(turn.dataset.state);
    })()`,
    undefined,
    { timeout: 20_000 },
  );
  return page
    .getByTestId('assistant-turn')
    .nth(n - 1)
    .getAttribute('data-state');
}
