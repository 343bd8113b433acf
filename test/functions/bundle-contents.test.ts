/**
 * What each function's bundle may hold, built as the CDK app builds it (the bench's esbuild
 * options): the cold-start work of issue 21 undone by one import would show here, by package.
 */
import type { Metafile } from 'esbuild';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions, functionEntries, REPO_ROOT } from '../bench/bundles.ts';

const bundled = new Map<string, string[]>();

async function inputsOf(name: string, entry: string): Promise<string[]> {
  const known = bundled.get(name);
  if (known) return known;
  const result = await build({
    ...esbuildOptions,
    entryPoints: [entry],
    write: false,
    outdir: '/tmp/unused',
    absWorkingDir: REPO_ROOT,
  });
  const inputs = Object.values((result.metafile as Metafile).outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, use]) => use.bytesInOutput > 0)
      .map(([input]) => input),
  );
  bundled.set(name, inputs);
  return inputs;
}

describe('function bundles', () => {
  for (const { name, entry } of functionEntries()) {
    it(`${name} holds zod's mini build only, and no tracing SDK`, async () => {
      const inputs = await inputsOf(name, entry);
      expect(
        inputs.filter((input) =>
          /node_modules\/zod\/v4\/(classic|locales\/(?!en\.js|index\.js))/.test(input),
        ),
      ).toEqual([]);
      expect(
        inputs.filter((input) =>
          /node_modules\/(aws-xray-sdk-core|@aws-lambda-powertools\/tracer|cls-hooked)\//.test(input),
        ),
      ).toEqual([]);
    });

    it(`${name} holds no middy (its core loads Node's web streams at import)`, async () => {
      const inputs = await inputsOf(name, entry);
      expect(inputs.filter((input) => /node_modules\/@middy\//.test(input))).toEqual([]);
    });
  }

  it('slack-events holds neither a Slack Web API client nor the conversation engine', async () => {
    const entry = functionEntries().find((f) => f.name === 'slack-events');
    expect(entry).toBeDefined();
    const inputs = await inputsOf('slack-events', entry?.entry ?? '');
    expect(inputs.some((input) => input.endsWith('shared/slack/intake.ts'))).toBe(true);
    expect(
      inputs.filter((input) =>
        /node_modules\/@slack\/|shared\/slack\/(slack-api|responder|question-worker)\.ts$|shared\/chat\/engine\.ts$|client-bedrock/.test(
          input,
        ),
      ),
    ).toEqual([]);
  });
});
