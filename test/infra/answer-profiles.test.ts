import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizedSettingsJson, readAnswerSettings } from '../../config/answer-settings.ts';
import { composeLanternApp } from '../../infra/lantern-app.ts';
import { SettingsError } from '../../infra/lib/settings.ts';
import { nonFilterableMetadataKeys } from '../../infra/lib/vector-metadata.ts';
import type { BedrockEmulator } from '../../local/bedrock-emulator/index.ts';
import {
  installLambdaStreamingGlobals,
  type LambdaResponseStream,
} from '../../local/gateway/lambda-streaming.ts';
import { tempDir } from '../helpers/local-stack.ts';
import { captureResponseStream } from '../helpers/response-stream.ts';
import {
  bundledFilePath,
  type DeployedBackends,
  grantsByAction,
  logicalIdOf,
  resolveValue,
  startDeployedBackends,
  statementsOfRole,
  synthesizeLantern,
} from './support/lantern-app.ts';

/**
 * Issue 20's acceptance, infra part: `cdk synth -c profiles=FILE` with two profiles, reranking and
 * custom prompts deploys a key and plan per profile, the grants and the bundled settings; and the
 * chat function, run with the environment the template gives it, sends Bedrock exactly each
 * profile's settings (read back from the Bedrock emulator's request log).
 */
const FIXTURE = 'test/infra/fixtures/answer-profiles.json';
const ACCOUNT = '111122223333';

// One bundled synthesis (the end-to-end part runs the bundled settings file); no Slack or guardrail,
// which the profiles do not touch.
const lantern = synthesizeLantern({ context: { profiles: FIXTURE, slack: 'false', guardrail: 'false' } });
afterAll(lantern.cleanUp);
const template = lantern.statelessTemplate;
type Json = ReturnType<Template['toJSON']>;
const resources: Json = template.toJSON().Resources;

const keyIdOf = (profile: string) =>
  logicalIdOf(template, 'AWS::ApiGateway::ApiKey', { Name: `lantern-${profile}` });
const defaultKeyId = logicalIdOf(template, 'AWS::ApiGateway::ApiKey', {
  Description: 'Default Lantern API key',
});
const planOfKey = (keyLogicalId: string): string => {
  const links = Object.values(template.findResources('AWS::ApiGateway::UsagePlanKey')).filter(
    (link) => link.Properties.KeyId.Ref === keyLogicalId,
  );
  expect(links).toHaveLength(1);
  return links[0]?.Properties.UsagePlanId.Ref;
};
const functionId = (prefix: string) =>
  logicalIdOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(`^${prefix}`) });
const chatId = functionId('POST /v1/chat:');
const chatStreamId = functionId('POST /v1/chat/stream:');
const variablesOf = (id: string): Record<string, unknown> =>
  resources[id].Properties.Environment.Variables as Record<string, unknown>;

const TEST_KEY_IDS = { northwind: 'k1northwind', 'contoso-support': 'k2contoso', default: 'k0default' };
const refs = {
  'AWS::Partition': 'aws',
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': 'us-east-1',
  [keyIdOf('northwind')]: TEST_KEY_IDS.northwind,
  [keyIdOf('contoso-support')]: TEST_KEY_IDS['contoso-support'],
};
const NOVA_LITE_PROFILE = `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.amazon.nova-lite-v1:0`;
const NOVA_PRO = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0';
const COHERE_RERANK = 'arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0';

