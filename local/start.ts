/**
 * `npm start`: Lantern offline on this machine. See `--help`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { AnswerSettingsError } from '../config/answer-settings.ts';
import { ingestionSettings } from '../config/ingestion.ts';
import { parseCorsConfig } from '../shared/config.ts';
import { type FaultSettings, parseFaults } from './bedrock-emulator/index.ts';
import { cliFail, parseCli } from './cli.ts';
import { installLambdaRuntime } from './gateway/lambda-runtime.ts';
import { tryItLines } from './try-it.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm start -- [options]

  --docs DIR        documents to ingest (default: the bundled sample knowledge base); changes to
                    its files are synced after a second of quiet, as S3 events do on AWS
  --confluence DIR  a folder of exported Confluence pages with a pages.json manifest of their URLs,
                    added as a second data source (try local/sample-confluence); synced hourly
  --port N          port of the local API (default: 3000)
  --cors-origin O   a browser origin allowed to call the API from another page, such as
                    http://localhost:5173 (repeat it or separate with commas; * for any);
                    the playground's own origin is always allowed
  --api-key KEY     API key clients send as x-api-key (default: lantern-dev-key)
  --admin-key KEY   admin key for /v1/admin routes, sent as x-admin-key (default: lantern-admin-dev-key)
  --data-dir DIR    where sessions are kept between runs (default: .lantern/data)
  --auth MODE       how the chat and sessions routes authenticate: api-key (default), jwt (a user
                    or visitor token as Authorization: Bearer) or both
  --profiles FILE   answer settings (see config/answer-settings.example.json): filterable attributes,
                    the defaults and a profile per tenant; each profile's localApiKey is accepted as
                    an x-api-key answering with that profile (filter, models, prompt, reranking)
  --faults SPEC     inject Bedrock faults, e.g. throttle=0.3,error=0.05,latencyMs=200,streamCutAfter=3
  --verbose         log every handler line, not only warnings
  --help            this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const args = parseCli(usage, () =>
  parseArgs({
    options: {
      docs: { type: 'string', default: join(projectRoot, 'local', 'sample-kb') },
      confluence: { type: 'string' },
      port: { type: 'string', default: '3000' },
      'cors-origin': { type: 'string', multiple: true, default: [] },
      'api-key': { type: 'string', default: 'lantern-dev-key' },
      'admin-key': { type: 'string', default: 'lantern-admin-dev-key' },
      'data-dir': { type: 'string', default: join(projectRoot, '.lantern', 'data') },
      faults: { type: 'string' },
      auth: { type: 'string', default: 'api-key' },
      profiles: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;

const docsDir = resolve(args.docs);
if (!existsSync(docsDir) || !statSync(docsDir).isDirectory()) fail(`--docs ${args.docs} is not a directory`);
const confluenceDir = args.confluence === undefined ? undefined : resolve(args.confluence);
if (confluenceDir && !existsSync(join(confluenceDir, 'pages.json'))) {
  fail(`--confluence ${args.confluence} must be a folder with a pages.json manifest`);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a number between 0 and 65535`);
const apiKey = args['api-key'];
if (apiKey.length < 8) fail('--api-key must be at least 8 characters');

const profilesFile = args.profiles === undefined ? undefined : resolve(args.profiles);
if (profilesFile && !existsSync(profilesFile)) fail(`--profiles ${args.profiles} does not exist`);

const auth = args.auth;
if (auth !== 'api-key' && auth !== 'jwt' && auth !== 'both') fail('--auth must be api-key, jwt or both');

const corsValues = args['cors-origin'].flatMap((value) => value.split(',')).map((value) => value.trim());
// The handlers' own parser, so a value npm start accepts is one they accept.
const badOrigin = corsValues.find((value) => {
  try {
    parseCorsConfig({ CORS_ALLOW_ORIGINS: value });
    return false;
  } catch {
    return true;
  }
});
if (badOrigin !== undefined) {
  fail(
    `--cors-origin ${badOrigin} is not an origin such as http://localhost:5173 (scheme, host, port; no path), or *`,
  );
}
const corsOrigins = parseCorsConfig({ CORS_ALLOW_ORIGINS: corsValues.join(',') }).allowOrigins;

let faultSettings: FaultSettings | undefined;
try {
  faultSettings = args.faults === undefined ? undefined : parseFaults(args.faults);
} catch (error) {
  fail(`--faults: ${(error as Error).message}`);
}

const interactive = process.stderr.isTTY;
const bar = interactive
  ? new cliProgress.SingleBar(
      {
        format: 'Ingesting {bar} {value}/{total} documents  {file}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    )
  : undefined;
let lastLogged = -1;

const logLevel = args.verbose ? 'INFO' : 'WARN';
// Powertools reads its switches when first loaded: set them before the handlers' code is.
installLambdaRuntime(logLevel);
const { startLocalStack } = await import('./stack.ts');
const stack = await startLocalStack({
  docsDir,
  apiKeys: [apiKey],
  adminKeys: [args['admin-key']],
  port,
  corsOrigins,
  dataDir: resolve(args['data-dir']),
  auth: { chat: auth, sessions: auth },
  logLevel,
  ...(profilesFile ? { answerSettingsFile: profilesFile } : {}),
  ...(faultSettings ? { faultSettings } : {}),
  ...(confluenceDir
    ? { confluenceDir, confluenceSyncIntervalMs: ingestionSettings.confluenceSyncIntervalMinutes * 60_000 }
    : {}),
  onDocsSync: ({ records, failed, ms }) =>
    console.log(
      failed === 0
        ? `Synced ${records} change${records === 1 ? '' : 's'} in ${args.docs} (${ms} ms)`
        : `Sync of ${records} change${records === 1 ? '' : 's'} in ${args.docs} will be retried (Bedrock busy)`,
    ),
  onIngestProgress: ({ done, total, file }) => {
    if (bar) {
      if (done === 0 || !bar.getTotal()) bar.start(total, done, { file: '' });
      bar.update(done, { file });
      return;
    }
    // Without a terminal, a line per tenth of the way is enough.
    const step = Math.floor((done / Math.max(total, 1)) * 10);
    if (step !== lastLogged) {
      lastLogged = step;
      console.log(`Ingesting ${done}/${total} documents`);
    }
  },
  onRequest: ({ method, path, status, ms }) => console.log(`${method} ${path} → ${status} (${ms} ms)`),
}).catch((error: unknown) => {
  if (error instanceof AnswerSettingsError) fail(`--profiles: ${error.message}`);
  const reason =
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port ${port} is already in use (try --port)`
      : String(error);
  fail(`could not start: ${reason}`);
});

const shutdown = async () => {
  bar?.stop();
  await stack.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

try {
  const { documents, chunks } = await stack.ingestion;
  bar?.stop();
  console.log(
    `\nIngested ${documents} documents (${chunks} chunks) from ${docsDir}${confluenceDir ? ` and ${confluenceDir}` : ''}`,
  );
} catch (error) {
  bar?.stop();
  console.error(`Ingestion failed: ${(error as Error).message}`);
  await stack.close();
  process.exit(1);
}

const awsLines = stack.aws.services
  .map((s) => `  ${s.service.padEnd(22)} ${s.url}\n    ${s.example}`)
  .join('\n');
const tryIt = tryItLines({
  url: stack.url,
  apiKey,
  auth,
  tokenCommand: stack.identity.tokenCommand('alice'),
});
console.log(`
Lantern is running offline at ${stack.url}
  API key (x-api-key):     ${apiKey}
  Admin key (x-admin-key): ${args['admin-key']}
  Health:                  ${stack.url}/v1/health
  Chat and sessions take:  ${auth === 'api-key' ? 'the API key (--auth jwt or both for tokens)' : auth === 'jwt' ? 'a token (Authorization: Bearer)' : 'the API key and a token'}
  Sign in as a user:       ${stack.identity.tokenCommand('alice')}${auth === 'api-key' ? '' : '\n                           (or in the playground: "Sign in as" at the top of the page)'}
  Token for a visitor:     curl -s -X POST ${stack.url}/v1/visitor-tokens -H 'x-api-key: ${apiKey}'${describeProfiles(stack.profiles)}

Try it${auth === 'api-key' ? '' : ' (from this repository, where npm run token works)'}:
  ${tryIt.join('\n  ')}

Cross-origin pages allowed to call it: ${describeOrigins(stack.corsAllowOrigins)}

Local AWS endpoints (region ${stack.aws.region}; any credentials work, e.g.
  AWS_ACCESS_KEY_ID=${stack.aws.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${stack.aws.credentials.secretAccessKey} AWS_REGION=${stack.aws.region}):
${awsLines}

Edit files in ${docsDir} and they are re-ingested a second later; reload by hand with
  npm run kb:sync -- --url ${stack.url} --admin-key ${args['admin-key']}

Press Ctrl+C to stop.`);
if (faultSettings) console.log(`Injecting Bedrock faults: ${args.faults}`);

function describeOrigins(origins: readonly string[]): string {
  if (origins.includes('*')) return 'any (--cors-origin *)';
  return origins.length > 0 ? origins.join(', ') : 'none (add some with --cors-origin)';
}

function describeProfiles(profiles: readonly { profile: string; apiKey: string }[]): string {
  if (!profilesFile) return '';
  const lines = profiles.map(({ profile, apiKey }) => `\n    ${profile.padEnd(20)} x-api-key: ${apiKey}`);
  return `\n  Answer profiles (${profilesFile}; other keys get its defaults):${lines.join('') || ' none with a localApiKey'}`;
}
