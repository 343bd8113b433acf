import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  BedrockAgentRuntimeClient,
  RetrieveAndGenerateCommand,
  RetrieveAndGenerateStreamCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../local/bedrock-emulator/index.ts';
import { LOCAL_KNOWLEDGE_BASE_ID, LOCAL_MODEL_ARN, type LocalStack } from '../../local/stack.ts';
import { createAgentRuntimeClient, createRuntimeClient } from '../../shared/aws/clients.ts';
import { parseConfig } from '../../shared/config.ts';
import { API_KEY, apiClient, bootStack, tempDir } from '../helpers/local-stack.ts';
import { postSse } from '../helpers/sse.ts';
import { BedrockRecorder, RAG_OPERATIONS } from './support.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const bedrock = new BedrockRecorder();
let stack: LocalStack;

beforeAll(async () => {
  stack = await bootStack({ faults: bedrock.hook });
});
afterEach(() => stack.emulator.faults.set({}));
afterAll(() => stack?.close());

const alice = () => apiClient(stack.url, API_KEY);
const stream = (body: unknown) => postSse(`${stack.url}/v1/chat/stream`, body, { 'x-api-key': API_KEY });
let asked = 0;
/** A question that retrieves well, made unique so the Bedrock requests it causes can be counted. */
const question = (topic = 'How do I reset my password?') => `${topic} (case ${++asked})`;

describe('npm start -- --faults', () => {
  it('refuses a bad spec with a clear error and exit code 2, before starting anything', async () => {
    const cases: [string, RegExp][] = [
      ['throttle=1.5', /throttle and error are shares between 0 and 1/],
      ['bogus=1', /Unknown fault "bogus": use throttle, error, latencyMs or streamCutAfter/],
      ['latencyMs', /Invalid fault "latencyMs": expected name=number/],
      ['streamCutAfter=2.5', /streamCutAfter must be a whole number/],
    ];
    const runs = await Promise.all(cases.map(([spec]) => runStart(['--faults', spec, '--port', '0'])));
    for (const [i, [spec, message]] of cases.entries()) {
      const run = runs[i];
      expect(run?.code, spec).toBe(2);
      expect(run?.stderr, spec).toMatch(/^error: --faults: /);
      expect(run?.stderr, spec).toMatch(message);
      expect(run?.stdout, spec).not.toMatch(/running offline/);
    }
  });

  it('starts with the parsed faults and the API shows them: every Bedrock failure becomes a 503', async () => {
    const child = startServer(['--faults', 'error=1,latencyMs=20', '--port', '0']);
    try {
      const url = await child.url;
      expect(child.output()).toMatch(/Injecting Bedrock faults: error=1,latencyMs=20/);
      const res = await apiClient(url, 'test-key-cli-0001').chat('How do I reset my password?');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    } finally {
      await child.stop();
    }
  });
});