describe('cdk synth -c profiles=FILE', () => {
  it('deploys one API key per profile, named after it, beside the default key', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 3);
    for (const profile of ['northwind', 'contoso-support']) {
      template.hasResourceProperties('AWS::ApiGateway::ApiKey', {
        Name: `lantern-${profile}`,
        Description: `Lantern API key of answer profile "${profile}"`,
        Enabled: true,
        Value: Match.absent(),
      });
    }
  });

  it('puts a profile with its own tier in its own usage plan, and the others in the default plan', () => {
    const defaultPlan = planOfKey(defaultKeyId);
    expect(resources[defaultPlan].Properties).toMatchObject({
      UsagePlanName: 'lantern-default',
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: { Limit: 100_000, Period: 'MONTH' },
    });
    const northwindPlan = planOfKey(keyIdOf('northwind'));
    expect(northwindPlan).not.toBe(defaultPlan);
    expect(resources[northwindPlan].Properties).toMatchObject({
      UsagePlanName: 'lantern-northwind',
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 50_000, Period: 'MONTH' },
      ApiStages: [{ ApiId: { Ref: expect.any(String) }, Stage: { Ref: expect.any(String) } }],
    });
    expect(planOfKey(keyIdOf('contoso-support'))).toBe(defaultPlan);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
  });

  it("outputs each profile's key id, never a key's value", () => {
    template.hasOutput('ApiKeyIdNorthwind', {
      Value: { Ref: keyIdOf('northwind') },
      Description: Match.stringLikeRegexp('answer profile "northwind".*get-api-key'),
    });
    template.hasOutput('ApiKeyIdContosoSupport', { Value: { Ref: keyIdOf('contoso-support') } });
    expect(JSON.stringify(template.toJSON().Outputs)).not.toMatch(/"Fn::GetAtt":\["[^"]*ApiKey/);
  });

  it('gives chat and chat-stream the settings file, each key id with its profile and each allowed model with its ARN', () => {
    for (const id of [chatId, chatStreamId]) {
      const variables = variablesOf(id);
      expect(variables.ANSWER_SETTINGS_FILE).toBe('/var/task/answer-settings.json');
      expect(variables.VECTOR_STORE).toBe('s3-vectors');
      expect(JSON.parse(resolveValue(variables.API_KEY_PROFILES, refs))).toEqual({
        [TEST_KEY_IDS.northwind]: 'northwind',
        [TEST_KEY_IDS['contoso-support']]: 'contoso-support',
      });
      expect(JSON.parse(resolveValue(variables.MODEL_ARNS, refs))).toEqual({
        'us.amazon.nova-lite-v1:0': NOVA_LITE_PROFILE,
        'amazon.nova-pro-v1:0': NOVA_PRO,
      });
    }
    // The other functions answer no chat: they get none of it.
    const others = Object.keys(template.findResources('AWS::Lambda::Function')).filter(
      (id) => id !== chatId && id !== chatStreamId,
    );
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) {
      const variables = resources[id].Properties.Environment?.Variables ?? {};
      expect(Object.keys(variables)).not.toContain('ANSWER_SETTINGS_FILE');
      expect(Object.keys(variables)).not.toContain('MODEL_ARNS');
      expect(Object.keys(variables)).not.toContain('VECTOR_STORE');
    }
  });

  it('bundles the settings next to the chat handlers, every profile spelled out and no local key', () => {
    const bundled = bundledSettingsPath(chatId);
    const text = readFileSync(bundled, 'utf8');
    expect(text).toBe(readFileSync(bundledSettingsPath(chatStreamId), 'utf8'));
    expect(text).not.toMatch(/localApiKey|local-northwind-key/);
    const original = readAnswerSettings(FIXTURE, { defaultModel: 'us.amazon.nova-lite-v1:0' });
    const reread = readAnswerSettings(bundled, { defaultModel: 'unused' });
    expect(reread.attributes).toEqual(original.attributes);
    expect(reread.defaults).toEqual(original.defaults);
    expect(reread.profiles).toEqual(
      original.profiles.map(({ localApiKey: _localApiKey, ...profile }) => profile),
    );
    expect(text).toBe(normalizedSettingsJson(original));
  });

  it('lets the answering functions call every allowed model, the rerank model, and Rerank', () => {
    const role = resources[chatId].Properties.Role['Fn::GetAtt'][0] as string;
    const statements = statementsOfRole(template, role).map((statement) =>
      lantern.stateless.resolve(statement),
    );
    const grants = grantsByAction(statements);
    const arn = (value: unknown) => resolveValue(value, refs);
    expect(grants.get('bedrock:InvokeModelWithResponseStream')?.map(arn).sort()).toEqual(
      [NOVA_PRO, NOVA_LITE_PROFILE, 'arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0'].sort(),
    );
    expect(grants.get('bedrock:InvokeModel')?.map(arn).sort()).toEqual(
      [
        NOVA_PRO,
        NOVA_LITE_PROFILE,
        'arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
        COHERE_RERANK,
      ].sort(),
    );
    expect(grants.get('bedrock:Rerank')).toEqual(['*']);
    // The any-region grant holds only through the inference profile.
    const through = statements.find((statement) => statement.Sid === 'GenerateThroughTheInferenceProfile');
    expect(arn(through?.Condition?.StringEquals?.['bedrock:InferenceProfileArn'])).toBe(NOVA_LITE_PROFILE);
  });

  it("keeps Bedrock's and the documents' own metadata out of the filterable 2 KB, never a declared attribute", () => {
    lantern.statefulTemplate.hasResourceProperties('AWS::S3Vectors::Index', {
      MetadataConfiguration: {
        NonFilterableMetadataKeys: [
          'AMAZON_BEDROCK_TEXT',
          'AMAZON_BEDROCK_METADATA',
          'title',
          'description',
          'url',
        ],
      },
    });
    expect(nonFilterableMetadataKeys([])).toEqual([
      'AMAZON_BEDROCK_TEXT',
      'AMAZON_BEDROCK_METADATA',
      'title',
      'description',
      'tags',
      'url',
    ]);
    expect(() => nonFilterableMetadataKeys(['AMAZON_BEDROCK_TEXT'])).toThrow(/Bedrock's own metadata key/);
    expect(() => nonFilterableMetadataKeys(Array.from({ length: 41 }, (_, i) => `a${i}`))).toThrow(
      /41 declared attributes are too many for S3 Vectors.*at most 50/,
    );
  });

  it('is clean under cdk-nag and the CloudFormation spec, warning only about the third-party rerank model', () => {
    const report = JSON.parse(
      readFileSync(join(lantern.assembly.directory, 'validation-report.json'), 'utf8'),
    );
    const violations = (
      report.pluginReports as { pluginName: string; violations: { ruleName: string }[] }[]
    ).flatMap((plugin) =>
      plugin.violations.map((violation) => `${plugin.pluginName}: ${violation.ruleName}`),
    );
    expect(violations).toEqual([]);
    for (const stack of [lantern.stateful, lantern.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
    const warnings = Annotations.fromStack(lantern.stateless)
      .findWarning('*', Match.anyValue())
      .map((warning) => String(warning.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Profile "northwind": Cohere Rerank 3\.5 is a third-party model sold through AWS Marketplace.*\[ack: lantern:answer-profiles\]$/,
      ),
    ]);
  });
});

