import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ReplayContext, type Replayer, replayConfig } from './context.ts';
import { loadRecordings, operationKey, RECORDINGS_DIR } from './recordings.ts';
import { replayApiGatewayEvent } from './replayers/api-gateway-event.ts';
import { replayApplyGuardrail } from './replayers/apply-guardrail.ts';
import { replayConverse } from './replayers/converse.ts';
import { replayGetIngestionJob, replayStartIngestionJob } from './replayers/ingestion-job.ts';
import { replayRetrieve } from './replayers/retrieve.ts';
import { replayRetrieveAndGenerate } from './replayers/retrieve-and-generate.ts';
import { replayRetrieveAndGenerateStream } from './replayers/retrieve-and-generate-stream.ts';
import { replaySlackEvent } from './replayers/slack-event.ts';
import { WireServer } from './wire-server.ts';

/** Which replayer reads a recording, by `service:Operation` (see `operationKey`). */
const REPLAYERS: Readonly<Record<string, Replayer>> = {
  'bedrock-agent-runtime:RetrieveAndGenerate': replayRetrieveAndGenerate,
  'bedrock-agent-runtime:RetrieveAndGenerateStream': replayRetrieveAndGenerateStream,
  'bedrock-agent-runtime:Retrieve': replayRetrieve,
  'bedrock-runtime:ApplyGuardrail': replayApplyGuardrail,
  'bedrock-runtime:Converse': replayConverse,
  'bedrock-agent:StartIngestionJob': replayStartIngestionJob,
  'bedrock-agent:GetIngestionJob': replayGetIngestionJob,
  'apigateway:Lambda': replayApiGatewayEvent,
  'slack-events-api:event_callback': replaySlackEvent,
  'slack-events-api:url_verification': replaySlackEvent,
};

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
