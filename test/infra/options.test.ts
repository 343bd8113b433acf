import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ingestionSettings } from '../../config/ingestion.ts';
import { resolveGenerationModel } from '../../infra/lib/bedrock-arns.ts';
import { readSettings } from '../../infra/lib/settings.ts';
import {
  EVERYTHING_CONTEXT,
  grantsByAction,
  logicalIdOf,
  MINIMAL_CONTEXT,
  statementsOfRole,
  unbundledSynthesizer,
} from './support/lantern-app.ts';

// One synthesis per configuration, unbundled, cleaned up at the end.
const synth = unbundledSynthesizer();

const settingsOf = (context: Record<string, unknown>) =>
  readSettings(new App({ context: { region: 'us-east-1', ...context } }).node);
const chatFunctionId = (t: Template) =>
  logicalIdOf(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^POST /v1/chat:') });
const chatEnvironment = (t: Template) =>
  t.toJSON().Resources[chatFunctionId(t)].Properties.Environment.Variables as Record<string, unknown>;
const chatStatements = (t: Template) =>
  statementsOfRole(t, t.toJSON().Resources[chatFunctionId(t)].Properties.Role['Fn::GetAtt'][0]);

describe('context settings', () => {
  it('defaults to the config files, S3 Vectors, Slack and the guardrail on, WAF and invocation logging off', () => {
    expect(settingsOf({})).toEqual({
      region: 'us-east-1',
      model: 'us.amazon.nova-lite-v1:0',
      modelIsDefault: true,
      contextualGrounding: false,
      embedding: { modelId: 'amazon.titan-embed-text-v2:0', dimensions: 1024, configurableDimensions: true },
      vectorStore: 's3-vectors',
      slack: true,
      guardrail: true,
      waf: false,
      modelInvocationLogging: false,
      logRetentionDays: 30,
      sessionTtlDays: 30,
      usagePlan: { rateLimit: 10, burstLimit: 20, monthlyQuota: 100_000 },
      usagePlanIsDefault: true,
    });
  });

  it('refuses values that would only fail at deployment, naming the key', () => {
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ slak: 'false' }, /Unknown context "slak"/],
      [{ model: 'gpt-4' }, /"model" must be a Bedrock model id/],
      [{ vectorStore: 'pinecone' }, /"vectorStore" must be one of s3-vectors, opensearch-serverless/],
      [{ confluenceHostUrl: 'https://example.atlassian.net' }, /must be given together/],
      [
        { confluenceHostUrl: 'https://wiki.example.com', confluenceSecretArn: 'x' },
        /"confluenceHostUrl" must be/,
      ],
      [{ confluenceAuthType: 'BASIC' }, /need "confluenceHostUrl"/],
      [{ confluenceSyncSchedule: 'rate(1 hour)' }, /need "confluenceHostUrl"/],
      [
        { ...confluence(), confluenceSyncSchedule: 'hourly' },
        /"confluenceSyncSchedule" must be an EventBridge/,
      ],
      [{ ...confluence(), confluenceSyncSchedule: 'rate(1 hours)' }, /"confluenceSyncSchedule" must be/],
      [{ logRetentionDays: '45' }, /"logRetentionDays" must be a period CloudWatch Logs supports/],
      [{ sessionTtlDays: '0' }, /"sessionTtlDays" must be an integer from 1 to 365/],
      [{ slack: 'yes' }, /"slack" must be true or false/],
      [
        { profiles: 'config/answer-settings.yaml' },
        /"profiles" must be the path of an answer settings JSON file/,
      ],
      [{ embeddingModel: 'acme.embed-v1:0' }, /"embeddingDimensions" is required/],
      [{ embeddingDimensions: '768' }, /must be one of 1024, 512, 256/],
      [
        { ...confluence(), confluenceFilters: '[{"objectType":"Page","inclusionFilters":["("]}]' },
        /invalid regular expression/,
      ],
      [
        { ...confluence(), confluenceFilters: '[{"objectType":"Folder","inclusionFilters":["a"]}]' },
        /objectType/,
      ],
      [{ alarmEmail: 'ops' }, /"alarmEmail" must be an email address/],
    ];
    for (const [context, message] of refused) {
      expect(() => settingsOf(context), JSON.stringify(context)).toThrow(message);
    }
  });

  it('reads corsAllowOrigins as exact origins, * alone as every origin', () => {
    expect(
      settingsOf({
        corsAllowOrigins: ' https://app.example.com, http://localhost:5173,https://app.example.com',
      }).corsAllowOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(settingsOf({ corsAllowOrigins: ['https://app.example.com:8443'] }).corsAllowOrigins).toEqual([
      'https://app.example.com:8443',
    ]);
    expect(settingsOf({ corsAllowOrigins: '*' })).not.toHaveProperty('corsAllowOrigins');
    expect(settingsOf({ corsAllowOrigins: '' })).not.toHaveProperty('corsAllowOrigins');
  });

  it('refuses CORS origins a browser would never send, and * beside named origins', () => {
    for (const origin of [
      'https://app.example.com/',
      'https://app.example.com/chat',
      'https://app.example.com:443',
      'http://localhost:80',
      'https://App.Example.com',
      'app.example.com',
      'ftp://app.example.com',
      "https://app'.example.com",
      'https://app.example.com:99999',
      'https://*.example.com',
    ]) {
      expect(() => settingsOf({ corsAllowOrigins: origin }), origin).toThrow(
        /"corsAllowOrigins" must list origins exactly as browsers send them/,
      );
    }
    expect(() => settingsOf({ corsAllowOrigins: '*,https://app.example.com' })).toThrow(
      /"corsAllowOrigins" must be \* alone or a list of origins, not both/,
    );
  });

  it('syncs Confluence on the config/ingestion.ts interval unless confluenceSyncSchedule says otherwise', () => {
    expect(settingsOf(confluence()).confluence?.syncSchedule).toBe(
      `rate(${ingestionSettings.confluenceSyncIntervalMinutes} minutes)`,
    );
    for (const schedule of ['rate(1 hour)', 'rate(15 minutes)', 'cron(0 6 ? * MON-FRI *)']) {
      expect(settingsOf({ ...confluence(), confluenceSyncSchedule: schedule }).confluence?.syncSchedule).toBe(
        schedule,
      );
    }
  });

  it('reads the embedding dimension for models that offer a choice', () => {
    expect(settingsOf({ embeddingDimensions: '512' }).embedding).toEqual({
      modelId: 'amazon.titan-embed-text-v2:0',
      dimensions: 512,
      configurableDimensions: true,
    });
    expect(settingsOf({ embeddingModel: 'cohere.embed-english-v3' }).embedding).toEqual({
      modelId: 'cohere.embed-english-v3',
      dimensions: 1024,
      configurableDimensions: false,
    });
  });

  it('accepts model ids, inference profiles and model ARNs', () => {
    for (const model of [
      'amazon.nova-lite-v1:0',
      'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6',
      'arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdefgh1234',
    ]) {
      expect(settingsOf({ model }).model).toBe(model);
    }
  });
});

