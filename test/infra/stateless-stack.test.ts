import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EnvironmentVariableName,
  environmentContract,
  type VariableScope,
  variablesFor,
} from '../../config/environment.ts';
import { ingestionSettings } from '../../config/ingestion.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { slackSettings } from '../../config/slack.ts';
import { resolveGenerationModel } from '../../infra/lib/bedrock-arns.ts';
import { REST_FUNCTION_TIMEOUT } from '../../infra/stacks/stateless-stack.ts';
import {
  grantsByAction,
  logicalIdOf,
  type Statement,
  statementsOfRole,
  synthesizeLantern,
} from './support/lantern-app.ts';

// The one synthesis of this file that bundles the handlers (the bundle test reads them).
const lantern = synthesizeLantern();
afterAll(lantern.cleanUp);
const { stateless, statelessTemplate: template } = lantern;
/** A template fragment, loosely typed as CDK's `Template.toJSON()` returns it. */
type Json = ReturnType<Template['toJSON']>;
const resources: Json = template.toJSON().Resources;

// The default model is a cross-Region inference profile: the profile, and its model in every region.
const generationModel = resolveGenerationModel(stateless, lantern.model);
const modelArn = stateless.resolve(generationModel.modelArn);
const routedModelArns = generationModel.routedFoundationModelArns.map((arn) => stateless.resolve(arn));
const imported = (pattern: RegExp) => ({ 'Fn::ImportValue': expect.stringMatching(pattern) });
const tableArn = imported(/^Lantern-Stateful:.*Table.*Arn/);
const knowledgeBaseArn = imported(/^Lantern-Stateful:.*KnowledgeBaseArn/);
const guardrailArn = imported(/^Lantern-Stateful:.*Guardrail.*GuardrailArn/);
const secretRef = imported(/^Lantern-Stateful:.*SlackSecret/);

/** `"POST /v1/chat"` → the method's properties, built from the API's resource tree. */
function methodsByRoute(t: Template): Map<string, Record<string, unknown>> {
  const all: Json = t.toJSON().Resources;
  const pathOf = (parent: unknown): string => {
    const ref = (parent as { Ref?: string }).Ref;
    const resource = ref ? all[ref] : undefined;
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

/** Logical id of the function whose description starts with `prefix`. */
function functionId(prefix: string): string {
  return logicalIdOf(template, 'AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp(`^${escapeRegExp(prefix)}`),
  });
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const ids = {
  chat: functionId('POST /v1/chat:'),
  chatStream: functionId('POST /v1/chat/stream:'),
  sessions: functionId('GET and DELETE /v1/sessions'),
  health: functionId('GET /v1/health'),
  slackEvents: functionId('POST /v1/slack/events'),
  slackWorker: functionId('Answers queued Slack questions'),
  kbAdmin: functionId('POST /v1/admin/knowledge-base/sync'),
  kbSync: functionId('Syncs the knowledge base'),
};
/** Serves a static document: no throttle alarm, so it stays out of `ids`. */
const openApiId = functionId('GET /v1/openapi.json');
const props = (id: string): Json => resources[id]?.Properties;
const roleOf = (id: string) => (props(id).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const grantsOf = (id: string) => grantsByAction(statementsOfRole(template, roleOf(id)));
const environmentOf = (id: string) => props(id).Environment.Variables as Record<string, unknown>;
/** The function a route invokes. */
const functionBehind = (name: string) => {
  const uri = JSON.stringify((route(name).Integration as { Uri: unknown }).Uri);
  return Object.values(ids).find((id) => uri.includes(`"${id}","Arn"`));
};

const logsAndTracing = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];
const conversationActions = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:DeleteItem',
  'bedrock:Retrieve',
  'bedrock:RetrieveAndGenerate',
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:GetInferenceProfile',
  'bedrock:ApplyGuardrail',
];
const sorted = (list: Iterable<string>) => [...list].sort();
const adminRoutes = [
  'POST /v1/admin/knowledge-base/sync',
  'GET /v1/admin/knowledge-base/jobs',
  'GET /v1/admin/knowledge-base/jobs/{jobId}',
];
/** The Slack queue and its dead-letter queue (kb-sync's are told apart by their own settings). */
const slackQueueId = logicalIdOf(template, 'AWS::SQS::Queue', {
  VisibilityTimeout: slackSettings.queueVisibilityTimeoutSeconds,
});
const slackDeadLetterId =
  resources[slackQueueId].Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
const kbQueueId = logicalIdOf(template, 'AWS::SQS::Queue', {
  VisibilityTimeout: ingestionSettings.queueVisibilityTimeoutSeconds,
});
const kbDeadLetterId = resources[kbQueueId].Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];

