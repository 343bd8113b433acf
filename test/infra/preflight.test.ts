import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckId, PreflightContext } from '../../infra/preflight/check.ts';
import { preflightClients } from '../../infra/preflight/clients.ts';
import { HelpRequested, parseOptions, UsageError } from '../../infra/preflight/options.ts';
import { formatReport, runPreflight } from '../../infra/preflight/run.ts';
import { type BedrockEmulator, startBedrockEmulator } from '../../local/bedrock-emulator/index.ts';

/** One request the fake saw: enough to prove preflight only reads. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}
type Reply = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> };
type Handler = (seen: Seen) => Reply | undefined;

/** A loopback stand-in for the AWS endpoints that have no local form; `routes` decide each answer. */
async function fakeAws(routes: Handler) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const request = { method: req.method ?? '', path: decodeURIComponent(req.url ?? ''), body };
      seen.push(request);
      const reply = routes(request) ?? notFound('no fake route');
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const jsonError = (status: number, type: string, message: string): Reply => ({
  status,
  body: { message },
  headers: { 'x-amzn-errortype': type },
});
const notFound = (message: string) => jsonError(404, 'ResourceNotFoundException', message);
const cfnXml = (inner: string) =>
  `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks>${inner}</Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
const stack = (status: string) =>
  cfnXml(
    `<member><StackName>CDKToolkit</StackName><StackStatus>${status}</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs><member><OutputKey>BootstrapVersion</OutputKey><OutputValue>28</OutputValue></member></Outputs></member>`,
  );

/** Healthy answers for every read; a test overrides the one it is about. */
interface Account {
  lifecycle?: string;
  profile?: Reply;
  embedding?: Reply;
  useCase?: Reply;
  agreement?: string;
  knowledgeBases?: Reply;
  vectorBuckets?: Reply;
  bootstrap?: Reply;
  /** GetFoundationModel of a rerank model. */
  rerank?: Reply;
  /** GetFoundationModelAvailability's regionAvailability. */
  regionAvailability?: string;
}
function account(overrides: Account = {}): Handler {
  return ({ method, path, body }) => {
    if (method === 'GET' && path.startsWith('/foundation-models/')) {
      const modelId = path.slice('/foundation-models/'.length);
      if (modelId.startsWith('amazon.titan-embed') && overrides.embedding) return overrides.embedding;
      if (modelId.includes('.rerank-') && overrides.rerank) return overrides.rerank;
      return {
        status: 200,
        body: {
          modelDetails: {
            modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`,
            modelId,
            modelLifecycle: {
              status: modelId.startsWith('amazon.titan') ? 'ACTIVE' : (overrides.lifecycle ?? 'ACTIVE'),
            },
          },
        },
      };
    }
    if (method === 'GET' && path.startsWith('/inference-profiles/')) {
      const id = path.slice('/inference-profiles/'.length);
      return (
        overrides.profile ?? {
          status: 200,
          body: {
            inferenceProfileName: id,
            inferenceProfileArn: `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${id}`,
            inferenceProfileId: id,
            models: [{ modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/x' }],
            status: 'ACTIVE',
            type: 'SYSTEM_DEFINED',
          },
        }
      );
    }
    if (method === 'GET' && path === '/use-case-for-model-access') {
      return overrides.useCase ?? { status: 200, body: { formData: Buffer.from('{}').toString('base64') } };
    }
    if (method === 'GET' && path.startsWith('/foundation-model-availability/')) {
      return {
        status: 200,
        body: {
          modelId: path.slice('/foundation-model-availability/'.length),
          agreementAvailability: { status: overrides.agreement ?? 'AVAILABLE' },
          authorizationStatus: 'AUTHORIZED',
          entitlementAvailability:
            overrides.agreement && overrides.agreement !== 'AVAILABLE' ? 'NOT_AVAILABLE' : 'AVAILABLE',
          regionAvailability: overrides.regionAvailability ?? 'AVAILABLE',
        },
      };
    }
    if (method === 'POST' && path === '/knowledgebases/') {
      return overrides.knowledgeBases ?? { status: 200, body: { knowledgeBaseSummaries: [] } };
    }
    if (method === 'POST' && path === '/ListVectorBuckets') {
      return overrides.vectorBuckets ?? { status: 200, body: { vectorBuckets: [] } };
    }
    if (method === 'POST' && path === '/' && body.includes('Action=DescribeStacks')) {
      return (
        overrides.bootstrap ?? {
          status: 200,
          body: stack('UPDATE_COMPLETE'),
          headers: { 'content-type': 'text/xml' },
        }
      );
    }
    return undefined;
  };
}

