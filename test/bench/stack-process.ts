/**
 * Child-process entry of the benchmark: boots the local stack on `argv[2]` (any free loopback
 * port), prints one JSON line `{url, emulatorUrl, dynamoDbEndpoint, apiKey, documents}` and serves until its standard
 * input closes. The load generator then runs in another process, as real clients do.
 */
import { API_KEY, bootStack } from '../helpers/local-stack.ts';

const docsDir = process.argv[2];
if (!docsDir) {
  console.error('usage: stack-process.ts DOCS_DIR');
  process.exit(2);
}
const stack = await bootStack({ docsDir });
const { documents } = await stack.ingestion;
process.stdout.write(
  `${JSON.stringify({ url: stack.url, emulatorUrl: stack.emulatorUrl, dynamoDbEndpoint: stack.dynamoDbEndpoint, apiKey: API_KEY, documents })}\n`,
);
let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await stack.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', close);
process.stdin.on('close', close);
process.on('SIGTERM', close);
process.stdin.resume();