// Every option on (a system inference profile as the model, custom API settings); every option off.
const everything = synth(EVERYTHING_CONTEXT);
const minimal = synth(MINIMAL_CONTEXT);

describe('generation model', () => {
  it('calls a system inference profile in this account and region, and its model anywhere only through it', () => {
    const t = everything.statelessTemplate;
    const profileArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':bedrock:us-east-1:',
          { Ref: 'AWS::AccountId' },
          ':inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        ],
      ],
    };
    expect(chatEnvironment(t).MODEL_ARN).toEqual(profileArn);
    const statements = chatStatements(t);
    expect(statements.find((s) => s.Sid === 'GenerateWithTheModel')).toMatchObject({
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: profileArn,
    });
    expect(statements.find((s) => s.Sid === 'ReadTheInferenceProfile')).toMatchObject({
      Action: 'bedrock:GetInferenceProfile',
      Resource: profileArn,
    });
    expect(statements.find((s) => s.Sid === 'GenerateThroughTheInferenceProfile')).toMatchObject({
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
          ],
        ],
      },
      Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    });
  });

  it('uses a foundation-model or provisioned-throughput ARN as given, with no any-region grant', () => {
    const stack = new Stack(new App(), 'Models', { env: { region: 'eu-west-1', account: '111122223333' } });
    for (const arn of [
      'arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcdefgh1234',
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    ]) {
      const model = resolveGenerationModel(stack, arn);
      expect(model.modelArn).toBe(arn);
      expect(model.routedFoundationModelArns).toEqual([]);
    }
    const text = (value: unknown) => JSON.stringify(stack.resolve(value));
    const onDemand = resolveGenerationModel(stack, 'amazon.nova-lite-v1:0');
    expect(onDemand.kind).toBe('foundation-model');
    expect(text(onDemand.modelArn)).toBe(
      '{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0"]]}',
    );
    const global = resolveGenerationModel(stack, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(global.kind).toBe('inference-profile');
    expect(text(global.modelArn)).toContain(
      ':bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
    expect(text(global.routedFoundationModelArns)).toContain(
      ':bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
  });

  it('allows any model through an application inference profile, and only through it', () => {
    const arn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6';
    const statements = chatStatements(synth({ model: arn }).statelessTemplate);
    expect(statements.find((s) => s.Sid === 'GenerateThroughTheInferenceProfile')).toMatchObject({
      Resource: 'arn:aws:bedrock:*::foundation-model/*',
      Condition: { StringEquals: { 'bedrock:InferenceProfileArn': arn } },
    });
  });
});

describe('every option on', () => {
  const t = everything.statelessTemplate;

  it('puts a WAF web ACL with managed rules and a rate limit in front of the API stage', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              VendorName: 'AWS',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
        Match.objectLike({ Name: 'RateLimitPerIp', Action: { Block: {} } }),
      ]),
    });
    const stageId = logicalIdOf(t, 'AWS::ApiGateway::Stage');
    const association = Object.values(t.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain(`{"Ref":"${stageId}"}`);
  });

  it('turns on Bedrock model invocation logging to its own log group, through a role only Bedrock can assume', () => {
    const resource = Object.values(t.findResources('Custom::BedrockModelInvocationLogging'))[0];
    const create = JSON.stringify(resource?.Properties.Create);
    expect(create).toContain('PutModelInvocationLoggingConfiguration');
    expect(create).toContain('textDataDeliveryEnabled');
    expect(JSON.stringify(resource?.Properties.Delete)).toContain(
      'DeleteModelInvocationLoggingConfiguration',
    );
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })],
      },
    });
  });

  it('keeps every log group for the configured retention', () => {
    for (const group of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });

  it('syncs Confluence on a schedule: the Scheduled Event itself to kb-sync, retried twice', () => {
    const kbSyncId = logicalIdOf(t, 'AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Syncs the knowledge base'),
    });
    const scheduleId = logicalIdOf(t, 'AWS::Events::Rule', { ScheduleExpression: Match.anyValue() });
    const schedule = t.toJSON().Resources[scheduleId].Properties;
    expect(schedule.ScheduleExpression).toBe(
      `rate(${ingestionSettings.confluenceSyncIntervalMinutes} minutes)`,
    );
    expect(schedule.Targets).toEqual([
      {
        Arn: { 'Fn::GetAtt': [kbSyncId, 'Arn'] },
        Id: 'Target0',
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    ]);
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [kbSyncId, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [scheduleId, 'Arn'] },
    });
    // Both data sources, the bucket's first.
    expect(
      t.toJSON().Resources[kbSyncId].Properties.Environment.Variables.KNOWLEDGE_BASE_DATA_SOURCE_IDS,
    ).toEqual({
      'Fn::Join': [
        '',
        [
          {
            'Fn::ImportValue': expect.stringMatching(/^Lantern-Stateful:.*DocumentsDataSource.*DataSourceId/),
          },
          ',',
          {
            'Fn::ImportValue': expect.stringMatching(
              /^Lantern-Stateful:.*ConfluenceDataSource.*DataSourceId/,
            ),
          },
        ],
      ],
    });
  });

  it('mails alarms to the configured address', () => {
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

describe('every option off', () => {
  const t = minimal.statelessTemplate;

  it('has no Slack route, queue or functions, and no crawl schedule', () => {
    t.resourceCountIs('AWS::Lambda::Function', 7);
    // kb-sync's queue and its dead-letter queue.
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.resourceCountIs('AWS::Events::Rule', 1);
    expect(JSON.stringify(t.toJSON().Resources)).not.toContain('"PathPart":"slack"');
    expect(Object.keys(t.toJSON().Outputs)).not.toContain('SlackRequestUrl');
  });

  it('has no guardrail version, variables or grant', () => {
    t.resourceCountIs('AWS::Bedrock::GuardrailVersion', 0);
    expect(chatEnvironment(t)).not.toHaveProperty('GUARDRAIL_ID');
    expect(grantsByAction(chatStatements(t)).has('bedrock:ApplyGuardrail')).toBe(false);
  });

  it('alarms on throttles of the six remaining functions, and on the kb-sync dead-letter queue only', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    expect(
      Object.keys(t.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.includes('DeadLetters')),
    ).toEqual([expect.stringMatching(/^MonitoringKbSyncDeadLetters/)]);
  });
});

describe('API settings', () => {
  it('restricts CORS to the configured origins, sets the session lifetime and the usage plan', () => {
    const t = everything.statelessTemplate;
    const preflight = Object.values(t.findResources('AWS::ApiGateway::Method')).find(
      (method) => method.Properties.HttpMethod === 'OPTIONS',
    );
    expect(JSON.stringify(preflight?.Properties.Integration)).toContain("'https://app.example.com'");
    // Lantern's functions (the invocation-logging custom resource has its own, without the contract).
    const lanternFunctions = Object.values(t.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Environment?.Variables?.TABLE_NAME,
    );
    expect(lanternFunctions).toHaveLength(9);
    for (const fn of lanternFunctions) {
      expect(fn.Properties.Environment.Variables.SESSION_TTL_DAYS).toBe('7');
    }
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 8 },
      Quota: { Limit: 5000, Period: 'MONTH' },
    });
  });

  it('gives the functions behind the API the allow-list, and gateway errors its first origin with Vary: Origin', () => {
    const t = synth({ corsAllowOrigins: 'https://app.example.com,http://localhost:5173' }).statelessTemplate;
    const functions = Object.values(t.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties);
    // Their descriptions name their routes.
    const behindTheApi = functions.filter((fn) => fn.Description.includes('/v1/'));
    // chat, chat-stream, sessions, health, openapi, slack-events and kb-admin; not slack-worker or kb-sync.
    expect(behindTheApi).toHaveLength(7);
    for (const fn of behindTheApi) {
      expect(fn.Environment.Variables.CORS_ALLOW_ORIGINS, fn.Description).toBe(
        'https://app.example.com,http://localhost:5173',
      );
    }
    for (const fn of functions.filter((f) => !behindTheApi.includes(f))) {
      expect(fn.Environment.Variables, fn.Description).not.toHaveProperty('CORS_ALLOW_ORIGINS');
    }
    const responses = Object.values(t.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.Properties.ResponseParameters, response.Properties.ResponseType).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Vary': "'Origin'",
      });
    }
    expect(JSON.stringify(t.toJSON())).not.toContain('method.request.header.origin');
  });
});

function confluence() {
  return {
    confluenceHostUrl: 'https://example.atlassian.net',
    confluenceSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:conf-AbCdEf',
  };
}