describe('parseFaults', () => {
  it('parses any subset of the four faults to exactly those settings', () => {
    expect(parseFaults('throttle=0.3,error=0.05,latencyMs=200,streamCutAfter=3')).toEqual({
      throttle: 0.3,
      error: 0.05,
      latencyMs: 200,
      streamCutAfter: 3,
    });
    const share = fc.double({ min: 0, max: 0.5, noNaN: true });
    fc.assert(
      fc.property(
        fc.record(
          {
            throttle: share,
            error: share,
            latencyMs: fc.integer({ min: 0, max: 60_000 }),
            streamCutAfter: fc.nat(1_000),
          },
          { requiredKeys: [] },
        ),
        (settings) => {
          const spec = Object.entries(settings)
            .map(([name, value]) => `${name}=${value}`)
            .join(' , ');
          expect(parseFaults(spec)).toEqual(settings);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names what is wrong in a bad spec', () => {
    for (const [spec, message] of [
      ['throttle=abc', /Invalid fault "throttle=abc"/],
      ['throttle=', /Invalid fault/],
      ['=0.3', /Invalid fault/],
      ['throttle=0.1=0.2', /Invalid fault/],
      ['throttle=0.7,error=0.5', /sum is at most 1/],
      ['error=-0.1', /between 0 and 1/],
      ['latencyMs=60001', /latencyMs must be between 0 and 60000/],
      ['streamCutAfter=-1', /streamCutAfter must be a whole number/],
      ['Throttle=0.1', /Unknown fault "Throttle"/],
    ] as const) {
      expect(() => parseFaults(spec), spec).toThrow(message);
    }
  });
});

describe('each fault, seen by an AWS SDK client without retries', () => {
  const client = () =>
    new BedrockAgentRuntimeClient({
      region: 'us-east-1',
      endpoint: stack.emulatorUrl,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  const input = (text: string) => ({
    input: { text },
    retrieveAndGenerateConfiguration: {
      type: 'KNOWLEDGE_BASE' as const,
      knowledgeBaseConfiguration: { knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID, modelArn: LOCAL_MODEL_ARN },
    },
  });

  it('throttling is a ThrottlingException with HTTP 429, internal errors an InternalServerException with 500', async () => {
    const sdk = client();
    try {
      const before = { ...stack.emulator.faults.injected };
      stack.emulator.faults.set({ throttle: 1 });
      const throttled = await sdk.send(new RetrieveAndGenerateCommand(input(question()))).catch((e) => e);
      expect(throttled).toMatchObject({
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 429 },
      });
      stack.emulator.faults.set({ error: 1 });
      const failed = await sdk.send(new RetrieveAndGenerateCommand(input(question()))).catch((e) => e);
      expect(failed).toMatchObject({
        name: 'InternalServerException',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
      expect(stack.emulator.faults.injected).toEqual({
        throttle: before.throttle + 1,
        error: before.error + 1,
      });
    } finally {
      sdk.destroy();
    }
  });

  it('latency delays every answer by at least the setting', async () => {
    const sdk = client();
    try {
      stack.emulator.faults.set({ latencyMs: 250 });
      const started = performance.now();
      const answer = await sdk.send(new RetrieveAndGenerateCommand(input(question())));
      expect(performance.now() - started).toBeGreaterThanOrEqual(245);
      expect(answer.output?.text).toEqual(expect.any(String));
    } finally {
      sdk.destroy();
    }
  });

  it('a stream cut after N events breaks off after exactly N events', async () => {
    const sdk = client();
    try {
      stack.emulator.faults.set({ streamCutAfter: 3 });
      const response = await sdk.send(new RetrieveAndGenerateStreamCommand(input(question())));
      let events = 0;
      const error = await (async () => {
        for await (const _event of response.stream ?? []) events++;
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(events).toBe(3);
    } finally {
      sdk.destroy();
    }
  });
});

describe('each fault, seen through the public API', () => {
  it("retries Bedrock calls in the SDK's adaptive mode, four attempts in all", async () => {
    const config = parseConfig({ TABLE_NAME: 't', KNOWLEDGE_BASE_ID: 'KB1', MODEL_ARN: 'm' });
    for (const client of [createAgentRuntimeClient(config), createRuntimeClient(config)]) {
      expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
      expect(await client.config.maxAttempts()).toBe(4);
      client.destroy();
    }
  });

  it('retries internal errors in the SDK, then answers 503 with Retry-After, never 500 or 502', async () => {
    stack.emulator.faults.set({ error: 1 });
    const rest = question();
    const res = await alice().chat(rest);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) } });
    // The guardrail screens the question first: four attempts (adaptive mode, maxAttempts 4), then no RAG call.
    expect(bedrock.count('ApplyGuardrail', rest)).toBe(4);
    expect(bedrock.count(RAG_OPERATIONS, rest)).toBe(0);

    const streamed = question();
    const sse = await stream({ message: streamed });
    // Failing before the first event, the stream route answers like the REST one.
    expect(sse.status).toBe(503);
    expect(sse.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(sse.text)).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
    });
    expect(bedrock.count('ApplyGuardrail', streamed)).toBe(4);
  });

  it('stores nothing for a turn that failed', async () => {
    const first = await alice().chat(question('How do I invite a teammate?'));
    expect(first.status).toBe(200);
    const { sessionId } = first.body;
    stack.emulator.faults.set({ error: 1 });
    const failed = await alice().chat(question('and what roles are there?'), sessionId);
    stack.emulator.faults.set({});
    expect(failed.status).toBe(503);
    const transcript = await alice().request('GET', `/v1/sessions/${sessionId}`);
    expect(transcript.body.messages).toHaveLength(2);
  });

  it('added latency shows in the answer time of both Bedrock calls of a turn', async () => {
    stack.emulator.faults.set({ latencyMs: 300 });
    const started = performance.now();
    const res = await alice().chat(question());
    expect(res.status).toBe(200);
    // The guardrail, then RetrieveAndGenerate: one after the other.
    expect(performance.now() - started).toBeGreaterThanOrEqual(595);
  });

  it('a cut stream keeps the partial answer as incomplete and ends with an error event', async () => {
    stack.emulator.faults.set({ streamCutAfter: 3 });
    const asked = question();
    const sse = await stream({ message: asked });
    expect(sse.status).toBe(200);
    const names = sse.events.map((e) => e.event);
    expect(names[0]).toBe('session');
    expect(names).not.toContain('done');
    expect(sse.events.at(-1)).toMatchObject({
      event: 'error',
      data: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
    });
    const partial = sse.events
      .filter((e) => e.event === 'text')
      .map((e) => e.data.text)
      .join('');
    expect(partial.length).toBeGreaterThan(0);
    const { sessionId, messageId } = sse.events[0]?.data ?? {};
    const transcript = await alice().request('GET', `/v1/sessions/${sessionId}`);
    expect(transcript.body.messages).toEqual([
      expect.objectContaining({ role: 'user', text: asked, status: 'complete' }),
      expect.objectContaining({ messageId, role: 'assistant', text: partial, status: 'incomplete' }),
    ]);

    // REST answers are not streams: the same setting leaves them whole.
    const rest = await alice().chat(question());
    expect(rest.status).toBe(200);
    expect(rest.body.answer.length).toBeGreaterThan(partial.length);
  });

  it('under intermittent errors and cut streams, REST and SSE end in 200, 503 or an error event, nothing else', async () => {
    stack.emulator.faults.set({ error: 0.4, streamCutAfter: 6 });
    const outcomes = await Promise.all([
      ...[1, 2, 3, 4].map(async () => {
        const res = await alice().chat(question());
        if (res.status === 503) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        return `REST ${res.status}`;
      }),
      ...[1, 2, 3, 4].map(async () => {
        const sse = await stream({ message: question() });
        if (sse.status !== 200) return `SSE ${sse.status}`;
        return `SSE ${sse.events.at(-1)?.event}`;
      }),
    ]);
    for (const outcome of outcomes) {
      expect(['REST 200', 'REST 503', 'SSE 503', 'SSE done', 'SSE error']).toContain(outcome);
    }
  });

  // Throttling last: the adaptive retry mode slows the stack's Bedrock clients down after it.
  it('retries throttling in the SDK, then answers 503 with Retry-After 2', async () => {
    const before = stack.emulator.faults.injected.throttle;
    stack.emulator.faults.set({ throttle: 1 });
    const asked = question();
    const res = await alice().chat(asked);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body).toEqual({
      error: { code: 'SERVICE_UNAVAILABLE', message: expect.stringMatching(/busy/) },
    });
    expect(bedrock.count('ApplyGuardrail', asked)).toBe(4);
    expect(stack.emulator.faults.injected.throttle - before).toBe(4);
  }, 60_000);
});

interface StartRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm start` as a child process, i.e. `tsx local/start.ts` with the given arguments. */
function spawnStart(args: readonly string[]): ChildProcess {
  return spawn(
    join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['local/start.ts', '--data-dir', tempDir('faults-cli'), '--api-key', 'test-key-cli-0001', ...args],
    { cwd: ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
}

function runStart(args: readonly string[]): Promise<StartRun> {
  const child = spawnStart(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function startServer(args: readonly string[]) {
  const child = spawnStart(args);
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const found = /running offline at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      // The fault line is printed right after the banner.
      if (found && /Injecting Bedrock faults/.test(output)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    exited.then(() => reject(new Error(`npm start exited:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}