const fakes: Array<{ close: () => Promise<void> }> = [];
afterAll(async () => {
  for (const fake of fakes) await fake.close();
});

/** Runs preflight against a fake account; the model defaults to the deployed default in us-east-1. */
async function preflight(
  overrides: Account = {},
  settings: Partial<PreflightContext> = {},
  skip: CheckId[] = [],
) {
  const fake = await fakeAws(account(overrides));
  fakes.push(fake);
  const context: PreflightContext = {
    region: 'us-east-1',
    model: 'us.amazon.nova-lite-v1:0',
    embeddingModel: 'amazon.titan-embed-text-v2:0',
    rerankModels: [],
    toolkitStackName: 'CDKToolkit',
    today: new Date('2026-12-07T00:00:00Z'),
    ...preflightClients('us-east-1', {
      bedrock: fake.url,
      bedrockAgent: fake.url,
      s3Vectors: fake.url,
      cloudFormation: fake.url,
    }),
    ...settings,
  };
  const report = await runPreflight(context, new Set(skip));
  const result = (id: CheckId) => report.results.find((r) => r.id === id);
  return { report, result, seen: fake.seen, text: formatReport(report) };
}

/** A port nothing listens on: the service "does not exist" there. */
const closedPort = 'http://127.0.0.1:9';