describe('functions', () => {
  const functions = Object.entries(template.findResources('AWS::Lambda::Function'));

  it('deploys chat, chat-stream, sessions, health, openapi, the two Slack handlers, kb-admin and kb-sync', () => {
    expect(functions).toHaveLength(9);
    expect(new Set([...Object.values(ids), openApiId]).size).toBe(9);
  });

  it('runs every function on Node.js 22+ and arm64, with memory for latency, tracing and a log retention', () => {
    for (const [, fn] of functions) {
      const p = fn.Properties;
      expect(['nodejs22.x', 'nodejs24.x']).toContain(p.Runtime);
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.MemorySize).toBeGreaterThanOrEqual(512);
      expect(p.TracingConfig).toEqual({ Mode: 'Active' });
      expect(p.Handler).toBe('index.handler');
      const logGroupId = p.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId]?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('gives every function the configuration contract of shared/config.ts and Powertools settings', () => {
    for (const [, fn] of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: imported(/^Lantern-Stateful:.*Table/),
        KNOWLEDGE_BASE_ID: imported(/^Lantern-Stateful:.*KnowledgeBaseId/),
        MODEL_ARN: modelArn,
        SESSION_TTL_DAYS: '30',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lantern',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      // No Powertools Tracer in the bundles: its switches would configure nothing.
      expect(
        Object.keys(fn.Properties.Environment.Variables).filter((name) =>
          name.startsWith('POWERTOOLS_TRACE'),
        ),
      ).toEqual([]);
    }
    expect(JSON.stringify(modelArn)).toContain(
      `:inference-profile/${knowledgeBaseSettings.generationModelId}`,
    );
  });

  it('tells the functions behind the API that any origin may read their answers (CORS_ALLOW_ORIGINS), and only them', () => {
    for (const id of [
      ids.chat,
      ids.chatStream,
      ids.sessions,
      ids.health,
      openApiId,
      ids.slackEvents,
      ids.kbAdmin,
    ]) {
      expect(environmentOf(id), id).toMatchObject({ CORS_ALLOW_ORIGINS: '*' });
    }
    for (const id of [ids.slackWorker, ids.kbSync]) {
      expect(environmentOf(id), id).not.toHaveProperty('CORS_ALLOW_ORIGINS');
    }
  });

  it('sets only variables of config/environment.ts that the CDK app owns, each on functions of its scope', () => {
    // Powertools' and Node's own settings, which LanternFunction adds and the contract leaves out.
    const runtimeSettings = new Set(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']);
    const scopes: Record<keyof typeof ids, readonly VariableScope[]> = {
      chat: ['http'],
      chatStream: ['http'],
      sessions: ['http'],
      health: ['http'],
      slackEvents: ['http', 'slack-events'],
      slackWorker: ['slack'],
      kbAdmin: ['http', 'ingestion'],
      kbSync: ['ingestion'],
    };
    for (const [name, id] of Object.entries(ids) as Array<[keyof typeof ids, string]>) {
      const allowed = new Set(scopes[name].flatMap((scope) => variablesFor(scope)));
      for (const variable of Object.keys(environmentOf(id)).filter((v) => !runtimeSettings.has(v))) {
        expect(allowed.has(variable as EnvironmentVariableName), `${name}: ${variable}`).toBe(true);
        expect(environmentContract[variable as EnvironmentVariableName].setBy, variable).toBe('cdk');
      }
    }
  });

  it('tells the answering functions which guardrail version to apply, and only them', () => {
    const versionId = logicalIdOf(template, 'AWS::Bedrock::GuardrailVersion');
    for (const id of [ids.chat, ids.chatStream, ids.slackWorker]) {
      expect(environmentOf(id)).toMatchObject({
        GUARDRAIL_ID: imported(/^Lantern-Stateful:.*GuardrailId/),
        GUARDRAIL_VERSION: { 'Fn::GetAtt': [versionId, 'Version'] },
      });
    }
    for (const id of [ids.sessions, ids.health, ids.slackEvents]) {
      expect(environmentOf(id)).not.toHaveProperty('GUARDRAIL_ID');
      expect(environmentOf(id)).not.toHaveProperty('GUARDRAIL_VERSION');
    }
  });

  it('publishes the guardrail version next to its users, named after the policy digest', () => {
    const versions = Object.values(template.findResources('AWS::Bedrock::GuardrailVersion'));
    expect(versions.map((version) => version.Properties)).toEqual([
      {
        GuardrailIdentifier: imported(/^Lantern-Stateful:.*GuardrailId/),
        Description: expect.stringMatching(/^Lantern guardrail policy [0-9a-f]{12}$/),
      },
    ]);
  });

  it('gives the Slack functions the secret and the events function the queue', () => {
    const queueUrl = { Ref: slackQueueId };
    expect(environmentOf(ids.slackEvents)).toMatchObject({
      SLACK_SECRET_ARN: secretRef,
      SLACK_QUEUE_URL: queueUrl,
    });
    expect(environmentOf(ids.slackWorker)).toMatchObject({ SLACK_SECRET_ARN: secretRef });
    expect(environmentOf(ids.slackWorker)).not.toHaveProperty('SLACK_QUEUE_URL');
    for (const id of [ids.chat, ids.chatStream, ids.sessions, ids.health, ids.kbAdmin, ids.kbSync]) {
      expect(environmentOf(id)).not.toHaveProperty('SLACK_SECRET_ARN');
    }
  });

  it('gives the streaming function minutes for long answers and the Slack functions their configured timeouts', () => {
    expect(props(ids.chatStream).Timeout).toBe(300);
    // Below the REST integration's 29 s, so the handler's own 503 with Retry-After reaches the client.
    expect(props(ids.chat).Timeout).toBe(REST_FUNCTION_TIMEOUT.toSeconds());
    expect(props(ids.chat).Timeout).toBeLessThan(29);
    expect(props(ids.slackEvents).Timeout).toBe(slackSettings.eventsTimeoutSeconds);
    expect(props(ids.slackWorker).Timeout).toBe(slackSettings.workerTimeoutSeconds);
  });

  it('bundles each handler as one ESM file that defines require and carries the AWS SDK', () => {
    const assetDirs = functions.map(([, fn]) => {
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      return join(lantern.assembly.directory, `asset.${hash}`);
    });
    expect(new Set(assetDirs).size).toBe(9);
    for (const dir of assetDirs) {
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    }
  });
});

describe('least-privilege IAM', () => {
  it('lets every function write only to its own log group', () => {
    for (const id of Object.values(ids)) {
      const logGroup = { 'Fn::GetAtt': [props(id).LoggingConfig.LogGroup.Ref, 'Arn'] };
      const grants = grantsOf(id);
      expect(grants.get('logs:CreateLogStream')).toEqual([logGroup]);
      expect(grants.get('logs:PutLogEvents')).toEqual([logGroup]);
    }
  });

  it('lets chat and chat-stream use the table, the knowledge base, the model and the guardrail, and nothing else', () => {
    for (const id of [ids.chat, ids.chatStream]) {
      const grants = grantsOf(id);
      expect(sorted(grants.keys())).toEqual(sorted([...logsAndTracing, ...conversationActions]));
      for (const action of conversationActions.filter((a) => a.startsWith('dynamodb:'))) {
        expect(grants.get(action)).toEqual([tableArn]);
      }
      expect(grants.get('bedrock:Retrieve')).toEqual([knowledgeBaseArn]);
      // The streamed path generates with InvokeModelWithResponseStream: both, on the same resources.
      expect(grants.get('bedrock:InvokeModel')).toEqual([modelArn, ...routedModelArns]);
      expect(grants.get('bedrock:InvokeModelWithResponseStream')).toEqual([modelArn, ...routedModelArns]);
      expect(grants.get('bedrock:GetInferenceProfile')).toEqual([modelArn]);
      expect(grants.get('bedrock:ApplyGuardrail')).toEqual([guardrailArn]);
    }
  });

  it('grants RetrieveAndGenerate, which has no resource type in IAM, alone in its own statement', () => {
    const statements = statementsOfRole(template, roleOf(ids.chat));
    const wildcard = statements.filter((statement) => statement.Resource === '*');
    expect(sorted(wildcard.flatMap((statement) => [statement.Action].flat()))).toEqual([
      'bedrock:RetrieveAndGenerate',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(wildcard.find((statement) => statement.Action === 'bedrock:RetrieveAndGenerate')).toBeDefined();
  });

  it('lets sessions read, rate and delete items of the table only', () => {
    const grants = grantsOf(ids.sessions);
    const dynamo = [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    expect(sorted(grants.keys())).toEqual(sorted([...logsAndTracing, ...dynamo]));
    for (const action of dynamo) expect(grants.get(action)).toEqual([tableArn]);
  });

  it('gives health nothing beyond logs and tracing', () => {
    expect(sorted(grantsOf(ids.health).keys())).toEqual(sorted(logsAndTracing));
  });

  it('lets slack-events record event ids (and nothing else) in the table, queue events and read the Slack secret', () => {
    const statements = statementsOfRole(template, roleOf(ids.slackEvents));
    const grants = grantsByAction(statements);
    expect(sorted(grants.keys())).toEqual(
      sorted([
        ...logsAndTracing,
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'secretsmanager:GetSecretValue',
      ]),
    );
    expect(statements.find((s) => s.Sid === 'RecordSlackEvents')).toMatchObject({
      Resource: tableArn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SLACKEVENT#*'] } },
    });
    expect(grants.get('secretsmanager:GetSecretValue')).toEqual([secretRef]);
  });

  it('lets slack-worker answer like chat, consume the queue and read the Slack secret', () => {
    const grants = grantsOf(ids.slackWorker);
    expect(sorted(grants.keys())).toEqual(
      sorted([
        ...logsAndTracing,
        ...conversationActions,
        'secretsmanager:GetSecretValue',
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueUrl',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      ]),
    );
    expect(grants.get('secretsmanager:GetSecretValue')).toEqual([secretRef]);
  });
});

describe('REST API', () => {
  it('is named lantern-api and serves exactly the v1 routes', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'lantern-api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    expect(sorted([...routes.keys()].filter((r) => !r.startsWith('OPTIONS')))).toEqual([
      'DELETE /v1/sessions/{id}',
      'GET /v1/admin/knowledge-base/jobs',
      'GET /v1/admin/knowledge-base/jobs/{jobId}',
      'GET /v1/health',
      'GET /v1/openapi.json',
      'GET /v1/sessions/{id}',
      'POST /v1/admin/knowledge-base/sync',
      'POST /v1/chat',
      'POST /v1/chat/stream',
      'POST /v1/sessions/{id}/feedback',
      'POST /v1/slack/events',
    ]);
  });

  it('sends each route to its function', () => {
    expect(functionBehind('POST /v1/chat')).toBe(ids.chat);
    expect(functionBehind('POST /v1/chat/stream')).toBe(ids.chatStream);
    for (const name of [
      'GET /v1/sessions/{id}',
      'DELETE /v1/sessions/{id}',
      'POST /v1/sessions/{id}/feedback',
    ]) {
      expect(functionBehind(name)).toBe(ids.sessions);
    }
    expect(functionBehind('GET /v1/health')).toBe(ids.health);
    expect(JSON.stringify((route('GET /v1/openapi.json').Integration as { Uri: unknown }).Uri)).toContain(
      `"${openApiId}","Arn"`,
    );
    expect(functionBehind('POST /v1/slack/events')).toBe(ids.slackEvents);
    for (const name of adminRoutes) expect(functionBehind(name)).toBe(ids.kbAdmin);
  });

  it('requires an API key everywhere but health, the OpenAPI description, the Slack events endpoint (signed) and the admin routes (IAM)', () => {
    for (const [name, method] of routes) {
      if (name.startsWith('OPTIONS') || adminRoutes.includes(name)) continue;
      const keyless =
        name === 'GET /v1/health' || name === 'GET /v1/openapi.json' || name === 'POST /v1/slack/events';
      expect(method.ApiKeyRequired, name).toBe(!keyless);
      expect(method.AuthorizationType, name).toBe('NONE');
    }
    // Slack signs the raw body: nothing may validate or transform it on the way.
    expect(route('POST /v1/slack/events').RequestValidatorId).toBeUndefined();
  });

  it('proxies the buffered routes to Lambda', () => {
    for (const [name, method] of routes) {
      if (name.startsWith('OPTIONS') || name === 'POST /v1/chat/stream') continue;
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method.Integration)).toContain('/2015-03-31/functions/');
    }
  });

  it('streams /v1/chat/stream through Lambda response streaming, for up to 15 minutes', () => {
    const integration = route('POST /v1/chat/stream').Integration as Record<string, unknown>;
    expect(integration).toMatchObject({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      ResponseTransferMode: 'STREAM',
      TimeoutInMillis: 900_000,
    });
    expect(integration.Uri).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':apigateway:us-east-1:lambda:path/2021-11-15/functions/',
          { 'Fn::GetAtt': [ids.chatStream, 'Arn'] },
          '/response-streaming-invocations',
        ],
      ],
    });
  });

  it('validates chat and stream bodies against ChatRequest, and feedback against FeedbackRequest', () => {
    const validatorId = logicalIdOf(template, 'AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
    });
    const modelId = (name: string) => logicalIdOf(template, 'AWS::ApiGateway::Model', { Name: name });
    for (const name of ['POST /v1/chat', 'POST /v1/chat/stream']) {
      expect(route(name)).toMatchObject({
        RequestValidatorId: { Ref: validatorId },
        RequestModels: { 'application/json': { Ref: modelId('ChatRequest') } },
      });
    }
    expect(route('POST /v1/sessions/{id}/feedback')).toMatchObject({
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: modelId('FeedbackRequest') } },
      RequestParameters: { 'method.request.path.id': true },
    });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'ChatRequest',
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
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'FeedbackRequest',
      Schema: Match.objectLike({
        required: ['messageId', 'rating'],
        properties: {
          messageId: { type: 'string', minLength: 1, maxLength: 128 },
          rating: { type: 'string', enum: ['up', 'down'] },
          comment: { type: 'string', maxLength: 1000 },
        },
      }),
    });
  });

  it('answers CORS preflights for browser frontends, allowing content-type, x-api-key and the SigV4 headers', () => {
    for (const path of [
      '/v1/chat',
      '/v1/chat/stream',
      '/v1/sessions/{id}',
      '/v1/sessions/{id}/feedback',
      '/v1/admin/knowledge-base/sync',
      '/v1/admin/knowledge-base/jobs/{jobId}',
    ]) {
      const preflight = route(`OPTIONS ${path}`);
      expect(preflight.ApiKeyRequired).not.toBe(true);
      expect(preflight.AuthorizationType).toBe('NONE');
      expect(JSON.stringify(preflight.Integration)).toContain(
        '"method.response.header.Access-Control-Allow-Headers":"\'content-type,x-api-key,authorization,x-amz-date,x-amz-security-token\'"',
      );
    }
  });

  it('deploys stage prod with tracing, access logs, throttling, and tighter limits on the keyless routes', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.stringLikeRegexp('"apiKeyId":"\\$context.identity.apiKeyId"'),
      },
      MethodSettings: [
        Match.objectLike({
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
        }),
        Match.objectLike({ ResourcePath: '/~1v1~1health', HttpMethod: 'GET', ThrottlingRateLimit: 10 }),
        Match.objectLike({ ResourcePath: '/~1v1~1openapi.json', HttpMethod: 'GET', ThrottlingRateLimit: 10 }),
        Match.objectLike({
          ResourcePath: '/~1v1~1slack~1events',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 20,
        }),
        Match.objectLike({
          ResourcePath: '/~1v1~1admin~1knowledge-base~1sync',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 1,
        }),
        Match.objectLike({
          ResourcePath: '/~1v1~1admin~1knowledge-base~1jobs',
          HttpMethod: 'GET',
          ThrottlingRateLimit: 5,
        }),
        Match.objectLike({
          ResourcePath: '/~1v1~1admin~1knowledge-base~1jobs~1{jobId}',
          HttpMethod: 'GET',
          ThrottlingRateLimit: 5,
        }),
      ],
    });
  });

  it('keeps request text out of the access log: no validator message, which quotes the refused value', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    const format = String(stage?.Properties?.AccessLogSetting?.Format);
    expect(format).toContain('$context.error.responseType');
    expect(format).not.toContain('validationErrorString');
    expect(format).not.toMatch(/\$(context\.)?(input|requestOverride|context\.error\.message)/);
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
    // An unsigned admin request and an unknown route alike (API Gateway cannot tell them apart): the
    // contract wants a chat key on an admin route refused with a 403, so both keep API Gateway's 403.
    for (const type of [
      'MISSING_AUTHENTICATION_TOKEN',
      'ACCESS_DENIED',
      'INVALID_SIGNATURE',
      'EXPIRED_TOKEN',
    ]) {
      const response = byType.get(type);
      expect(response, type).toBeDefined();
      expect(response.StatusCode, type).toBeUndefined(); // API Gateway's own 403
      expect(response.ResponseTemplates['application/json'], type).toBe(
        '{"error":{"code":"FORBIDDEN","message":$context.error.messageString}}',
      );
    }
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
      // Every origin is allowed by default: a fixed '*', never the request's Origin echoed back.
      expect(response.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
      });
    }
    expect(JSON.parse(byType.get('INVALID_API_KEY').ResponseTemplates['application/json']).error.code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('outputs the API URL, how to read the key, the Slack request URL and the dashboard', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
    template.hasOutput('ApiKeyId', { Value: { Ref: logicalIdOf(template, 'AWS::ApiGateway::ApiKey') } });
    template.hasOutput('ApiKeyValueCommand', {
      Value: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith(['aws apigateway get-api-key --api-key '])],
      }),
    });
    const slackUrl = JSON.stringify(template.toJSON().Outputs.SlackRequestUrl.Value);
    expect(slackUrl).toContain('v1/slack/events');
    template.hasOutput('DashboardUrl', { Value: Match.anyValue() });
    template.hasOutput('AlarmTopicArn', { Value: Match.anyValue() });
    const adminUrl = template.toJSON().Outputs.AdminApiUrl;
    expect(JSON.stringify(adminUrl.Value)).toMatch(/v1\/admin\/knowledge-base\/"\]\]\}$/);
    expect(adminUrl.Description).toContain('execute-api:Invoke');
  });
});

