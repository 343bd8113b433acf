import { createHash } from 'node:crypto';
import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKey,
  AuthorizationType,
  type CfnMethod,
  Cors,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  type LambdaIntegrationOptions,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type MethodOptions,
  type Model,
  Period,
  ResponseTransferMode,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { slackSettings } from '../../config/slack.ts';
import { ApiFirewall } from '../constructs/api-firewall.ts';
import type { LanternGuardrail } from '../constructs/guardrail.ts';
import { KnowledgeBaseReload } from '../constructs/knowledge-base-reload.ts';
import { LanternFunction } from '../constructs/lantern-function.ts';
import { ModelInvocationLogging } from '../constructs/model-invocation-logging.ts';
import { LanternMonitoring } from '../constructs/monitoring.ts';
import { type GenerationModel, resolveGenerationModel } from '../lib/bedrock-arns.ts';
import type { UsagePlanSettings } from '../lib/settings.ts';

/** Props of {@link StatelessStack}: the stateful resources it uses, and its settings. */
export interface StatelessStackProps extends StackProps {
  /** The sessions table (from the stateful stack). */
  readonly table: ITable;
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  /** The documents bucket, whose changes (EventBridge events) trigger a knowledge-base sync. */
  readonly documentsBucketName: string;
  /** The knowledge base's data sources: the documents bucket's, then Confluence's when configured. */
  readonly dataSourceIds: readonly string[];
  /** When to sync the crawled data sources (Confluence), as a schedule expression. @default no schedule */
  readonly crawlSchedule?: string;
  /** The guardrail that screens questions and answers. @default none */
  readonly guardrail?: LanternGuardrail;
  /** The Slack app's secret; the Slack route, queue and functions exist only with it. @default no Slack */
  readonly slackSecret?: ISecret;
  /** Generation model: model id, inference profile id, or model/profile ARN. @default config/knowledge-base.ts */
  readonly model?: string;
  /** Days a session lives after its last message (`SESSION_TTL_DAYS`). @default 30 */
  readonly sessionTtlDays?: number;
  /** Origins browsers may call the API from. @default all origins */
  readonly corsAllowOrigins?: readonly string[];
  /** Per-API-key limits of the default usage plan. @default 10 req/s, burst 20, 100,000 requests a month */
  readonly usagePlan?: UsagePlanSettings;
  /** How long function, API access and invocation logs are kept. @default one month */
  readonly logRetention?: RetentionDays;
  /** Put an AWS WAF web ACL in front of the API. @default false */
  readonly waf?: boolean;
  /** Turn on Bedrock model invocation logging for the account and region. @default false */
  readonly modelInvocationLogging?: boolean;
  /** Subscribed to the alarm topic. @default none */
  readonly alarmEmail?: string;
}

/** Gateway-generated errors, rewritten to Lantern's `{"error": {"code", "message"}}` contract. */
const GATEWAY_ERRORS: ReadonlyArray<{
  readonly type: ResponseType;
  readonly statusCode?: string;
  readonly code: string;
  readonly message?: string;
}> = [
  { type: ResponseType.BAD_REQUEST_BODY, code: 'VALIDATION_ERROR', message: 'Invalid request body' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, code: 'VALIDATION_ERROR' },
  // Same status and code as the handlers' UnauthorizedError, so local and deployed callers see one answer.
  {
    type: ResponseType.INVALID_API_KEY,
    statusCode: '401',
    code: 'UNAUTHORIZED',
    message: 'Missing or invalid API key',
  },
  // API Gateway answers an unknown route with "Missing Authentication Token"; it is a 404.
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '404',
    code: 'NOT_FOUND',
    message: 'Not found',
  },
  // IAM-authorized (admin) routes: a valid signature without execute-api:Invoke, a bad signature, an
  // expired session. (An unsigned request is MISSING_AUTHENTICATION_TOKEN, indistinguishable from an
  // unknown route: 404 above.)
  { type: ResponseType.ACCESS_DENIED, code: 'FORBIDDEN' },
  { type: ResponseType.INVALID_SIGNATURE, code: 'FORBIDDEN' },
  { type: ResponseType.EXPIRED_TOKEN, code: 'FORBIDDEN' },
  { type: ResponseType.REQUEST_TOO_LARGE, code: 'PAYLOAD_TOO_LARGE', message: 'Request body too large' },
  { type: ResponseType.THROTTLED, code: 'THROTTLED', message: 'Too many requests' },
  { type: ResponseType.QUOTA_EXCEEDED, code: 'THROTTLED', message: 'API key quota exceeded' },
  { type: ResponseType.INTEGRATION_FAILURE, statusCode: '502', code: 'UPSTREAM_ERROR' },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    statusCode: '503',
    code: 'SERVICE_UNAVAILABLE',
    message: 'Timed out',
  },
  { type: ResponseType.DEFAULT_4XX, code: 'BAD_REQUEST' },
  { type: ResponseType.DEFAULT_5XX, code: 'INTERNAL_ERROR', message: 'Internal error' },
];