describe('npm run preflight', () => {
  it('passes a ready account with one line per check, reading only', async () => {
    const { report, text, seen } = await preflight();
    expect(report.failed).toEqual([]);
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['knowledge-bases', 'pass'],
      ['s3-vectors', 'pass'],
      ['generation-model', 'pass'],
      ['embedding-model', 'pass'],
      ['model-access', 'pass'],
      ['rerank-models', 'skip'],
      ['bootstrap', 'pass'],
    ]);
    expect(text).toMatch(/^PASS {2}Bedrock Knowledge Bases answers in us-east-1$/m);
    expect(text).toMatch(
      /^PASS {2}CDK bootstrap stack CDKToolkit in us-east-1: UPDATE_COMPLETE, version 28$/m,
    );
    expect(text.trim().endsWith('Preflight passed.')).toBe(true);
    // Reads only: the control plane's GETs, the two List calls (POST on the wire) and DescribeStacks.
    for (const request of seen) {
      const read =
        request.method === 'GET' ||
        ['/knowledgebases/', '/ListVectorBuckets'].includes(request.path) ||
        /^Action=DescribeStacks&/.test(request.body);
      expect(read, `${request.method} ${request.path} ${request.body}`).toBe(true);
    }
  });

  it('fails knowledge bases and S3 Vectors where the services do not answer, with the fix', async () => {
    const { report, result, text } = await preflight(
      {},
      preflightClients('us-east-1', { bedrockAgent: closedPort, s3Vectors: closedPort }),
    );
    expect(report.failed).toEqual(expect.arrayContaining(['knowledge-bases', 's3-vectors']));
    expect(result('knowledge-bases')?.fix).toMatch(/not offered in us-east-1.*knowledge-base-supported/);
    expect(result('s3-vectors')?.fix).toMatch(/-c vectorStore=opensearch-serverless/);
    expect(text).toMatch(/^Preflight failed: knowledge-bases, s3-vectors/m);
  });

  it('names the permission when knowledge bases are refused', async () => {
    const { result } = await preflight({
      knowledgeBases: jsonError(
        403,
        'AccessDeniedException',
        'not authorized to perform bedrock:ListKnowledgeBases',
      ),
    });
    expect(result('knowledge-bases')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/bedrock:ListKnowledgeBases/),
    });
  });

  it('fails a generation model past its end of life from the dated file, before asking AWS', async () => {
    const { result, seen } = await preflight({}, { model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' }, [
      'knowledge-bases',
      's3-vectors',
      'embedding-model',
      'model-access',
      'bootstrap',
    ]);
    expect(result('generation-model')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/end of life since 2026-06-19/),
      fix: expect.stringMatching(/Choose an Active model/),
    });
    expect(seen).toEqual([]);
  });

  it('fails an inference profile the region does not offer, and warns for a model AWS reports LEGACY', async () => {
    const missing = await preflight({ profile: notFound('Inference profile not found') });
    expect(missing.result('generation-model')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/ResourceNotFoundException: Inference profile not found/),
      fix: expect.stringMatching(/list-inference-profiles --region us-east-1/),
    });
    const legacy = await preflight({ lifecycle: 'LEGACY' });
    expect(legacy.result('generation-model')).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/LEGACY/),
    });
    expect(legacy.report.failed).toEqual([]);
  });

  it('fails an embedding model the region does not offer', async () => {
    const { result } = await preflight({ embedding: notFound('Could not resolve the foundation model') });
    expect(result('embedding-model')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/-c embeddingModel=/),
    });
  });

  it("reports Anthropic's use-case form and the Marketplace subscription for a third-party model", async () => {
    const model = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
    const missing = await preflight(
      { useCase: notFound('No use case found'), agreement: 'NOT_AVAILABLE' },
      { model },
    );
    expect(missing.result('model-access')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/use-case form not submitted; Marketplace subscription missing/),
      fix: expect.stringMatching(/submit use case details.*aws-marketplace:Subscribe/s),
    });
    const ready = await preflight({}, { model });
    expect(ready.result('model-access')?.status).toBe('pass');
  });

  const onlyRerank: CheckId[] = [
    'knowledge-bases',
    's3-vectors',
    'generation-model',
    'embedding-model',
    'model-access',
    'bootstrap',
  ];

  it("passes the profiles' rerank models where the region offers them, reading their status and availability", async () => {
    const { result, seen } = await preflight(
      {},
      { region: 'us-west-2', rerankModels: ['amazon.rerank-v1:0', 'cohere.rerank-v3-5:0'] },
      onlyRerank,
    );
    expect(result('rerank-models')).toEqual({
      id: 'rerank-models',
      status: 'pass',
      summary: 'Rerank models in us-west-2: amazon.rerank-v1:0 ACTIVE, cohere.rerank-v3-5:0 ACTIVE',
    });
    expect(seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /foundation-models/amazon.rerank-v1:0',
      'GET /foundation-model-availability/amazon.rerank-v1:0',
      'GET /foundation-models/cohere.rerank-v3-5:0',
      'GET /foundation-model-availability/cohere.rerank-v3-5:0',
    ]);
  });

  it('fails a rerank model AWS does not offer in the region, naming the one it does, before asking AWS', async () => {
    const { result, seen } = await preflight({}, { rerankModels: ['amazon.rerank-v1:0'] }, onlyRerank);
    expect(result('rerank-models')).toMatchObject({
      status: 'fail',
      summary: 'Rerank models in us-east-1: amazon.rerank-v1:0 is not offered for reranking in us-east-1',
      fix: expect.stringMatching(
        /^Rerank with cohere\.rerank-v3-5:0 in us-east-1, or deploy to a region AWS lists for amazon\.rerank-v1:0 \(ap-northeast-1, ca-central-1, eu-central-1, us-west-2;/,
      ),
    });
    expect(seen).toEqual([]);
  });

  it('fails a rerank model the account cannot find, and a Marketplace rerank model it has not subscribed to', async () => {
    const missing = await preflight(
      { rerank: notFound('Could not resolve the foundation model') },
      { rerankModels: ['cohere.rerank-v3-5:0'] },
      onlyRerank,
    );
    expect(missing.result('rerank-models')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/cohere\.rerank-v3-5:0: ResourceNotFoundException: Could not resolve/),
      // AWS lists it in us-east-1: the fix points at the region and endpoint, not at the same model.
      fix: expect.stringMatching(
        /^AWS lists cohere\.rerank-v3-5:0 in .*us-east-1.*, so check that --region and the endpoint are the account's/,
      ),
    });
    expect(missing.result('rerank-models')?.fix).not.toMatch(/Rerank with cohere\.rerank-v3-5:0/);
    const unsubscribed = await preflight(
      { agreement: 'NOT_AVAILABLE' },
      { rerankModels: ['cohere.rerank-v3-5:0'] },
      onlyRerank,
    );
    expect(unsubscribed.result('rerank-models')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/Marketplace subscription missing/),
      fix: expect.stringMatching(/aws-marketplace:Subscribe/),
    });
  });

  it('fails a rerank model the account may not call in the region, as the model-access check does', async () => {
    const { result } = await preflight(
      { regionAvailability: 'NOT_AVAILABLE' },
      { region: 'us-west-2', rerankModels: ['amazon.rerank-v1:0'] },
      onlyRerank,
    );
    expect(result('rerank-models')).toMatchObject({
      status: 'fail',
      summary: 'Rerank models in us-west-2: amazon.rerank-v1:0: not offered in us-west-2',
      fix: expect.stringMatching(
        /^Rerank with cohere\.rerank-v3-5:0 in us-west-2, or deploy to a region AWS lists for amazon\.rerank-v1:0/,
      ),
    });
  });

  it('takes the rerank models from the profiles file synth deploys and from --rerank-model', () => {
    const options = parseOptions(
      [
        '--region',
        'us-west-2',
        '--profiles',
        'test/infra/fixtures/answer-profiles.json',
        '--rerank-model',
        'amazon.rerank-v1:0,cohere.rerank-v3-5:0',
      ],
      {},
    );
    expect(options.rerankModels).toEqual(['cohere.rerank-v3-5:0', 'amazon.rerank-v1:0']);
    expect(parseOptions(['--region', 'us-west-2'], {}).rerankModels).toEqual([]);
    expect(() => parseOptions(['--region', 'us-west-2', '--profiles', 'no/such/file.json'], {})).toThrow(
      /^--profiles: .*no\/such\/file\.json: cannot be read/,
    );
  });

  it('fails without the CDK bootstrap stack, or with one left broken', async () => {
    const missing = await preflight({
      bootstrap: {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id CDKToolkit does not exist</Message></Error><RequestId>r2</RequestId></ErrorResponse>',
      },
    });
    expect(missing.result('bootstrap')).toEqual({
      id: 'bootstrap',
      status: 'fail',
      summary: 'CDK bootstrap stack CDKToolkit does not exist in us-east-1',
      fix: 'npx cdk bootstrap aws://<account>/us-east-1',
    });
    const broken = await preflight({
      bootstrap: { status: 200, body: stack('ROLLBACK_COMPLETE'), headers: { 'content-type': 'text/xml' } },
    });
    expect(broken.result('bootstrap')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/ROLLBACK_COMPLETE/),
    });
  });
});