describe('cdk synth refuses a profiles file it cannot deploy, naming the problem', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const dir = tempDir('profiles');
  const variant = (name: string, change: (json: typeof fixture) => void): string => {
    const copy = structuredClone(fixture);
    change(copy);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(copy));
    return path;
  };
  const compose =
    (profiles: string, region = 'us-east-1') =>
    () =>
      composeLanternApp(
        new App({ context: { 'aws:cdk:bundling-stacks': [], region, profiles, slack: 'false' } }),
        new Date('2026-12-07T00:00:00Z'),
      );

  it.each([
    [
      'a prompt without its placeholders',
      variant('prompt', (json) => {
        json.profiles.northwind.generationPrompt = 'Answer nicely.';
      }),
      /Context "profiles": .*prompt\.json: profiles\.northwind\.generationPrompt: is missing the placeholder\(s\) \$search_results\$, \$output_format_instructions\$/,
    ],
    [
      'an unknown model',
      variant('model', (json) => {
        json.profiles.northwind.models = ['acme.gpt-9'];
      }),
      /profiles\.northwind\.models\[0\]: acme\.gpt-9 is not a model .*\(unknown model\)/,
    ],
    [
      'a model past its end of life',
      variant('eol', (json) => {
        json.defaults.models = ['us.anthropic.claude-3-5-haiku-20241022-v1:0'];
      }),
      /defaults\.models\[0\]: .* is past its end of life/,
    ],
    [
      'a filter on an undeclared attribute',
      variant('filter', (json) => {
        json.profiles['contoso-support'].filter = { equals: { key: 'region', value: 'eu' } };
      }),
      /profiles\.contoso-support\.filter\.equals\.key: "region" is not a declared filterable attribute \(declared: tenant, year, tags\)/,
    ],
    ['a file that is not there', 'test/infra/fixtures/missing.json', /missing\.json: cannot be read/],
  ])('%s', (_name, file, message) => {
    expect(compose(file)).toThrow(SettingsError);
    expect(compose(file)).toThrow(message);
  });

  it('a rerank model the region does not offer, or an inference profile from another geography', () => {
    const amazonRerank = variant('rerank', (json) => {
      json.profiles.northwind.reranking.modelId = 'amazon.rerank-v1:0';
    });
    expect(compose(amazonRerank)).toThrow(
      /Profile "northwind": Amazon Rerank 1\.0 \(amazon\.rerank-v1:0\) is not offered for reranking in us-east-1; AWS lists ap-northeast-1, ca-central-1, eu-central-1, us-west-2 .* In us-east-1 use cohere\.rerank-v3-5:0/,
    );
    expect(compose(amazonRerank, 'us-west-2')).not.toThrow();
    expect(compose(FIXTURE, 'eu-west-1')).toThrow(
      /Context "profiles": us\.amazon\.nova-lite-v1:0 is a US inference profile, which callers in eu-west-1 cannot use/,
    );
  });

  it('a profile filter the vector store cannot evaluate, unless the knowledge base is on OpenSearch Serverless', () => {
    const prefix = variant('prefix', (json) => {
      json.profiles['contoso-support'].filter = {
        andAll: [
          { equals: { key: 'tenant', value: 'contoso' } },
          { startsWith: { key: 'tenant', value: 'con' } },
        ],
      };
    });
    expect(compose(prefix)).toThrow(SettingsError);
    expect(compose(prefix)).toThrow(
      /Context "profiles": .*prefix\.json: profiles\.contoso-support\.filter\.andAll\[1\]\.startsWith: this knowledge base keeps its vectors in S3 Vectors.*; or deploy with -c vectorStore=opensearch-serverless/,
    );
    const onOpenSearch = () =>
      composeLanternApp(
        new App({
          context: {
            'aws:cdk:bundling-stacks': [],
            region: 'us-east-1',
            profiles: prefix,
            slack: 'false',
            vectorStore: 'opensearch-serverless',
          },
        }),
        new Date('2026-12-07T00:00:00Z'),
      );
    expect(onOpenSearch).not.toThrow();
  });

  it('a default usage plan set both in the file and on the command line', () => {
    const withDefaultTier = variant('tier', (json) => {
      json.defaults.usagePlan = { rateLimit: 5, burstLimit: 10 };
    });
    const both = () =>
      composeLanternApp(
        new App({
          context: {
            'aws:cdk:bundling-stacks': [],
            region: 'us-east-1',
            profiles: withDefaultTier,
            apiRateLimit: '3',
          },
        }),
      );
    expect(both).toThrow(/set the default plan in one place/);
  });
});

