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
  type CfnMethod,
  Cors,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Period,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { LanternFunction } from '../constructs/lantern-function.ts';
import { foundationModelArn } from '../lib/bedrock-arns.ts';

/** Props of {@link StatelessStack}: the stateful resources it uses, and API settings. */
export interface StatelessStackProps extends StackProps {
  /** The sessions table (from the stateful stack). */
  readonly table: ITable;
  readonly knowledgeBaseId: string;
  readonly knowledgeBaseArn: string;
  /** Days a session lives after its last message (`SESSION_TTL_DAYS`). @default 30 */
  readonly sessionTtlDays?: number;
  /** Origins browsers may call the API from. @default all origins */
  readonly corsAllowOrigins?: readonly string[];
  /** Per-API-key limits of the default usage plan. @default 10 req/s, burst 20, 100,000 requests a month */
  readonly usagePlan?: {
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly monthlyQuota: number;
  };
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
  { type: ResponseType.ACCESS_DENIED, code: 'FORBIDDEN' },
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

/**
 * The request path: the REST API (API keys and a usage plan, request validation, access logs, tracing,
 * CORS) and the Lambda functions behind it, each granted only what it calls.
 */
export class StatelessStack extends Stack {
  public readonly api: RestApi;
  public readonly chatFunction: LanternFunction;
  public readonly sessionsFunction: LanternFunction;
  public readonly healthFunction: LanternFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue): CloudFormation refuses to remove the table or the knowledge
    // base from the stateful stack while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { table, knowledgeBaseId, knowledgeBaseArn } = props;
    const modelArn = foundationModelArn(this, knowledgeBaseSettings.generationModelId);

    // The contract between the CDK app, the local stack and `shared/config.ts`: every handler gets the same
    // variables, so none can tell where it runs.
    const environment = {
      TABLE_NAME: table.tableName,
      KNOWLEDGE_BASE_ID: knowledgeBaseId,
      MODEL_ARN: modelArn,
      SESSION_TTL_DAYS: String(props.sessionTtlDays ?? 30),
    };

    this.chatFunction = new LanternFunction(this, 'Chat', {
      entry: 'functions/chat/handler.ts',
      description: 'POST /v1/chat: grounded answer with citations',
      environment,
    });
    this.chatFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadAndWriteSessions',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [table.tableArn],
      }),
    );
    this.chatFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'RetrieveFromTheKnowledgeBase',
        actions: ['bedrock:Retrieve'],
        resources: [knowledgeBaseArn],
      }),
    );
    this.chatFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'GenerateWithTheModel',
        actions: ['bedrock:InvokeModel'],
        resources: [modelArn],
      }),
    );
    // RetrieveAndGenerate has no resource type in IAM, so it can only be granted on "*". What it may reach
    // is still bounded: Bedrock authorizes the caller's bedrock:Retrieve on the knowledge base and
    // bedrock:InvokeModel on the model, both granted above on their ARNs only.
    const retrieveAndGenerate = new Policy(this, 'ChatRetrieveAndGeneratePolicy', {
      statements: [
        new PolicyStatement({
          sid: 'RetrieveAndGenerate',
          actions: ['bedrock:RetrieveAndGenerate'],
          resources: ['*'],
        }),
      ],
    });
    this.chatFunction.executionRole.attachInlinePolicy(retrieveAndGenerate);
    Validations.of(retrieveAndGenerate).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'bedrock:RetrieveAndGenerate supports no resource-level permissions; the knowledge base and model it reaches are limited by bedrock:Retrieve and bedrock:InvokeModel, granted on their ARNs only.',
    });

    this.sessionsFunction = new LanternFunction(this, 'Sessions', {
      entry: 'functions/sessions/handler.ts',
      description: 'GET and DELETE /v1/sessions/{id}',
      timeout: Duration.seconds(15),
      environment,
    });
    this.sessionsFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadAndDeleteSessions',
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources: [table.tableArn],
      }),
    );

    this.healthFunction = new LanternFunction(this, 'Health', {
      entry: 'functions/health/handler.ts',
      description: 'GET /v1/health',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment,
    });

    this.api = this.createApi(props);

    // Replace RestApi's own, oddly named endpoint output with ApiUrl.
    this.api.node.tryRemoveChild('Endpoint');
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL; routes start with v1/' });
  }

  private createApi(props: StatelessStackProps): RestApi {
    const allowOrigins = props.corsAllowOrigins?.length ? [...props.corsAllowOrigins] : Cors.ALL_ORIGINS;
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });

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
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        allowOrigins,
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        allowHeaders: ['content-type', 'x-api-key'],
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

    const integration = (fn: LanternFunction) => new LambdaIntegration(fn, { allowTestInvoke: false });
    const v1 = api.root.addResource('v1');

    const chat = v1.addResource('chat');
    chat.addMethod('POST', integration(this.chatFunction), {
      apiKeyRequired: true,
      requestValidator: validator,
      requestModels: { 'application/json': chatRequest },
    });

    const session = v1.addResource('sessions').addResource('{id}');
    const sessionMethodOptions = {
      apiKeyRequired: true,
      requestValidator: validator,
      requestParameters: { 'method.request.path.id': true },
    };
    session.addMethod('GET', integration(this.sessionsFunction), sessionMethodOptions);
    session.addMethod('DELETE', integration(this.sessionsFunction), sessionMethodOptions);

    const health = v1.addResource('health');
    health.addMethod('GET', integration(this.healthFunction), { apiKeyRequired: false });

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

    this.acknowledgeApiFindings(api);
    return api;
  }

  /** Records, method by method, why each remaining cdk-nag finding on the API is accepted. */
  private acknowledgeApiFindings(api: RestApi): void {
    // cdk-nag does not flag the CORS preflight (OPTIONS) methods, so only the routes need a reason.
    for (const method of api.methods.filter((m) => m.httpMethod !== 'OPTIONS')) {
      const keyed = (method.node.defaultChild as CfnMethod).apiKeyRequired === true;
      const reason = keyed
        ? 'Callers authenticate with an API key bound to a usage plan; v1 has no end-user identity, and a session belongs to the key that created it.'
        : 'Health check for uptime probes: public by design, returns no data.';
      for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
        Validations.of(method).acknowledge({ id, reason });
      }
    }
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL in v1: every route but health needs an API key, and the usage plan and the stage throttle traffic; a web ACL can be associated with the stage later.',
    });
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