function runCli(args: string[]): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
      (error, stdout) => resolve({ stdout, status: error ? ((error as { code?: number }).code ?? null) : 0 }),
    );
  });
}

describe('preflight offline, against the Bedrock emulator', () => {
  let emulator: BedrockEmulator;
  beforeAll(async () => {
    emulator = await startBedrockEmulator({
      knowledgeBases: [],
      now: () => new Date('2026-12-07T00:00:00Z'),
    });
  });
  afterAll(() => emulator.close());

  it('reads the generation and embedding models from the emulator, the checks it cannot answer skipped', async () => {
    const options = parseOptions(
      [
        '--region',
        'us-east-1',
        '--endpoint',
        emulator.url,
        '--skip',
        'knowledge-bases,s3-vectors,model-access,bootstrap',
      ],
      {},
    );
    expect(options.model).toBe('us.amazon.nova-lite-v1:0');
    const report = await runPreflight(
      {
        region: options.region,
        model: options.model,
        embeddingModel: options.embeddingModel,
        rerankModels: options.rerankModels,
        toolkitStackName: options.toolkitStackName,
        today: new Date('2026-12-07T00:00:00Z'),
        ...preflightClients(options.region, options.endpoints),
      },
      options.skip,
    );
    expect(report.results.map((r) => [r.id, r.status])).toEqual([
      ['knowledge-bases', 'skip'],
      ['s3-vectors', 'skip'],
      ['generation-model', 'pass'],
      ['embedding-model', 'pass'],
      ['model-access', 'skip'],
      ['rerank-models', 'skip'],
      ['bootstrap', 'skip'],
    ]);
  });

  it('exits non-zero from the command line, listing the failing checks', async () => {
    // Asynchronously: the emulator answering the CLI lives in this process.
    const run = await runCli([
      '--import',
      'tsx',
      'infra/preflight/cli.ts',
      '--region',
      'eu-west-1',
      '--endpoint',
      emulator.url,
      '--model',
      'eu.anthropic.claude-3-5-haiku-20241022-v1:0',
      '--skip',
      'knowledge-bases,s3-vectors,model-access,bootstrap',
    ]);
    expect(run.stdout).toMatch(
      /^FAIL {2}Generation model eu\.anthropic\.claude-3-5-haiku-20241022-v1:0: end of life/m,
    );
    expect(run.stdout).toMatch(/^Preflight failed: generation-model$/m);
    expect(run.status).toBe(1);
  });

  it('passes the documented offline recipe with the example profiles, which skips what the emulator cannot answer', async () => {
    const recipe = [
      '--import',
      'tsx',
      'infra/preflight/cli.ts',
      '--region',
      'us-east-1',
      '--profiles',
      'config/answer-settings.example.json',
      '--endpoint',
      emulator.url,
      '--skip',
    ];
    const run = await runCli([...recipe, 'knowledge-bases,s3-vectors,model-access,rerank-models,bootstrap']);
    expect(run.stdout).toMatch(/^PASS {2}Generation model us\.amazon\.nova-lite-v1:0/m);
    expect(run.stdout).toMatch(/^SKIP {2}rerank-models: skipped \(--skip\)$/m);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.status).toBe(0);
    // Asked of the emulator, the example's Cohere model is unknown; the fix says why, not "use it".
    const asked = await runCli([...recipe, 'knowledge-bases,s3-vectors,model-access,bootstrap']);
    expect(asked.stdout).toMatch(
      /^FAIL {2}Rerank models in us-east-1: cohere\.rerank-v3-5:0: ResourceNotFoundException/m,
    );
    expect(asked.stdout).toMatch(
      /fix: AWS lists cohere\.rerank-v3-5:0 in .*us-east-1.*skip rerank-models against it/,
    );
    expect(asked.status).toBe(1);
  }, 120_000);

  it('refuses to guess a region', () => {
    expect(() => parseOptions([], {})).toThrow(/No region: pass --region or set AWS_REGION/);
    expect(() => parseOptions(['--region', 'us-east-1', '--skip', 'everything'], {})).toThrow(/--skip takes/);
  });

  it('answers --help with the usage, and an unknown or valueless option with a usage error', () => {
    expect(() => parseOptions(['--help'], {})).toThrow(HelpRequested);
    expect(() => parseOptions(['--region', 'us-east-1', '--bogus'], {})).toThrow(UsageError);
    expect(() => parseOptions(['--region'], {})).toThrow(/argument missing/);
  });
});