describe('the knowledge base across attribute changes', () => {
  const knowledgeBaseName = (profiles?: string) => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], region: 'us-east-1', ...(profiles ? { profiles } : {}) },
    });
    const { stateful } = composeLanternApp(app);
    const [kb] = Object.values(Template.fromStack(stateful).findResources('AWS::Bedrock::KnowledgeBase'));
    return kb?.Properties.Name as string;
  };

  it('is renamed when the index must be replaced for other non-filterable keys, so CloudFormation can create the new one first', () => {
    const plain = knowledgeBaseName();
    // The fixture declares tags: the index leaves it filterable, so it is another index.
    const withTags = knowledgeBaseName(FIXTURE);
    expect(plain).toMatch(/^Lantern-Stateful-[0-9a-f]{8}$/);
    expect(withTags).toMatch(/^Lantern-Stateful-[0-9a-f]{8}$/);
    expect(withTags).not.toBe(plain);
    // Other profile settings leave the index, and so the knowledge base, alone.
    const dir = tempDir('kb-name');
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    fixture.profiles.northwind.numberOfResults = 9;
    const path = join(dir, 'more-results.json');
    writeFileSync(path, JSON.stringify(fixture));
    expect(knowledgeBaseName(path)).toBe(withTags);
  });
});

describe('visitor tokens with answer profiles', () => {
  it("tell visitor-tokens each key's profile, so a token carries its minting key's profile", () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        region: 'us-east-1',
        profiles: FIXTURE,
        auth: 'both',
        visitorTokens: 'true',
      },
    });
    const { stateless } = composeLanternApp(app);
    const withTokens = Template.fromStack(stateless);
    const all = withTokens.toJSON().Resources;
    const visitorTokens = logicalIdOf(withTokens, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('visitor-tokens'),
    });
    const keyRefs = Object.fromEntries(
      ['northwind', 'contoso-support'].map((profile) => [
        logicalIdOf(withTokens, 'AWS::ApiGateway::ApiKey', { Name: `lantern-${profile}` }),
        `id-${profile}`,
      ]),
    );
    const variables = all[visitorTokens].Properties.Environment.Variables;
    expect(JSON.parse(resolveValue(variables.API_KEY_PROFILES, keyRefs))).toEqual({
      'id-northwind': 'northwind',
      'id-contoso-support': 'contoso-support',
    });
    expect(variables).not.toHaveProperty('MODEL_ARNS');
  });
});

