/**
 * `npm run feedback:export`: the rated answers as JSONL (see `feedback-export.ts` and `--help`).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cliFail, parseCli } from '../../local/cli.ts';
import { startLocalDynamoDb } from '../../local/dynamodb.ts';
import { LOCAL_TABLE_NAME } from '../../local/stack.ts';
import type { Rating } from '../../shared/chat/types.ts';
import { exportFeedback, toJsonl } from './feedback-export.ts';

const usage = `Usage: npm run feedback:export -- [options]

Writes every thumbs-up/down answer as one JSON line:
  {sessionId, messageId, rating, comment?, question, answer, citations, ratedAt}

Where the sessions are (one of):
  --data-dir DIR     the local stack's data directory (default: .lantern/data; stop \`npm start\` first)
  --endpoint URL     a running DynamoDB-compatible endpoint, e.g. a local dynalite
  --table NAME       with neither of the above: the DynamoDB table on AWS (default credentials)

Options:
  --table NAME       table name (default locally: ${LOCAL_TABLE_NAME})
  --region REGION    AWS region (default: AWS_REGION, else us-east-1)
  --rating up|down   only this rating
  --out FILE         write here instead of standard output
  --help             this text`;

function fail(message: string): never {
  return cliFail(usage, message);
}

const args = parseCli(usage, () =>
  parseArgs({
    options: {
      'data-dir': { type: 'string' },
      endpoint: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      rating: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  }),
).values;
if (args['data-dir'] && args.endpoint) fail('give either --data-dir or --endpoint, not both');
if (args.rating !== undefined && args.rating !== 'up' && args.rating !== 'down')
  fail('--rating must be up or down');
if (args.endpoint && !/^https?:\/\/[^\s]+$/.test(args.endpoint)) fail('--endpoint must be an http(s) URL');

const region = args.region ?? process.env.AWS_REGION ?? 'us-east-1';
const onAws = !args.endpoint && !args['data-dir'] && args.table !== undefined;
const tableName = args.table ?? LOCAL_TABLE_NAME;
// Local servers accept any signature; on AWS the default credential chain applies.
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let endpoint = args.endpoint;
let stopLocal = async () => {};
if (!onAws && !endpoint) {
  const dataDir = resolve(args['data-dir'] ?? join(import.meta.dirname, '..', '..', '.lantern', 'data'));
  // dynalite throws from a callback when another process holds the database's lock.
  process.on('uncaughtException', (error) => {
    console.error(
      /database is (closed|not open)|lock/i.test(error.message)
        ? `error: ${dataDir} is in use (is \`npm start\` running? stop it first, or pass --endpoint)`
        : `error: ${error.message}`,
    );
    process.exit(1);
  });
  try {
    const dynamo = await startLocalDynamoDb({ dataDir: join(dataDir, 'dynamodb'), tableName });
    endpoint = dynamo.endpoint;
    stopLocal = dynamo.close;
  } catch (error) {
    const message = (error as Error).message;
    fail(
      /lock/i.test(message)
        ? `${dataDir} is in use (is \`npm start\` running? stop it first, or pass --endpoint)`
        : `cannot open ${dataDir}: ${message}`,
    );
  }
}

const client = new DynamoDBClient({
  region,
  ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
});
const db = DynamoDBDocumentClient.from(client);
try {
  const lines = await exportFeedback({
    db,
    tableName,
    ...(args.rating ? { rating: args.rating as Rating } : {}),
  });
  if (args.out) {
    writeFileSync(resolve(args.out), toJsonl(lines));
    const up = lines.filter((l) => l.rating === 'up').length;
    console.error(`Wrote ${lines.length} rated answers (${up} up, ${lines.length - up} down) to ${args.out}`);
  } else {
    process.stdout.write(toJsonl(lines));
  }
} catch (error) {
  console.error(`error: could not export feedback from ${tableName}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  client.destroy();
  await stopLocal();
}