/** Stage throttling of the routes callers reach without an API key (so no usage plan limits them). */
const KEYLESS_ROUTE_THROTTLE = {
  '/v1/health/GET': { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
  // Slack's Events API sends at most 30,000 events an hour per workspace (about 8 a second).
  '/v1/slack/events/POST': { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
  // Operators' IAM-authorized routes.
  '/v1/admin/knowledge-base/sync/POST': { throttlingRateLimit: 1, throttlingBurstLimit: 2 },
  '/v1/admin/knowledge-base/jobs/GET': { throttlingRateLimit: 5, throttlingBurstLimit: 10 },
  '/v1/admin/knowledge-base/jobs/{jobId}/GET': { throttlingRateLimit: 5, throttlingBurstLimit: 10 },
} as const;

/** Where the admin routes live, under the API's base URL. */
const ADMIN_PATH = 'v1/admin/knowledge-base';

/**
 * Functions behind a buffered REST integration stop before its 29-second limit, so the handler's own
 * 503 with Retry-After (middy's early timeout response) reaches the client instead of the gateway's
 * 504: one second is left for the response to travel back.
 */
export const REST_FUNCTION_TIMEOUT = Duration.seconds(28);

/** The streamed chat route's limits: API Gateway allows STREAM integrations up to 15 minutes. */
const STREAM_INTEGRATION_TIMEOUT = Duration.minutes(15);
const STREAM_FUNCTION_TIMEOUT = Duration.minutes(5);

/**
 * The request path: the REST API (API keys and a usage plan, request validation, access logs, tracing,
 * CORS, optional WAF), the Lambda functions behind it, each granted only what it calls, the Slack queue,
 * the published guardrail version, and the dashboard and alarms.
 */
export class StatelessStack extends Stack {
  public readonly api: RestApi;
  public readonly chatFunction: LanternFunction;
  public readonly chatStreamFunction: LanternFunction;
  public readonly sessionsFunction: LanternFunction;
  public readonly healthFunction: LanternFunction;
  public readonly slackEventsFunction?: LanternFunction;
  public readonly slackWorkerFunction?: LanternFunction;
  public readonly slackQueue?: Queue;
  public readonly slackDeadLetterQueue?: Queue;
  /** kb-admin, kb-sync, the S3 change queue and the crawl schedule. */
  public readonly knowledgeBaseReload: KnowledgeBaseReload;
  /** The generation model the functions call, and what they are granted on it. */
  public readonly model: GenerationModel;
  public readonly monitoring: LanternMonitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to remove the table, the knowledge base,
    // the guardrail or the Slack secret from the stateful stack while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, knowledgeBaseId, guardrail, slackSecret } = props;
    const logRetention = props.logRetention;
    this.model = resolveGenerationModel(this, props.model ?? knowledgeBaseSettings.generationModelId);

    // The contract between the CDK app, the local stack and `shared/config.ts`: every handler gets the same
    // variables, so none can tell where it runs.
    const environment = {
      TABLE_NAME: table.tableName,
      KNOWLEDGE_BASE_ID: knowledgeBaseId,
      MODEL_ARN: this.model.modelArn,
      SESSION_TTL_DAYS: String(props.sessionTtlDays ?? 30),
    };
    const guardrailEnvironment = guardrail ? this.publishGuardrailVersion(guardrail) : {};

    this.chatFunction = new LanternFunction(this, 'Chat', {
      entry: 'functions/chat/handler.ts',
      description: 'POST /v1/chat: grounded answer with citations',
      timeout: REST_FUNCTION_TIMEOUT,
      logRetention,
      environment: { ...environment, ...guardrailEnvironment },
    });
    this.chatStreamFunction = new LanternFunction(this, 'ChatStream', {
      entry: 'functions/chat-stream/handler.ts',
      description: 'POST /v1/chat/stream: the answer as Server-Sent Events (Lambda response streaming)',
      timeout: STREAM_FUNCTION_TIMEOUT,
      logRetention,
      environment: { ...environment, ...guardrailEnvironment },
    });

    this.sessionsFunction = new LanternFunction(this, 'Sessions', {
      entry: 'functions/sessions/handler.ts',
      description: 'GET and DELETE /v1/sessions/{id}, POST /v1/sessions/{id}/feedback',
      timeout: Duration.seconds(15),
      logRetention,
      environment,
    });
    this.sessionsFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadRateAndDeleteSessions',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        resources: [table.tableArn],
      }),
    );

    this.healthFunction = new LanternFunction(this, 'Health', {
      entry: 'functions/health/handler.ts',
      description: 'GET /v1/health',
      memorySize: 512,
      timeout: Duration.seconds(10),
      logRetention,
      environment,
    });

    const answering = [this.chatFunction, this.chatStreamFunction];
    if (slackSecret) {
      const slack = this.createSlackPath({
        secret: slackSecret,
        table,
        logRetention,
        environment: { ...environment, SLACK_SECRET_ARN: slackSecret.secretArn },
        guardrailEnvironment,
      });
      this.slackEventsFunction = slack.events;
      this.slackWorkerFunction = slack.worker;
      this.slackQueue = slack.queue;
      this.slackDeadLetterQueue = slack.deadLetterQueue;
      answering.push(slack.worker);
    }
    this.grantConversation(answering, props);

    this.knowledgeBaseReload = new KnowledgeBaseReload(this, 'KnowledgeBaseReload', {
      table,
      knowledgeBaseArn: props.knowledgeBaseArn,
      documentsBucketName: props.documentsBucketName,
      dataSourceIds: props.dataSourceIds,
      environment,
      crawlSchedule: props.crawlSchedule,
      logRetention,
    });

    this.api = this.createApi(props);
    if (props.waf) new ApiFirewall(this, 'Firewall', { stage: this.api.deploymentStage });
    this.acknowledgeApiFindings(this.api, props.waf ?? false);

    if (props.modelInvocationLogging) {
      new ModelInvocationLogging(this, 'ModelInvocationLogging', {
        retention: logRetention ?? RetentionDays.ONE_MONTH,
      });
    }

    const functions: Record<string, LanternFunction> = {
      chat: this.chatFunction,
      'chat-stream': this.chatStreamFunction,
      sessions: this.sessionsFunction,
      health: this.healthFunction,
      ...(this.slackEventsFunction ? { 'slack-events': this.slackEventsFunction } : {}),
      ...(this.slackWorkerFunction ? { 'slack-worker': this.slackWorkerFunction } : {}),
      'kb-admin': this.knowledgeBaseReload.adminFunction,
      'kb-sync': this.knowledgeBaseReload.syncFunction,
    };
    this.monitoring = new LanternMonitoring(this, 'Monitoring', {
      api: this.api,
      chatFunction: this.chatFunction,
      functions,
      queues: {
        ...(this.slackQueue ? { Slack: this.slackQueue } : {}),
        KbSync: this.knowledgeBaseReload.queue,
      },
      deadLetterQueues: {
        ...(this.slackDeadLetterQueue ? { Slack: this.slackDeadLetterQueue } : {}),
        KbSync: this.knowledgeBaseReload.deadLetterQueue,
      },
      alarmEmail: props.alarmEmail,
    });

    // Replace RestApi's own, oddly named endpoint output with ApiUrl.
    this.api.node.tryRemoveChild('Endpoint');
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; routes start with v1/' });
    if (slackSecret) {
      new CfnOutput(this, 'SlackRequestUrl', {
        value: `${this.api.url}v1/slack/events`,
        description: 'Event Subscriptions request URL of the Slack app',
      });
    }
    new CfnOutput(this, 'AdminApiUrl', {
      value: `${this.api.url}${ADMIN_PATH}/`,
      description:
        'Knowledge-base admin routes (sync, jobs): sign with SigV4; callers need execute-api:Invoke on them',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'Subscribe to be told when an alarm fires',
    });
  }

  /**
   * Publishes a numbered version of the guardrail from this stack, next to the functions that use it. A policy
   * change updates the guardrail in the stateful stack, then this stack creates a new version (its description
   * carries the policy digest) and points the functions at it in the same update, before the old version goes.
   * A version exported by the stateful stack could not change while this stack imports it.
   */
  private publishGuardrailVersion(guardrail: LanternGuardrail): Record<string, string> {
    const digest = createHash('sha256').update(JSON.stringify(guardrail.policy)).digest('hex').slice(0, 12);
    const version = new CfnGuardrailVersion(this, 'GuardrailVersion', {
      guardrailIdentifier: guardrail.guardrailId,
      description: `Lantern guardrail policy ${digest}`,
    });
    return { GUARDRAIL_ID: guardrail.guardrailId, GUARDRAIL_VERSION: version.attrVersion };
  }

  /**
   * What the conversation engine calls, granted to every function that answers questions (chat, chat-stream,
   * the Slack worker) through one shared policy: the table, the knowledge base, the generation model (through
   * its inference profile when it is one) and `RetrieveAndGenerate`; the guardrail when there is one.
   */
  private grantConversation(functions: readonly LanternFunction[], props: StatelessStackProps): void {
    const { table, knowledgeBaseArn, guardrail } = props;
    const model = this.model;
    const statements = [
      // DeleteItem releases a client message id claimed for a turn that failed, so a retry can take it.
      new PolicyStatement({
        sid: 'ReadAndWriteSessions',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
          'dynamodb:DeleteItem',
        ],
        resources: [table.tableArn],
      }),
      new PolicyStatement({
        sid: 'RetrieveFromTheKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [knowledgeBaseArn],
      }),
      // The streamed path (RetrieveAndGenerateStream) generates with InvokeModelWithResponseStream.
      new PolicyStatement({
        sid: 'GenerateWithTheModel',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [model.modelArn],
      }),
      // RetrieveAndGenerate has no resource type in IAM, so it can only be granted on "*". What it may reach
      // is still bounded: Bedrock authorizes the caller's bedrock:Retrieve on the knowledge base and
      // bedrock:InvokeModel on the model, granted here on their ARNs only.
      new PolicyStatement({
        sid: 'RetrieveAndGenerate',
        actions: ['bedrock:RetrieveAndGenerate'],
        resources: ['*'],
      }),
    ];
    if (model.kind === 'inference-profile' || model.kind === 'application-inference-profile') {
      statements.push(
        new PolicyStatement({
          sid: 'ReadTheInferenceProfile',
          actions: ['bedrock:GetInferenceProfile'],
          resources: [model.modelArn],
        }),
        new PolicyStatement({
          sid: 'GenerateThroughTheInferenceProfile',
          actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
          resources: [...model.routedFoundationModelArns],
          conditions: { StringEquals: { 'bedrock:InferenceProfileArn': model.modelArn } },
        }),
      );
    }
    const policy = new Policy(this, 'ConversationPolicy', { statements });
    for (const fn of functions) {
      fn.executionRole.attachInlinePolicy(policy);
      guardrail?.grantApply(fn);
    }
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:RetrieveAndGenerate supports no resource-level permissions; the knowledge base and model it reaches are limited by bedrock:Retrieve and bedrock:InvokeModel, granted on their ARNs only.',
    });
    for (const arn of model.routedFoundationModelArns) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, arn)}]`,
        reason:
          'An inference profile routes each request to the model in one of several regions, so the model is allowed in every region, and only when called through this profile (bedrock:InferenceProfileArn condition).',
      });
    }
  }

  /**
   * The Slack path: `slack-events` verifies, records and enqueues each event; an encrypted SQS queue (with a
   * dead-letter queue after `maxReceiveCount` attempts) feeds `slack-worker`, which answers in the thread.
   */
  private createSlackPath(options: {
    readonly secret: ISecret;
    readonly table: ITable;
    readonly logRetention?: RetentionDays;
    readonly environment: Record<string, string>;
    readonly guardrailEnvironment: Record<string, string>;
  }) {
    const { secret, table, logRetention, environment, guardrailEnvironment } = options;
    const deadLetterQueue = new Queue(this, 'SlackDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'SlackQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(slackSettings.queueVisibilityTimeoutSeconds),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: slackSettings.maxReceiveCount },
    });

    const events = new LanternFunction(this, 'SlackEvents', {
      entry: 'functions/slack-events/handler.ts',
      description: 'POST /v1/slack/events: verify, record and queue Slack events',
      timeout: Duration.seconds(slackSettings.eventsTimeoutSeconds),
      logRetention,
      environment: { ...environment, SLACK_QUEUE_URL: queue.queueUrl },
    });
    queue.grantSendMessages(events);
    events.addToRolePolicy(
      new PolicyStatement({
        sid: 'RecordSlackEvents',
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        // Only the event ledger's items, never a session's.
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SLACKEVENT#*'] } },
      }),
    );

    const worker = new LanternFunction(this, 'SlackWorker', {
      entry: 'functions/slack-worker/handler.ts',
      description: 'Answers queued Slack questions in their thread',
      timeout: Duration.seconds(slackSettings.workerTimeoutSeconds),
      logRetention,
      environment: { ...environment, ...guardrailEnvironment },
    });
    worker.addEventSource(
      new SqsEventSource(queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: 10,
      }),
    );

    for (const fn of [events, worker]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'ReadTheSlackSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
    }

    return { events, worker, queue, deadLetterQueue };
  }

  private createApi(props: StatelessStackProps): RestApi {
    const allowOrigins = props.corsAllowOrigins?.length ? [...props.corsAllowOrigins] : Cors.ALL_ORIGINS;
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const slack = this.slackEventsFunction !== undefined;

    const api = new RestApi(this, 'Api', {
      restApiName: 'lantern-api',
      description: 'Lantern RAG chatbot API (v1)',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: 'prod',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        methodOptions: {
          '/v1/health/GET': KEYLESS_ROUTE_THROTTLE['/v1/health/GET'],
          ...(slack ? { '/v1/slack/events/POST': KEYLESS_ROUTE_THROTTLE['/v1/slack/events/POST'] } : {}),
          '/v1/admin/knowledge-base/sync/POST': KEYLESS_ROUTE_THROTTLE['/v1/admin/knowledge-base/sync/POST'],
          '/v1/admin/knowledge-base/jobs/GET': KEYLESS_ROUTE_THROTTLE['/v1/admin/knowledge-base/jobs/GET'],
          '/v1/admin/knowledge-base/jobs/{jobId}/GET':
            KEYLESS_ROUTE_THROTTLE['/v1/admin/knowledge-base/jobs/{jobId}/GET'],
        },
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTimeEpoch(),
            apiKeyId: AccessLogField.contextIdentityApiKeyId(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            method: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            latencyMs: AccessLogField.contextResponseLatency(),
            integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
            responseLength: AccessLogField.contextResponseLength(),
            errorType: AccessLogField.contextErrorResponseType(),
            validationError: AccessLogField.contextErrorValidationErrorString(),
            wafStatus: AccessLogField.contextWafResponseCode(),
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins,
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        // SigV4's headers too, for the IAM-authorized admin routes.
        allowHeaders: ['content-type', 'x-api-key', 'authorization', 'x-amz-date', 'x-amz-security-token'],
        maxAge: Duration.hours(1),
      },
    });

    const corsOrigin = allowOrigins === Cors.ALL_ORIGINS ? "'*'" : 'method.request.header.origin';
    for (const error of GATEWAY_ERRORS) {
      api.addGatewayResponse(`Error${error.type.responseType}`, {
        type: error.type,
        statusCode: error.statusCode,
        responseHeaders: { 'Access-Control-Allow-Origin': corsOrigin },
        templates: {
          'application/json': JSON.stringify({ error: { code: error.code, message: '__MESSAGE__' } }).replace(
            '"__MESSAGE__"',
            error.message ? JSON.stringify(error.message) : '$context.error.messageString',
          ),
        },
      });
    }

    const validator = api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const chatRequest = api.addModel('ChatRequest', {
      modelName: 'ChatRequest',
      contentType: 'application/json',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'ChatRequest',
        type: JsonSchemaType.OBJECT,
        required: ['message'],
        properties: {
          message: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 1000 },
          sessionId: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
          clientMessageId: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
        },
      },
    });
    const feedbackRequest = api.addModel('FeedbackRequest', {
      modelName: 'FeedbackRequest',
      contentType: 'application/json',
      schema: {
        schema: JsonSchemaVersion.DRAFT4,
        title: 'FeedbackRequest',
        type: JsonSchemaType.OBJECT,
        required: ['messageId', 'rating'],
        properties: {
          messageId: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 128 },
          rating: { type: JsonSchemaType.STRING, enum: ['up', 'down'] },
          comment: { type: JsonSchemaType.STRING, maxLength: 1000 },
        },
      },
    });
    const withBody = (model: Model, extra: MethodOptions = {}): MethodOptions => ({
      apiKeyRequired: true,
      requestValidator: validator,
      requestModels: { 'application/json': model },
      ...extra,
    });

    const integration = (fn: LanternFunction, options: LambdaIntegrationOptions = {}) =>
      new LambdaIntegration(fn, { allowTestInvoke: false, ...options });
    const v1 = api.root.addResource('v1');

    const chat = v1.addResource('chat');
    chat.addMethod('POST', integration(this.chatFunction), withBody(chatRequest));
    // Lambda response streaming: API Gateway calls InvokeWithResponseStream and passes the bytes on as they come.
    chat.addResource('stream').addMethod(
      'POST',
      integration(this.chatStreamFunction, {
        responseTransferMode: ResponseTransferMode.STREAM,
        timeout: STREAM_INTEGRATION_TIMEOUT,
      }),
      withBody(chatRequest),
    );

    const session = v1.addResource('sessions').addResource('{id}');
    const pathId = { 'method.request.path.id': true };
    const sessionMethodOptions = {
      apiKeyRequired: true,
      requestValidator: validator,
      requestParameters: pathId,
    };
    session.addMethod('GET', integration(this.sessionsFunction), sessionMethodOptions);
    session.addMethod('DELETE', integration(this.sessionsFunction), sessionMethodOptions);
    session
      .addResource('feedback')
      .addMethod(
        'POST',
        integration(this.sessionsFunction),
        withBody(feedbackRequest, { requestParameters: pathId }),
      );

    const health = v1.addResource('health');
    health.addMethod('GET', integration(this.healthFunction), { apiKeyRequired: false });

    if (this.slackEventsFunction) {
      // No API key and no body validation: Slack signs the raw body, and the function checks the signature.
      v1.addResource('slack')
        .addResource('events')
        .addMethod('POST', integration(this.slackEventsFunction), { apiKeyRequired: false });
    }

    // Operators only: IAM (SigV4) instead of an API key, so access is whatever IAM grants execute-api:Invoke
    // on these methods. The handler reads the caller's ARN (requestContext.identity.userArn) for the job record.
    const adminFunction = this.knowledgeBaseReload.adminFunction;
    const iamOnly: MethodOptions = { authorizationType: AuthorizationType.IAM, apiKeyRequired: false };
    const admin = ADMIN_PATH.split('/')
      .slice(1)
      .reduce((parent, part) => parent.addResource(part), v1);
    admin.addResource('sync').addMethod('POST', integration(adminFunction), iamOnly);
    const jobs = admin.addResource('jobs');
    jobs.addMethod('GET', integration(adminFunction), iamOnly);
    jobs.addResource('{jobId}').addMethod('GET', integration(adminFunction), {
      ...iamOnly,
      requestValidator: validator,
      requestParameters: { 'method.request.path.jobId': true },
    });

    const plan = props.usagePlan ?? { rateLimit: 10, burstLimit: 20, monthlyQuota: 100_000 };
    const usagePlan = api.addUsagePlan('UsagePlan', {
      name: 'lantern-default',
      description: 'Default limits for each Lantern API key',
      throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
      quota: { limit: plan.monthlyQuota, period: Period.MONTH },
    });
    usagePlan.addApiStage({ stage: api.deploymentStage });
    const apiKey = new ApiKey(this, 'ApiKey', { description: 'Default Lantern API key', enabled: true });
    usagePlan.addApiKey(apiKey);

    new CfnOutput(this, 'ApiKeyId', { value: apiKey.keyId, description: 'Id of the default API key' });
    new CfnOutput(this, 'ApiKeyValueCommand', {
      value: `aws apigateway get-api-key --api-key ${apiKey.keyId} --include-value --query value --output text`,
      description: 'Prints the API key to send as x-api-key',
    });
    return api;
  }

  /** Records, method by method, why each remaining cdk-nag finding on the API is accepted. */
  private acknowledgeApiFindings(api: RestApi, waf: boolean): void {
    // cdk-nag does not flag the CORS preflight (OPTIONS) methods, so only the routes need a reason.
    for (const method of api.methods.filter((m) => m.httpMethod !== 'OPTIONS')) {
      const cfnMethod = method.node.defaultChild as CfnMethod;
      if (cfnMethod.authorizationType === AuthorizationType.IAM) {
        // IAM authorization satisfies APIG4; only the Cognito rule remains.
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'Operator-only admin route, authorized by IAM (SigV4): callers need execute-api:Invoke on this method; a Cognito user pool would add a second identity store for the same operators.',
        });
        continue;
      }
      const keyed = cfnMethod.apiKeyRequired === true;
      const reason = keyed
        ? 'Callers authenticate with an API key bound to a usage plan; v1 has no end-user identity, and a session belongs to the key that created it.'
        : method.resource.path === '/v1/slack/events'
          ? "Slack cannot send an API key or sign in: the function verifies Slack's HMAC signature of every request (signing secret, 5-minute timestamp window) and refuses anything else."
          : 'Health check for uptime probes: public by design, returns no data, throttled at the stage.';
      for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(method).acknowledge({ id, reason });
      }
    }
    if (!waf) {
      Validations.of(api.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'WAF is optional (-c waf=true) because a web ACL costs about $9 a month: every route but health and Slack needs an API key, those two verify or return nothing and are throttled, and the usage plan and stage throttle the rest.',
      });
    }
    const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway uses to write execution logs; AWS maintains this managed policy for exactly that purpose.',
      });
    }
  }
}

/** How cdk-nag prints a resource in a finding id: pseudo parameters become `<AWS::…>`. */
function nagResource(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn);
  if (typeof resolved === 'string') return resolved;
  const parts: unknown[] = resolved?.['Fn::Join']?.[1] ?? [];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      return ref ? `<${ref}>` : JSON.stringify(part);
    })
    .join('');
}