describe('synth without profiles', () => {
  it('deploys the one default key and none of the answer variables, as before', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], region: 'us-east-1' } });
    const { stateless } = composeLanternApp(app);
    const plain = Template.fromStack(stateless);
    plain.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    plain.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    for (const fn of Object.values(plain.findResources('AWS::Lambda::Function'))) {
      const names = Object.keys(fn.Properties.Environment?.Variables ?? {});
      for (const name of ['ANSWER_SETTINGS_FILE', 'API_KEY_PROFILES', 'MODEL_ARNS', 'VECTOR_STORE']) {
        expect(names).not.toContain(name);
      }
    }
  });
});

/** The bundled settings file of a function, in the cloud assembly's copy of its asset. */
const bundledSettingsPath = (functionLogicalId: string) =>
  bundledFilePath(lantern, functionLogicalId, 'answer-settings.json');

describe('what the deployed chat function sends Bedrock for each profile', () => {
  const TABLE = 'lantern-profiles-test';
  const KNOWLEDGE_BASE = 'KBPROFILE1';
  let backends: DeployedBackends;
  let emulator: BedrockEmulator;
  let handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
  let streamHandler: (event: unknown, stream: LambdaResponseStream, context: unknown) => Promise<void>;

  beforeAll(async () => {
    backends = await startDeployedBackends(KNOWLEDGE_BASE, TABLE);
    ({ emulator } = backends);
    // The chat function's variables as the template sets them, with what only AWS would fill in:
    // the imported table and knowledge base, the key ids, the account.
    const deployed = variablesOf(chatId);
    const local: Record<string, string> = {
      ...backends.environment,
      ANSWER_SETTINGS_FILE: bundledSettingsPath(chatId),
    };
    for (const [name, value] of Object.entries(deployed)) {
      process.env[name] = local[name] ?? resolveValue(value, refs);
    }
    for (const [name, value] of Object.entries(local)) process.env[name] = value;
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    // The entry file reads its environment when loaded, as on Lambda.
    ({ handler } = (await import('../../functions/chat/handler.ts')) as unknown as {
      handler: typeof handler;
    });
    // chat-stream's variables and bundled file are chat's (asserted above); the runtime's globals first.
    installLambdaStreamingGlobals();
    ({ handler: streamHandler } = (await import('../../functions/chat-stream/handler.ts')) as unknown as {
      handler: typeof streamHandler;
    });
  }, 120_000);
  afterAll(async () => {
    await backends?.close();
  });

  /** What Bedrock must receive for northwind, on either path. */
  const northwindConfiguration = {
    type: 'KNOWLEDGE_BASE',
    knowledgeBaseConfiguration: {
      knowledgeBaseId: KNOWLEDGE_BASE,
      modelArn: NOVA_PRO,
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: 8,
          filter: { equals: { key: 'tenant', value: 'northwind' } },
          rerankingConfiguration: {
            type: 'BEDROCK_RERANKING_MODEL',
            bedrockRerankingConfiguration: {
              modelConfiguration: { modelArn: COHERE_RERANK },
              numberOfRerankedResults: 3,
            },
          },
        },
      },
      generationConfiguration: {
        promptTemplate: {
          textPromptTemplate:
            "You answer for Northwind's help desk, from these results only:\n$search_results$\n$output_format_instructions$",
        },
        inferenceConfig: {
          textInferenceConfig: { temperature: 0.1, topP: 0.9, maxTokens: 600, stopSequences: ['END'] },
        },
      },
    },
  };

  const chatEvent = (keyId: string, body: Record<string, unknown>) => {
    const event = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'events', 'api-gateway', 'chat-post.json'), 'utf8'),
    );
    event.requestContext.identity.apiKeyId = keyId;
    event.requestContext.identity.apiKey = `value-of-${keyId}`;
    event.body = JSON.stringify({ message: 'How do I reset my password?', ...body });
    return event;
  };
  const ask = async (keyId: string, body: Record<string, unknown> = {}) => {
    emulator.clearRequests();
    const response = await handler(chatEvent(keyId, body), {
      awsRequestId: `test-${keyId}`,
      getRemainingTimeInMillis: () => 28_000,
    });
    const sent = emulator.requests().filter((request) => request.operation === 'RetrieveAndGenerate');
    expect(sent).toHaveLength(1);
    return { response, sent: sent[0]?.body as { retrieveAndGenerateConfiguration: unknown } };
  };

  it("sends northwind's model, filter, number of results, reranking, prompt and inference settings", async () => {
    const { response, sent } = await ask(TEST_KEY_IDS.northwind);
    expect(response.statusCode).toBe(200);
    expect(sent.retrieveAndGenerateConfiguration).toEqual(northwindConfiguration);
  });

  it("sends contoso-support's filter, number of results, query decomposition and orchestration prompt, with the defaults' model", async () => {
    const { response, sent } = await ask(TEST_KEY_IDS['contoso-support']);
    expect(response.statusCode).toBe(200);
    expect(sent.retrieveAndGenerateConfiguration).toEqual({
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: {
        knowledgeBaseId: KNOWLEDGE_BASE,
        modelArn: NOVA_LITE_PROFILE,
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 4,
            filter: {
              andAll: [
                { equals: { key: 'tenant', value: 'contoso' } },
                { greaterThanOrEquals: { key: 'year', value: 2024 } },
              ],
            },
          },
        },
        orchestrationConfiguration: {
          promptTemplate: {
            textPromptTemplate:
              "Rewrite the customer's question for a search of the help articles.\n$conversation_history$\n$output_format_instructions$",
          },
          queryTransformationConfiguration: { type: 'QUERY_DECOMPOSITION' },
        },
      },
    });
  });

  it('sends the defaults for a key without a profile, and the model a request chooses within its profile', async () => {
    const plain = await ask(TEST_KEY_IDS.default);
    expect(plain.response.statusCode).toBe(200);
    expect(plain.sent.retrieveAndGenerateConfiguration).toEqual({
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: {
        knowledgeBaseId: KNOWLEDGE_BASE,
        modelArn: NOVA_LITE_PROFILE,
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } },
      },
    });
    const chosen = await ask(TEST_KEY_IDS.northwind, { model: 'us.amazon.nova-lite-v1:0' });
    expect(chosen.response.statusCode).toBe(200);
    expect(chosen.sent.retrieveAndGenerateConfiguration).toMatchObject({
      knowledgeBaseConfiguration: { modelArn: NOVA_LITE_PROFILE },
    });
  });

  it("streams with the same settings: northwind's RetrieveAndGenerateStream request", async () => {
    emulator.clearRequests();
    const { stream, captured } = captureResponseStream();
    await streamHandler(chatEvent(TEST_KEY_IDS.northwind, {}), stream, {
      awsRequestId: 'test-stream',
      getRemainingTimeInMillis: () => 300_000,
    });
    const { head, body: written } = captured();
    expect(head?.statusCode).toBe(200);
    expect(written).toMatch(/event: done/);
    const sent = emulator.requests().filter((request) => request.operation === 'RetrieveAndGenerateStream');
    expect(sent).toHaveLength(1);
    const body = sent[0]?.body as { retrieveAndGenerateConfiguration?: unknown } | undefined;
    expect(body?.retrieveAndGenerateConfiguration).toEqual(northwindConfiguration);
  });
});