describe('Slack queue', () => {
  const queueId = slackQueueId;
  const deadLetterId = slackDeadLetterId;

  it('is encrypted, leases a job longer than the worker runs, and dead-letters after maxReceiveCount tries', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: slackSettings.queueVisibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
        maxReceiveCount: slackSettings.maxReceiveCount,
      },
    });
    expect(props(deadLetterId).SqsManagedSseEnabled).toBe(true);
    expect(slackSettings.queueVisibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * slackSettings.workerTimeoutSeconds,
    );
  });

  it('refuses requests without TLS on every queue', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds the worker one job at a time, retrying only the jobs that failed', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: ids.slackWorker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});

// The dashboard body is a Fn::Join of JSON text and references.
const body = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody;

describe('dashboard and alarms', () => {
  // Join the text to read it.
  const dashboard = (body['Fn::Join'][1] as unknown[])
    .map((part) => (typeof part === 'string' ? part : 'REF'))
    .join('');
  const alarms = template.findResources('AWS::CloudWatch::Alarm');
  const alarm = (prefix: string) => {
    const found = Object.entries(alarms).find(([id]) => id.startsWith(`Monitoring${prefix}`));
    if (!found) throw new Error(`No alarm ${prefix}`);
    return found[1].Properties as Json;
  };
  const topicId = logicalIdOf(template, 'AWS::SNS::Topic');

  it('charts requests, latency, errors, guardrail interventions, ingestion jobs and queue depth', () => {
    for (const metric of [
      '"Count"',
      '"Latency"',
      '"5XXError"',
      '"ChatTurn"',
      'MetricName=\\"ChatError\\"',
      'MetricName=\\"GuardrailIntervention\\"',
      '"IngestionJobCompleted"',
      '"IngestionJobFailed"',
      '"ApproximateNumberOfMessagesVisible"',
      '"SlackEvent"',
      '"Throttles"',
    ]) {
      expect(dashboard, metric).toContain(metric);
    }
    expect(dashboard).toContain('{Lantern,service,policy,source}');
  });

  it('alarms on 5xx, latency, throttles, failed ingestion jobs, dead letters and Slack give-ups, notifying one topic', () => {
    expect(Object.keys(alarms)).toHaveLength(7);
    for (const properties of Object.values(alarms))
      expect(properties.Properties.OKActions).toEqual([{ Ref: topicId }]);
    expect(Object.keys(alarms).filter((id) => id.startsWith('SlackGaveUp'))).toHaveLength(1);
    for (const properties of Object.values(alarms)) {
      expect(properties.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(properties.Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(JSON.stringify(alarm('ApiServerErrors').Metrics)).toContain('"MetricName":"5XXError"');
    const latency = alarm('ChatLatency');
    expect(latency.Threshold).toBe(20_000);
    expect(JSON.stringify(latency.Metrics)).toContain(
      `"Dimensions":[{"Name":"FunctionName","Value":{"Ref":"${ids.chat}"}}]`,
    );
    const throttles = JSON.stringify(alarm('FunctionThrottles').Metrics);
    for (const id of Object.values(ids)) expect(throttles).toContain(`{"Ref":"${id}"}`);
    const ingestion = alarm('IngestionFailures');
    expect(ingestion.Threshold).toBe(1);
    expect(ingestion.Metrics[0].MetricStat.Metric).toEqual({
      Namespace: 'Lantern',
      MetricName: 'IngestionJobFailed',
      Dimensions: [{ Name: 'service', Value: 'lantern' }],
    });
    expect(alarm('SlackDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
    expect(alarm('KbSyncDeadLetters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [kbDeadLetterId, 'QueueName'] } }],
      Threshold: 1,
    });
  });

  it('requires TLS to publish to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
  });
});

describe('knowledge-base reload', () => {
  const documentsBucketName = imported(/^Lantern-Stateful:.*DocumentsBucket/);
  const dataSourceId = imported(/^Lantern-Stateful:.*DocumentsDataSource.*DataSourceId/);
  const ruleId = logicalIdOf(template, 'AWS::Events::Rule', { EventPattern: Match.anyValue() });
  const jobItemsOnly = {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INGESTIONJOB', 'INGESTIONJOB#*'] },
  };
  const jobActions = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
  /** Statements beyond the log group and tracing, by Sid or by their actions. */
  const ownStatements = (id: string) =>
    statementsOfRole(template, roleOf(id))
      .filter((statement) => !logsAndTracing.some((action) => [statement.Action].flat().includes(action)))
      .map((statement) => ({ ...statement, Action: sorted([statement.Action].flat()) }));

  it('gives kb-admin and kb-sync the configuration contract plus the data source ids, and their timeouts', () => {
    for (const id of [ids.kbAdmin, ids.kbSync]) {
      expect(environmentOf(id)).toMatchObject({ KNOWLEDGE_BASE_DATA_SOURCE_IDS: dataSourceId });
    }
    for (const id of [ids.chat, ids.chatStream, ids.sessions, ids.health, ids.slackEvents, ids.slackWorker]) {
      expect(environmentOf(id)).not.toHaveProperty('KNOWLEDGE_BASE_DATA_SOURCE_IDS');
    }
    expect(props(ids.kbAdmin).Timeout).toBe(REST_FUNCTION_TIMEOUT.toSeconds());
    expect(props(ids.kbSync).Timeout).toBe(ingestionSettings.syncTimeoutSeconds);
  });

  it('lets kb-admin start and read ingestion jobs on the knowledge base, and record them in INGESTIONJOB items only', () => {
    expect(ownStatements(ids.kbAdmin)).toEqual([
      {
        Sid: 'RunIngestionJobs',
        Effect: 'Allow',
        Action: ['bedrock:GetIngestionJob', 'bedrock:StartIngestionJob'],
        Resource: knowledgeBaseArn,
      },
      {
        Sid: 'RecordIngestionJobs',
        Effect: 'Allow',
        Action: jobActions,
        Resource: tableArn,
        Condition: jobItemsOnly,
      },
    ]);
  });

  it('lets kb-sync do the same, describe the data sources and consume its queue', () => {
    const statements = ownStatements(ids.kbSync);
    expect(statements).toContainEqual({
      Sid: 'RunIngestionJobs',
      Effect: 'Allow',
      Action: ['bedrock:GetDataSource', 'bedrock:GetIngestionJob', 'bedrock:StartIngestionJob'],
      Resource: knowledgeBaseArn,
    });
    expect(statements).toContainEqual({
      Sid: 'RecordIngestionJobs',
      Effect: 'Allow',
      Action: jobActions,
      Resource: tableArn,
      Condition: jobItemsOnly,
    });
    const grants = grantsOf(ids.kbSync);
    expect(sorted(grants.keys())).toEqual(
      sorted([
        ...logsAndTracing,
        'bedrock:GetDataSource',
        'bedrock:GetIngestionJob',
        'bedrock:StartIngestionJob',
        ...jobActions,
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ]),
    );
    expect(grants.get('sqs:ReceiveMessage')).toEqual([{ 'Fn::GetAtt': [kbQueueId, 'Arn'] }]);
  });

  it('serves the admin routes with IAM (SigV4) authorization and no API key', () => {
    for (const name of adminRoutes) {
      expect(route(name).AuthorizationType, name).toBe('AWS_IAM');
      expect(route(name).ApiKeyRequired, name).toBe(false);
    }
    expect(route('GET /v1/admin/knowledge-base/jobs/{jobId}').RequestParameters).toEqual({
      'method.request.path.jobId': true,
    });
  });

  it('queues Object Created and Object Deleted events of the documents bucket, and only them', () => {
    expect(props(ruleId).EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created', 'Object Deleted'],
      detail: { bucket: { name: [documentsBucketName] } },
    });
    expect(props(ruleId).Targets).toEqual([{ Arn: { 'Fn::GetAtt': [kbQueueId, 'Arn'] }, Id: 'Target0' }]);
  });

  it('uses an encrypted queue leasing a batch longer than kb-sync runs, dead-lettering after maxReceiveCount', () => {
    expect(props(kbQueueId)).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: ingestionSettings.queueVisibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [kbDeadLetterId, 'Arn'] },
        maxReceiveCount: ingestionSettings.maxReceiveCount,
      },
    });
    expect(props(kbDeadLetterId)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    expect(ingestionSettings.queueVisibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      ingestionSettings.syncTimeoutSeconds,
    );
  });

  it('lets only the rule send to the queue, over TLS', () => {
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find(
      (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: kbQueueId }]),
    );
    const statements = policy?.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const allows = statements
      .filter((statement: Statement) => statement.Effect === 'Allow')
      .map((statement: Statement) => ({ ...statement, Action: sorted([statement.Action].flat()) }));
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': [kbQueueId, 'Arn'] },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      },
    ]);
  });

  it('feeds kb-sync batches of up to 1,000 changes after a 60 s window, two invocations at most', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [kbQueueId, 'Arn'] },
      FunctionName: { Ref: ids.kbSync },
      BatchSize: ingestionSettings.batchSize,
      MaximumBatchingWindowInSeconds: ingestionSettings.batchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('schedules no crawl without Confluence', () => {
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toEqual([ruleId]);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('charts both functions and the queue, and alarms on its dead letters', () => {
    const raw = JSON.stringify(body);
    for (const id of [ids.kbAdmin, ids.kbSync]) expect(raw).toContain(`{"Ref":"${id}"}`);
    for (const id of [kbQueueId, kbDeadLetterId])
      expect(raw).toContain(`{"Fn::GetAtt":["${id}","QueueName"]}`);
  });
});
