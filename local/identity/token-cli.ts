/**
 * `npm run token -- --user alice --issuer URL`: a token of the local issuer `npm start` runs, to send
 * as `Authorization: Bearer`. Prints the token alone, so `$(npm run -s token -- ...)` captures it.
 */
import { parseArgs } from 'node:util';
import { cliFail, parseCli } from '../cli.ts';

const usage = `Usage: npm run -s token -- --user NAME --issuer URL [--ttl SECONDS]

  --user NAME     who signs in (1-64 letters, digits, . _ @ -); each name owns its own sessions
  --issuer URL    the local issuer npm start printed (http://127.0.0.1:PORT)
  --ttl SECONDS   how long the token lasts (default: 3600)
  --help          this text`;

const args = parseCli(usage, () =>
  parseArgs({
    options: {
      user: { type: 'string' },
      issuer: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

if (!args.user) cliFail(usage, '--user is required');
if (!args.issuer) cliFail(usage, '--issuer is required (npm start prints it)');
let issuer: URL;
try {
  issuer = new URL(args.issuer);
} catch {
  cliFail(usage, `--issuer ${args.issuer} is not a URL`);
}
// The local issuer mints for anyone who asks: it is only ever on loopback.
if (issuer.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(issuer.hostname)) {
  cliFail(usage, '--issuer must be the local issuer on 127.0.0.1');
}
const ttlSeconds = Number(args.ttl);

const response = await fetch(new URL('/token', issuer), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ user: args.user, ttlSeconds }),
  signal: AbortSignal.timeout(5_000),
}).catch((error: unknown) =>
  cliFail(usage, `the issuer at ${issuer.origin} did not answer: ${(error as Error).message}`),
);
const body = (await response.json().catch(() => undefined)) as
  | { token?: string; error?: { message?: string } }
  | undefined;
if (!response.ok || !body?.token)
  cliFail(usage, body?.error?.message ?? `the issuer answered ${response.status}`);
console.log(body.token);
