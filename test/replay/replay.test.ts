import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReplayContext, replayConfig } from './context.ts';
import { loadRecordings, operationKey, RECORDINGS_DIR } from './recordings.ts';
import { REPLAYERS } from './replayers/index.ts';
import { WireServer } from './wire-server.ts';

const recordings = loadRecordings();
const passed = new Map<string, string[]>();
let context: ReplayContext;

beforeAll(async () => {
  // The SDK's credential chain reads these; the loopback server ignores the signature.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'replay');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'replay');
  const wire = await WireServer.start();
  context = { wire, config: replayConfig(wire.url) };
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await context?.wire.close();
  const lines = [...passed].map(([key, runs]) => `  ${key}: ${runs.length} recording(s), ${runs.join(', ')}`);
  console.info(`Recordings replayed through Lantern (${RECORDINGS_DIR}):\n${lines.join('\n')}`);
});

describe('AWS recordings replayed through Lantern', () => {
  it('finds the recordings', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  it('has no replayer for a recording of an operation nobody wrote one for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-recordings-'));
    try {
      const recording = {
        service: 'bedrock-runtime',
        operation: 'InvokeModel',
        kind: 'captured',
        payload: {},
      };
      writeFileSync(join(dir, 'bedrock-runtime-InvokeModel-1.json'), JSON.stringify(recording));
      const [dropped] = loadRecordings(dir);
      expect(dropped && REPLAYERS[operationKey(dropped)]).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(recordings.map((r) => [r.file, r] as const))('%s', async (_file, recording) => {
    const key = operationKey(recording);
    const replayer = REPLAYERS[key];
    if (!replayer) expect.fail(`No replayer for ${key} (${recording.file}): add one to test/replay`);
    const variants = await replayer(recording, context);
    expect(variants.length).toBeGreaterThan(0);
    passed.set(key, [
      ...(passed.get(key) ?? []),
      `${recording.file.replace(/\.json$/, '')} [${variants.length}]`,
    ]);
  });
});
