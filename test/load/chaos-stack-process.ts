/**
 * Child-process entry of the chaos run: boots the local stack with dynalite on disk under the given
 * data folder (so a `kill -9` and a restart find the sessions again) on a fixed or free loopback
 * port, prints one JSON line `{url, dynamoDbEndpoint}` once it serves, and serves until its
 * standard input closes. A line `stats` on standard input answers one JSON line with the faults
 * injected so far, so the parent can read them before it kills this process.
 *
 * Argument: one JSON object, {@link ChaosStackConfig}.
 */
import { createInterface } from 'node:readline';
import type { FaultContext } from '../../local/bedrock-emulator/index.ts';
import type { LocalStack } from '../../local/stack.ts';
import { bootStack } from '../helpers/local-stack.ts';

export interface ChaosStackConfig {
  readonly dataDir: string;
  /** 0 picks a free port; a restart passes the port of the first run so clients keep their URL. */
  readonly port: number;
  /** Share of Bedrock runtime requests answered with ThrottlingException. */
  readonly throttle: number;
  /** Share of answer streams cut after `streamCutAfter` events. */
  readonly streamCutShare: number;
  readonly streamCutAfter: number;
}

export interface ChaosStackStats {
  readonly throttles: number;
  readonly streamCuts: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChaosStackConfig;
let stack: LocalStack | undefined;
let streamCuts = 0;

// The emulator's stream-cut setting applies to every stream it starts, and it reads the setting when
// a stream starts, right after this hook: rolling per request here cuts a share of them. Two
// streams starting together may swap their rolls, which leaves the share as it is.
const cutSomeStreams = ({ operation }: FaultContext) => {
  if (operation !== 'RetrieveAndGenerateStream' || !stack) return;
  const cut = Math.random() < config.streamCutShare;
  if (cut) streamCuts++;
  stack.emulator.faults.set({
    ...stack.emulator.faults.settings,
    streamCutAfter: cut ? config.streamCutAfter : undefined,
  });
};

stack = await bootStack({
  dataDir: config.dataDir,
  port: config.port,
  watchDocs: false,
  faultSettings: { throttle: config.throttle },
  faults: cutSomeStreams,
});
process.stdout.write(`${JSON.stringify({ url: stack.url, dynamoDbEndpoint: stack.dynamoDbEndpoint })}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'stats' || !stack) return;
  const stats: ChaosStackStats = { throttles: stack.emulator.faults.injected.throttle, streamCuts };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
});
let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await stack?.close().catch(() => undefined);
  process.exit(0);
};
lines.on('close', close);
process.on('SIGTERM', close);
