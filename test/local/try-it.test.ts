/**
 * The "Try it" lines `npm start` prints, pasted into a shell as a newcomer would: against a stack
 * booted in each `--auth` mode, they must be answered 200 with an answer, not refused.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAuth } from '../../local/identity/local-identity.ts';
import type { LocalStack } from '../../local/stack.ts';
import { tryItLines } from '../../local/try-it.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** The lines run by bash in the repository, as pasted: the curl's output is the API's body. */
async function paste(lines: readonly string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  const script = `${lines.join('\n')} -w '\\n%{http_code}'`;
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const lastBreak = stdout.lastIndexOf('\n');
  const text = stdout.slice(0, lastBreak);
  return { status: Number(stdout.slice(lastBreak + 1)), body: text ? JSON.parse(text) : {} };
}

describe.each<RouteAuth>(['api-key', 'jwt', 'both'])(
  'npm start --auth %s: the printed Try it lines',
  (auth) => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await bootStack({ auth: { chat: auth, sessions: auth } });
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
    });

    const linesFor = () =>
      tryItLines({
        url: stack.url,
        apiKey: API_KEY,
        auth,
        tokenCommand: stack.identity.tokenCommand('alice'),
      });

    it('get an answer to the sample question', async () => {
      const { status, body } = await paste(linesFor());
      expect(status).toBe(200);
      expect(body).toMatchObject({
        sessionId: expect.any(String),
        answer: expect.stringMatching(/password/i),
      });
    }, 90_000);

    it('send exactly the credentials the mode asks for', () => {
      const lines = linesFor();
      const curl = lines.at(-1) ?? '';
      expect(curl.includes(`x-api-key: ${API_KEY}`)).toBe(auth !== 'jwt');
      expect(curl.includes('authorization: Bearer $TOKEN')).toBe(auth !== 'api-key');
      expect(lines).toHaveLength(auth === 'api-key' ? 1 : 2);
      if (auth !== 'api-key')
        expect(lines[0]).toBe(
          `TOKEN=$(npm run -s token -- --user alice --issuer ${stack.identity.issuer.url})`,
        );
    });
  },
);

describe('the API-key line alone', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await bootStack({ auth: { chat: 'jwt', sessions: 'jwt' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('is refused 401 by a stack that takes tokens, which is why the banner follows --auth', async () => {
    const lines = tryItLines({
      url: stack.url,
      apiKey: API_KEY,
      auth: 'api-key',
      tokenCommand: stack.identity.tokenCommand('alice'),
    });
    const { status } = await paste(lines);
    expect(status).toBe(401);
  }, 60_000);
});
