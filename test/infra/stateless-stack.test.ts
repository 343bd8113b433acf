import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { foundationModelArn } from '../../infra/lib/bedrock-arns.ts';
import { grantsByAction, logicalIdOf, statementsOfRole, synthesizeLantern } from './support/lantern-app.ts';

const lantern = synthesizeLantern();
afterAll(lantern.cleanUp);
const { stateless, statelessTemplate: template } = lantern;
const resources: Record<string, { Type: string; Properties: Record<string, unknown> }> =
  template.toJSON().Resources;

const modelArn = stateless.resolve(foundationModelArn(stateless, knowledgeBaseSettings.generationModelId));
const tableArn = { 'Fn::ImportValue': expect.stringMatching(/^Lantern-Stateful:.*Table.*Arn/) };
const knowledgeBaseArn = { 'Fn::ImportValue': expect.stringMatching(/^Lantern-Stateful:.*KnowledgeBaseArn/) };

/** `"POST /v1/chat"` → the method's properties, built from the API's resource tree. */
function methodsByRoute(t: Template): Map<string, Record<string, unknown>> {
  const pathOf = (parent: unknown): string => {
    const ref = (parent as { Ref?: string }).Ref;
    const resource = ref ? resources[ref] : undefined;
    if (!resource) return ''; // the API's root resource
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  const routes = new Map<string, Record<string, unknown>>();
  for (const method of Object.values(t.findResources('AWS::ApiGateway::Method'))) {
    const { HttpMethod, ResourceId } = method.Properties;
    routes.set(`${HttpMethod} ${pathOf(ResourceId) || '/'}`, method.Properties);
  }
  return routes;
}
const routes = methodsByRoute(template);
const route = (name: string) => {
  const method = routes.get(name);
  if (!method) throw new Error(`No route ${name}; routes: ${[...routes.keys()].join(', ')}`);
  return method;
};

/** The Lambda function behind a route. */
function functionIdOf(name: string): string {
  const uri = JSON.stringify((route(name).Integration as { Uri: unknown }).Uri);
  const id = Object.keys(template.findResources('AWS::Lambda::Function')).find((fn) =>
    uri.includes(`"${fn}","Arn"`),
  );
  if (!id) throw new Error(`No function behind ${name}`);
  return id;
}
/** The properties of a function, by logical id. */
function functionProps(functionId: string): Record<string, unknown> {
  const fn = resources[functionId];
  if (fn?.Type !== 'AWS::Lambda::Function') throw new Error(`${functionId} is not a function`);
  return fn.Properties;
}
const roleIdOf = (functionId: string) =>
  (functionProps(functionId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('functions', () => {
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'));

  it('deploys the chat, sessions and health handlers', () => {
    expect(functions).toHaveLength(3);
  });

  it('runs every function on Node.js 22+ and arm64, with enough memory, tracing and a log retention', () => {
    for (const [, fn] of functions) {
      const p = fn.Properties;
      expect(['nodejs22.x', 'nodejs24.x']).toContain(p.Runtime);
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.MemorySize).toBeGreaterThanOrEqual(512);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Handler).toBe('index.handler');
      const logGroupId = p.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId]?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('gives every function the configuration contract of shared/config.ts', () => {
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment.Variables).toEqual({
        TABLE_NAME: { 'Fn::ImportValue': expect.stringMatching(/^Lantern-Stateful:.*Table/) },
        KNOWLEDGE_BASE_ID: {
          'Fn::ImportValue': expect.stringMatching(/^Lantern-Stateful:.*KnowledgeBaseId/),
        },
        MODEL_ARN: modelArn,
        SESSION_TTL_DAYS: '30',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lantern',
        LOG_LEVEL: 'INFO',
      });
    }
    expect(JSON.stringify(modelArn)).toContain(
      `::foundation-model/${knowledgeBaseSettings.generationModelId}`,
    );
  });

  it('bundles each handler as one ESM file that defines require and carries the AWS SDK', () => {
    const assetDirs = functions.map(([, fn]) => {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      return join(lantern.assembly.directory, `asset.${hash}`);
    });
    expect(assetDirs).toHaveLength(3);
    for (const dir of assetDirs) {
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    }
  });
});

describe('least-privilege IAM', () => {
  const grantsOf = (routeName: string) =>
    grantsByAction(statementsOfRole(template, roleIdOf(functionIdOf(routeName))));
  const logsAndTracing = [
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'xray:PutTelemetryRecords',
    'xray:PutTraceSegments',
  ];

  it('lets every function write only to its own log group', () => {
    for (const routeName of ['POST /v1/chat', 'GET /v1/sessions/{id}', 'GET /v1/health']) {
      const functionId = functionIdOf(routeName);
      const logGroup = {
        'Fn::GetAtt': [
          (functionProps(functionId).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
          'Arn',
        ],
      };
      const grants = grantsOf(routeName);
      expect(grants.get('logs:CreateLogStream')).toEqual([logGroup]);
      expect(grants.get('logs:PutLogEvents')).toEqual([logGroup]);
    }
  });

  it('lets chat use the table, the knowledge base and the generation model, and nothing else', () => {
    const grants = grantsOf('POST /v1/chat');
    expect([...grants.keys()].sort()).toEqual(
      [
        ...logsAndTracing,
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
        'bedrock:Retrieve',
        'bedrock:RetrieveAndGenerate',
        'bedrock:InvokeModel',
      ].sort(),
    );
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) {
      expect(grants.get(action)).toEqual([tableArn]);
    }
    expect(grants.get('bedrock:Retrieve')).toEqual([knowledgeBaseArn]);
    expect(grants.get('bedrock:InvokeModel')).toEqual([modelArn]);
  });

  it('grants RetrieveAndGenerate, which has no resource type in IAM, alone in its own statement', () => {
    const statements = statementsOfRole(template, roleIdOf(functionIdOf('POST /v1/chat')));
    const wildcard = statements.filter((statement) => statement.Resource === '*');
    expect(wildcard.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'bedrock:RetrieveAndGenerate',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(wildcard.find((statement) => statement.Action === 'bedrock:RetrieveAndGenerate')).toBeDefined();
  });

  it('lets sessions read and delete items of the table only', () => {
    const grants = grantsOf('GET /v1/sessions/{id}');
    const dynamo = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    expect([...grants.keys()].sort()).toEqual([...logsAndTracing, ...dynamo].sort());
    for (const action of dynamo) {
      expect(grants.get(action)).toEqual([tableArn]);
    }
    expect(functionIdOf('DELETE /v1/sessions/{id}')).toBe(functionIdOf('GET /v1/sessions/{id}'));
  });

  it('gives health nothing beyond logs and tracing', () => {
    expect([...grantsOf('GET /v1/health').keys()].sort()).toEqual([...logsAndTracing].sort());
  });
});

describe('REST API', () => {
  it('is named lantern-api and serves exactly the v1 routes', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'lantern-api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    expect([...routes.keys()].filter((r) => !r.startsWith('OPTIONS')).sort()).toEqual([
      'DELETE /v1/sessions/{id}',
      'GET /v1/health',
      'GET /v1/sessions/{id}',
      'POST /v1/chat',
    ]);
  });

  it('requires an API key on chat and sessions, not on health', () => {
    expect(route('POST /v1/chat').ApiKeyRequired).toBe(true);
    expect(route('GET /v1/sessions/{id}').ApiKeyRequired).toBe(true);
    expect(route('DELETE /v1/sessions/{id}').ApiKeyRequired).toBe(true);
    expect(route('GET /v1/health').ApiKeyRequired).toBe(false);
  });

  it('proxies every route to its Lambda function', () => {
    for (const [name, method] of routes) {
      if (name.startsWith('OPTIONS')) continue;
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
    }
    expect(new Set(['POST /v1/chat', 'GET /v1/sessions/{id}', 'GET /v1/health'].map(functionIdOf)).size).toBe(
      3,
    );
  });

  it('validates the chat body against the ChatRequest model', () => {
    const validatorId = logicalIdOf(template, 'AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
    });
    expect(route('POST /v1/chat')).toMatchObject({
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: expect.any(String) } },
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({
        type: 'object',
        required: ['message'],
        properties: {
          message: { type: 'string', minLength: 1, maxLength: 1000 },
          sessionId: Match.objectLike({ type: 'string' }),
          clientMessageId: Match.objectLike({ type: 'string' }),
        },
      }),
    });
  });

  it('answers CORS preflights for browser frontends, allowing content-type and x-api-key', () => {
    const preflight = route('OPTIONS /v1/chat');
    expect(preflight.ApiKeyRequired).not.toBe(true);
    expect(JSON.stringify(preflight.Integration)).toContain(
      '"method.response.header.Access-Control-Allow-Headers":"\'content-type,x-api-key\'"',
    );
    expect(routes.has('OPTIONS /v1/sessions/{id}')).toBe(true);
  });

  it('deploys stage prod with tracing, access logs and throttling', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.stringLikeRegexp('"apiKeyId":"\\$context.identity.apiKeyId"'),
      },
      MethodSettings: [
        Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, ThrottlingRateLimit: 50 }),
      ],
    });
  });

  it('meters API keys with a usage plan: throttle and a monthly quota on stage prod', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: { Limit: 100_000, Period: 'MONTH' },
      ApiStages: [Match.objectLike({ ApiId: Match.anyValue(), Stage: Match.anyValue() })],
    });
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
      KeyId: { Ref: logicalIdOf(template, 'AWS::ApiGateway::ApiKey') },
      KeyType: 'API_KEY',
      UsagePlanId: { Ref: logicalIdOf(template, 'AWS::ApiGateway::UsagePlan') },
    });
  });

  it('rewrites gateway errors into the {"error": {"code", "message"}} contract', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'));
    const byType = new Map(responses.map((r) => [r.Properties.ResponseType, r.Properties]));
    expect(byType.get('INVALID_API_KEY')).toMatchObject({ StatusCode: '401' });
    expect(byType.get('MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ StatusCode: '404' });
    for (const response of byType.values()) {
      const body = response.ResponseTemplates['application/json'].replace(
        '$context.error.messageString',
        '"Gateway message"',
      );
      expect(JSON.parse(body)).toEqual({
        error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) },
      });
      expect(response.ResponseParameters).toHaveProperty([
        'gatewayresponse.header.Access-Control-Allow-Origin',
      ]);
    }
    expect(JSON.parse(byType.get('INVALID_API_KEY').ResponseTemplates['application/json']).error.code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('outputs the API URL and the API key id', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('ApiKeyId', { Value: { Ref: logicalIdOf(template, 'AWS::ApiGateway::ApiKey') } });
  });
});

describe('context', () => {
  it('restricts CORS to the configured origins and sets the session lifetime', () => {
    const synthesized = synthesizeLantern({
      bundle: false,
      context: { corsAllowOrigins: 'https://app.example.com', sessionTtlDays: '7' },
    });
    onTestFinished(synthesized.cleanUp);
    const custom = synthesized.statelessTemplate;
    const preflight = JSON.stringify(methodsByRoute(custom).get('OPTIONS /v1/chat')?.Integration);
    expect(preflight).toContain("'https://app.example.com'");
    for (const fn of Object.values(custom.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.SESSION_TTL_DAYS).toBe('7');
    }
  });
});
