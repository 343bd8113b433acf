import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiClient, bootStack, tempDir } from '../helpers/local-stack.ts';
import { floorSource, functionEntries, packageBytes, packageOf, sdkPackagesOf } from './bundles.ts';
import { DynamoDbCallCounter } from './dynamodb-calls.ts';
import { bedrockOperation, floorSteps, operationOf } from './first-request.ts';
import { prng, writeSyntheticCorpus } from './ingestion.ts';
import { mapPool } from './pool.ts';

describe('mapPool', () => {
  it('keeps at most `concurrency` tasks in flight and the results in order', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapPool([5, 1, 4, 2, 3], 2, async (n, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return `${index}:${n}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(most).toBe(2);
  });

  it('rejects with the first error once the tasks in flight have settled, starting no new ones', async () => {
    const started: number[] = [];
    await expect(
      mapPool([1, 2, 3, 4], 2, async (n) => {
        started.push(n);
        if (n === 1) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(4);
  });
});

describe('bundles', () => {
  it('finds every function folder with a handler', () => {
    expect(functionEntries().map((f) => f.name)).toEqual(
      expect.arrayContaining(['chat', 'chat-stream', 'health', 'sessions']),
    );
  });

  it('reads the SDK packages whose code is in the bundle, not those shaken off', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': {
          bytes: 1,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js': { bytesInOutput: 120 },
            'node_modules/@aws-sdk/lib-dynamodb/dist-es/index.js': { bytesInOutput: 80 },
            'node_modules/@aws-sdk/client-bedrock-agent/dist-es/index.js': { bytesInOutput: 0 },
            'node_modules/@smithy/core/dist-es/index.js': { bytesInOutput: 500 },
          },
        },
      },
    } as unknown as Metafile;
    expect(sdkPackagesOf(metafile)).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
  });

  it('writes a floor entry that constructs only those clients', () => {
    const source = floorSource(['@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb']);
    expect(source).toContain("import { SQSClient } from '@aws-sdk/client-sqs';");
    expect(source).toContain(
      'export const clients = [new SQSClient({}), DynamoDBDocumentClient.from(new DocumentBase({}))];',
    );
    expect(floorSource([])).toContain('export const clients = [];');
  });
});

describe('largest packages', () => {
  it('names the innermost package of an input, or the Lantern folder', () => {
    expect(packageOf('node_modules/zod/v4/core/core.js')).toBe('zod');
    expect(packageOf('node_modules/@aws-sdk/client-sqs/dist-es/index.js')).toBe('@aws-sdk/client-sqs');
    expect(packageOf('node_modules/aws-xray-sdk-core/node_modules/semver/index.js')).toBe('semver');
    expect(packageOf('shared/chat/engine.ts')).toBe('lantern: shared');
  });

  it('adds up the bytes in the output per package, largest first', () => {
    const metafile = {
      inputs: {},
      outputs: {
        'out/index.mjs': {
          bytes: 1,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/zod/v4/a.js': { bytesInOutput: 100 },
            'node_modules/zod/v4/b.js': { bytesInOutput: 50 },
            'node_modules/semver/index.js': { bytesInOutput: 120 },
            'node_modules/unused/index.js': { bytesInOutput: 0 },
          },
        },
      },
    } as unknown as Metafile;
    expect(packageBytes(metafile)).toEqual([
      { name: 'zod', bytes: 150 },
      { name: 'semver', bytes: 120 },
    ]);
  });
});

describe('first request floor', () => {
  it('maps the recorded Bedrock calls to their SDK commands', () => {
    expect(bedrockOperation('POST', '/guardrail/abc/version/DRAFT/apply')).toMatchObject({
      command: 'ApplyGuardrailCommand',
      params: { guardrailIdentifier: 'abc', guardrailVersion: 'DRAFT' },
    });
    expect(bedrockOperation('POST', '/retrieveAndGenerateStream')).toMatchObject({ stream: true });
    expect(bedrockOperation('GET', '/knowledgebases/KB/datasources/DS')?.command).toBe(
      'GetDataSourceCommand',
    );
    expect(
      operationOf({ service: 'dynamodb', method: 'POST', path: '/', target: 'DynamoDB_20120810.GetItem' }),
    ).toBe('dynamodb.GetItem');
  });

  it('replays a create-if-absent PutItem unconditionally, and Slack calls with fetch', () => {
    const steps = floorSteps(
      [
        {
          service: 'dynamodb',
          method: 'POST',
          path: '/',
          target: 'DynamoDB_20120810.PutItem',
          body: JSON.stringify({
            TableName: 't',
            Item: { pk: { S: 'a' } },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          }),
        },
        { service: 'slack', method: 'POST', path: '/api/chat.postMessage', body: '{}' },
      ],
      'http://127.0.0.1:1',
    );
    expect(steps[0]).toEqual({
      client: 'DynamoDBClient',
      command: 'PutItemCommand',
      input: { TableName: 't', Item: { pk: { S: 'a' } } },
    });
    expect(steps[1]?.raw?.url).toBe('http://127.0.0.1:1/api/chat.postMessage');
  });
});

describe('synthetic corpus', () => {
  it('is the same for the same seed', () => {
    const a = tempDir('corpus');
    const b = tempDir('corpus');
    writeSyntheticCorpus(a, 12, ['alpha', 'beta', 'gamma', 'delta'], 7);
    writeSyntheticCorpus(b, 12, ['alpha', 'beta', 'gamma', 'delta'], 7);
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.md'))
        .sort();
    expect(files(a)).toHaveLength(12);
    expect(files(a)).toEqual(files(b));
    for (const file of files(a))
      expect(readFileSync(join(a, file), 'utf8')).toBe(readFileSync(join(b, file), 'utf8'));
    expect(readFileSync(join(a, files(a)[0] ?? ''), 'utf8')).toMatch(/^# \w+/);
  });

  it('draws from a repeatable generator in [0, 1)', () => {
    const first = prng(1);
    const second = prng(1);
    const values = Array.from({ length: 100 }, first);
    expect(values).toEqual(Array.from({ length: 100 }, second));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});

describe('DynamoDbCallCounter', () => {
  it('counts the requests one chat turn sends to DynamoDB, by operation', async () => {
    const stack = await bootStack();
    const counter = new DynamoDbCallCounter(new URL(stack.dynamoDbEndpoint).host);
    try {
      await counter.settle();
      counter.reset();
      expect((await apiClient(stack.url).chat('How do I reset my password?')).status).toBe(200);
      await counter.settle();
      const operations = counter.snapshot();
      expect(counter.total).toBeGreaterThan(0);
      expect(Object.keys(operations)).toContain('PutItem');
      expect(Object.values(operations).reduce((a, b) => a + b, 0)).toBe(counter.total);
    } finally {
      counter.close();
      await stack.close();
    }
  });
});
