import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKey,
  AuthorizationType,
  type CfnMethod,
  Cors,
  EndpointType,
  type IApiKey,
  type IAuthorizer,
  type JsonSchema,
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
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STREAM_INTEGRATION_TIMEOUT_SECONDS } from '../../config/function-timeouts.ts';
import { GATEWAY_ERRORS, type GatewayErrorResponse } from '../../config/gateway-responses.ts';
import { chatRequestModel, feedbackRequestModel, type RequestModel } from '../../config/request-models.ts';
import type { UsagePlanSettings } from '../lib/settings.ts';
import { ApiFirewall } from './api-firewall.ts';
import type { LanternFunction } from './lantern-function.ts';
import type { RouteAuth } from './user-authorizer.ts';

/** The default usage plan's limits when the props give none. */
export const DEFAULT_USAGE_PLAN: UsagePlanSettings = { rateLimit: 10, burstLimit: 20, monthlyQuota: 100_000 };

/** Props of {@link ChatApi}: the functions behind the routes, and the API's settings. */
export interface ChatApiProps {
  /** `POST /v1/chat`. */
  readonly chatFunction: LanternFunction;
  /** `POST /v1/chat/stream`, through Lambda response streaming. */
  readonly chatStreamFunction: LanternFunction;
  /** `GET`/`DELETE /v1/sessions/{id}`, `POST /v1/sessions/{id}/feedback`. */
  readonly sessionsFunction: LanternFunction;
  /** `GET /v1/health`. */
  readonly healthFunction: LanternFunction;
  /** `GET /v1/openapi.json`, without an API key (the API's description is public). @default no such route */
  readonly openApiFunction?: LanternFunction;
  /** `POST /v1/slack/events`, without an API key (Slack signs its requests). @default no Slack route */
  readonly slackEventsFunction?: LanternFunction;
  /** The IAM-authorized admin routes under `/v1/admin/knowledge-base/`. */
  readonly knowledgeBaseAdminFunction: LanternFunction;
  /**
   * Origins browsers may call the API from, each exactly as a browser sends it in `Origin`
   * (`https://app.example.com`; `readSettings` checks the format). @default all origins
   */
  readonly corsAllowOrigins?: readonly string[];
  /** Per-API-key limits of the default usage plan. @default 10 req/s, burst 20, 100,000 requests a month */
  readonly usagePlan?: UsagePlanSettings;
  /** How long the API's access logs are kept. @default one month */
  readonly logRetention?: RetentionDays;
  /** Put an AWS WAF web ACL in front of the stage. @default false */
  readonly waf?: boolean;
  /** The Lambda authorizer of user and visitor tokens (`UserAuthorizer`), for route groups that take tokens. */
  readonly userAuthorizer?: IAuthorizer;
  /**
   * How the chat (`/v1/chat*`) and sessions (`/v1/sessions*`) route groups authenticate; with tokens,
   * `GET /v1/sessions` lists the caller's own sessions; `tokenRateLimit`: requests one token may make
   * on them in any 5 minutes, enforced by the WAF (`waf`). @default API keys on both
   */
  readonly auth?: {
    readonly chat?: RouteAuth;
    readonly sessions?: RouteAuth;
    readonly tokenRateLimit?: number;
  };
  /** `POST /v1/visitor-tokens`, behind an API key. @default no such route */
  readonly visitorTokensFunction?: LanternFunction;
  /**
   * One API key per answer profile, each in a usage plan of the profile's own tier, or in the
   * default plan when the profile has none. @default no profile keys
   */
  readonly profileKeys?: readonly ProfileKeySettings[];
}

/** An answer profile's API key: the profile it answers with, and its usage-plan tier. */
export interface ProfileKeySettings {
  /** The profile's name, as the answer settings file spells it. */
  readonly profile: string;
  /** Its own tier; a missing monthly quota is the default plan's. @default the default usage plan */
  readonly usagePlan?: {
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly monthlyQuota?: number;
  };
}

/** Stage throttling of the routes callers reach without an API key (so no usage plan limits them). */
const KEYLESS_ROUTE_THROTTLE = {
  '/v1/health/GET': { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
  '/v1/openapi.json/GET': { throttlingRateLimit: 10, throttlingBurstLimit: 20 },
  // Slack's Events API sends at most 30,000 events an hour per workspace (about 8 a second).
  '/v1/slack/events/POST': { throttlingRateLimit: 20, throttlingBurstLimit: 40 },
  // Operators' IAM-authorized routes.
  '/v1/admin/knowledge-base/sync/POST': { throttlingRateLimit: 1, throttlingBurstLimit: 2 },
  '/v1/admin/knowledge-base/jobs/GET': { throttlingRateLimit: 5, throttlingBurstLimit: 10 },
  '/v1/admin/knowledge-base/jobs/{jobId}/GET': { throttlingRateLimit: 5, throttlingBurstLimit: 10 },
} as const;

/** Where the admin routes live, under the API's base URL. */
export const ADMIN_PATH = 'v1/admin/knowledge-base';

/** `CORS_ALLOW_ORIGINS` for every origin, as `shared/config.ts` reads it. */
const ALL_ORIGINS = '*';

/**
 * Lantern's REST API `lantern-api` (regional, stage `prod`): the `/v1` routes to their functions, with
 * API keys and the usage plan `lantern-default`, IAM (SigV4) on the admin routes, body validation
 * against `ChatRequest` and `FeedbackRequest`, Lambda response streaming on `/v1/chat/stream`, JSON
 * access logs, X-Ray, stage throttling (tighter on the keyless routes), gateway errors in Lantern's
 * `{"error": {"code", "message"}}` shape, and optionally a WAF web ACL.
 *
 * CORS is decided once, here, for the preflight, the gateway's own error responses and the functions:
 * every function behind a route gets `CORS_ALLOW_ORIGINS` (the allow-list, or `*`), because with
 * proxy integrations only the function can put CORS headers on its responses. Gateway responses
 * cannot look at the request's origin safely (echoing it would allow any origin), so with an
 * allow-list they carry its first origin and `Vary: Origin`; with none, `*`.
 */
export class ChatApi extends Construct {
  public readonly api: RestApi;
  /** The default API key, in the usage plan. */
  public readonly apiKey: IApiKey;
  public readonly usagePlan: UsagePlan;
  /** Profile name → its API key (`profileKeys`). */
  public readonly profileApiKeys: ReadonlyMap<string, IApiKey>;
  /** Profile name → its own usage plan, for profiles with a tier. */
  public readonly profileUsagePlans: ReadonlyMap<string, UsagePlan>;
  /** The WAF web ACL on the stage, with `waf`. */
  public readonly firewall?: ApiFirewall;
  /** The base URL of stage `prod`; routes start with `v1/`. */
  public readonly url: string;
  /** The base URL of the IAM-authorized admin routes (ends with `/`). */
  public readonly adminUrl: string;
  /** Slack's Event Subscriptions request URL, when there is a Slack route. */
  public readonly slackRequestUrl?: string;
  /** `CORS_ALLOW_ORIGINS` as every routed function gets it: `*`, or the allowed origins joined with commas. */
  public readonly corsAllowOrigins: string;
  /** Every function a route invokes. */
  public readonly routedFunctions: readonly LanternFunction[];

  constructor(scope: Construct, id: string, props: ChatApiProps) {
    super(scope, id);
    const origins = corsOrigins(props.corsAllowOrigins);
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const slack = props.slackEventsFunction !== undefined;

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
          ...(props.openApiFunction
            ? { '/v1/openapi.json/GET': KEYLESS_ROUTE_THROTTLE['/v1/openapi.json/GET'] }
            : {}),
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
            // Not $context.error.validationErrorString: the validator quotes the refused value, and a
            // question too long for the model is refused before the guardrail could mask it.
            wafStatus: AccessLogField.contextWafResponseCode(),
            xrayTraceId: AccessLogField.contextXrayTraceId(),
          }),
        ),
      },
      defaultCorsPreflightOptions: {
        // With several origins, CDK's preflight mock answers with the request's origin only when it is listed.
        allowOrigins: origins ? [...origins] : Cors.ALL_ORIGINS,
        allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        // SigV4's headers too, for the IAM-authorized admin routes.
        allowHeaders: ['content-type', 'x-api-key', 'authorization', 'x-amz-date', 'x-amz-security-token'],
        maxAge: Duration.hours(1),
      },
    });
    // RestApi's own output has an odd name; the stack outputs `url` as ApiUrl.
    api.node.tryRemoveChild('Endpoint');
    this.api = api;
    this.url = api.url;

    // Static values only: a gateway response cannot check the request's Origin against the list, and
    // echoing `method.request.header.origin` would let every origin read these errors.
    const corsHeaders: Record<string, string> = origins
      ? { 'Access-Control-Allow-Origin': `'${origins[0]}'`, Vary: "'Origin'" }
      : { 'Access-Control-Allow-Origin': `'${ALL_ORIGINS}'` };
    for (const [type, error] of Object.entries(GATEWAY_ERRORS) as [string, GatewayErrorResponse][]) {
      api.addGatewayResponse(`Error${type}`, {
        type: ResponseType.of(type),
        statusCode: error.statusCode,
        responseHeaders: corsHeaders,
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
    // The config's plain JSON Schema, as CDK's types spell it (the same strings, typed as enums).
    const model = (schema: RequestModel) =>
      api.addModel(schema.title, {
        modelName: schema.title,
        contentType: 'application/json',
        schema: { schema: JsonSchemaVersion.DRAFT4, ...(schema as unknown as JsonSchema) },
      });
    const chatRequest = model(chatRequestModel);
    const feedbackRequest = model(feedbackRequestModel);
    const withBody = (model: Model, extra: MethodOptions = {}): MethodOptions => ({
      apiKeyRequired: true,
      requestValidator: validator,
      requestModels: { 'application/json': model },
      ...extra,
    });

    const chatAccess = routeAccess('chat', props);
    const sessionsAccess = routeAccess('sessions', props);

    const routed = new Set<LanternFunction>();
    const integration = (fn: LanternFunction, options: LambdaIntegrationOptions = {}) => {
      routed.add(fn);
      return new LambdaIntegration(fn, { allowTestInvoke: false, ...options });
    };
    const v1 = api.root.addResource('v1');

    const chat = v1.addResource('chat');
    chat.addMethod('POST', integration(props.chatFunction), withBody(chatRequest, chatAccess));
    // Lambda response streaming: API Gateway calls InvokeWithResponseStream and passes the bytes on as they come.
    chat.addResource('stream').addMethod(
      'POST',
      integration(props.chatStreamFunction, {
        responseTransferMode: ResponseTransferMode.STREAM,
        timeout: Duration.seconds(STREAM_INTEGRATION_TIMEOUT_SECONDS),
      }),
      withBody(chatRequest, chatAccess),
    );

    const sessions = v1.addResource('sessions');
    const session = sessions.addResource('{id}');
    const pathId = { 'method.request.path.id': true };
    const sessionMethodOptions = {
      ...sessionsAccess,
      requestValidator: validator,
      requestParameters: pathId,
    };
    // Per-person history: only where sessions belong to people (a token), not to a backend's shared key.
    if (sessionsAccess.authorizer) {
      sessions.addMethod('GET', integration(props.sessionsFunction), {
        ...sessionsAccess,
        requestValidator: validator,
        requestParameters: {
          'method.request.querystring.limit': false,
          'method.request.querystring.cursor': false,
        },
      });
    }
    session.addMethod('GET', integration(props.sessionsFunction), sessionMethodOptions);
    session.addMethod('DELETE', integration(props.sessionsFunction), sessionMethodOptions);
    session
      .addResource('feedback')
      .addMethod(
        'POST',
        integration(props.sessionsFunction),
        withBody(feedbackRequest, { ...sessionsAccess, requestParameters: pathId }),
      );

    v1.addResource('health').addMethod('GET', integration(props.healthFunction), { apiKeyRequired: false });
    if (props.visitorTokensFunction) {
      v1.addResource('visitor-tokens').addMethod('POST', integration(props.visitorTokensFunction), {
        apiKeyRequired: true,
      });
    }
    if (props.openApiFunction) {
      v1.addResource('openapi.json').addMethod('GET', integration(props.openApiFunction), {
        apiKeyRequired: false,
      });
    }

    if (props.slackEventsFunction) {
      // No API key and no body validation: Slack signs the raw body, and the function checks the signature.
      v1.addResource('slack')
        .addResource('events')
        .addMethod('POST', integration(props.slackEventsFunction), { apiKeyRequired: false });
      this.slackRequestUrl = `${api.url}v1/slack/events`;
    }

    // Operators only: IAM (SigV4) instead of an API key, so access is whatever IAM grants execute-api:Invoke
    // on these methods. The handler reads the caller's ARN (requestContext.identity.userArn) for the job record.
    const adminFunction = props.knowledgeBaseAdminFunction;
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
    this.adminUrl = `${api.url}${ADMIN_PATH}/`;

    // With proxy integrations API Gateway adds no CORS headers to what a function returns, so each function
    // behind a route answers browsers itself, from the same list as the preflight.
    this.corsAllowOrigins = origins ? origins.join(',') : ALL_ORIGINS;
    this.routedFunctions = [...routed];
    for (const fn of this.routedFunctions) fn.setVariable('CORS_ALLOW_ORIGINS', this.corsAllowOrigins);

    const plan = props.usagePlan ?? DEFAULT_USAGE_PLAN;
    this.usagePlan = api.addUsagePlan('UsagePlan', {
      name: 'lantern-default',
      description: 'Default limits for each Lantern API key',
      throttle: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
      quota: { limit: plan.monthlyQuota, period: Period.MONTH },
    });
    this.usagePlan.addApiStage({ stage: api.deploymentStage });
    this.apiKey = new ApiKey(this, 'ApiKey', { description: 'Default Lantern API key', enabled: true });
    this.usagePlan.addApiKey(this.apiKey);

    const profileApiKeys = new Map<string, IApiKey>();
    const profileUsagePlans = new Map<string, UsagePlan>();
    for (const { profile, usagePlan: tier } of props.profileKeys ?? []) {
      if (profileApiKeys.has(profile)) throw new Error(`Answer profile "${profile}" is listed twice`);
      // The functions map a request's API key id to its profile (API_KEY_PROFILES), so a key is never shared.
      const key = new ApiKey(this, `ProfileKey-${profile}`, {
        apiKeyName: `lantern-${profile}`,
        description: `Lantern API key of answer profile "${profile}"`,
        enabled: true,
      });
      profileApiKeys.set(profile, key);
      if (!tier) {
        this.usagePlan.addApiKey(key);
        continue;
      }
      const profilePlan = api.addUsagePlan(`ProfileUsagePlan-${profile}`, {
        name: `lantern-${profile}`,
        description: `Limits of the API key of answer profile "${profile}"`,
        throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
        quota: { limit: tier.monthlyQuota ?? plan.monthlyQuota, period: Period.MONTH },
      });
      profilePlan.addApiStage({ stage: api.deploymentStage });
      profilePlan.addApiKey(key);
      profileUsagePlans.set(profile, profilePlan);
    }
    this.profileApiKeys = profileApiKeys;
    this.profileUsagePlans = profileUsagePlans;

    const tokenGroups = (['chat', 'sessions'] as const).filter(
      (group) => (props.auth?.[group] ?? 'api-key') !== 'api-key',
    );
    if (props.waf) {
      this.firewall = new ApiFirewall(this, 'Firewall', {
        stage: api.deploymentStage,
        ...(tokenGroups.length
          ? {
              tokenRoutes: {
                groups: tokenGroups,
                ...(props.auth?.tokenRateLimit
                  ? { requestsPerTokenPer5Minutes: props.auth.tokenRateLimit }
                  : {}),
              },
            }
          : {}),
      });
    } else if (props.auth?.tokenRateLimit) {
      throw new Error('auth.tokenRateLimit is enforced by the WAF: ChatApi needs waf');
    }
    acknowledgeFindings(api, props.waf ?? false, tokenGroups);
  }
}

/** The allow-list, or undefined for every origin; `*` beside named origins is a contradiction. */
function corsOrigins(origins: readonly string[] | undefined): readonly string[] | undefined {
  if (!origins?.length) return undefined;
  if (origins.includes(ALL_ORIGINS)) {
    if (origins.length > 1) throw new Error(`CORS: ${ALL_ORIGINS} cannot be listed beside origins`);
    return undefined;
  }
  return [...new Set(origins)];
}

/** A route group's method options: an API key, the token authorizer, or both. */
function routeAccess(group: 'chat' | 'sessions', props: ChatApiProps): MethodOptions {
  const mode = props.auth?.[group] ?? 'api-key';
  if (mode === 'api-key') return { apiKeyRequired: true };
  if (!props.userAuthorizer) throw new Error(`auth.${group} is ${mode}: ChatApi needs a userAuthorizer`);
  return {
    apiKeyRequired: mode === 'both',
    authorizationType: AuthorizationType.CUSTOM,
    authorizer: props.userAuthorizer,
  };
}

/**
 * Why the stage may go without a web ACL, true for the routes this API has: which need an API key
 * (and so count against the usage plan), which a token the authorizer verified (held back only by
 * the stage throttle without the WAF's per-token limit), and which are public.
 */
export function noWafReason(tokenGroups: readonly string[]): string {
  const cost = 'WAF is optional (-c waf=true) because a web ACL costs about $9 a month';
  const open =
    'health, the OpenAPI description and Slack (which verifies its signature) return nothing private and are throttled at the stage';
  if (tokenGroups.length === 0) {
    return `${cost}: every route but health, the OpenAPI description and Slack needs an API key, and the usage plan and stage throttle those; ${open}; the admin routes need IAM.`;
  }
  const routes = tokenGroups.map((group) => `/v1/${group}*`).join(' and ');
  return `${cost}: ${routes} take a bearer token the Lambda authorizer verifies (with an API key as well where the group is "both"), and without the WAF's per-token rate limit a token is held back only by the stage throttle; any other route that needs an API key counts against the usage plan; ${open}; the admin routes need IAM.`;
}

/** Records, method by method, why each remaining cdk-nag finding on the API is accepted. */
function acknowledgeFindings(api: RestApi, waf: boolean, tokenGroups: readonly string[]): void {
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
    if (cfnMethod.authorizationType === AuthorizationType.CUSTOM) {
      // A Lambda authorizer satisfies APIG4; only the Cognito rule remains.
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          "Callers send a JWT the Lambda authorizer verifies (signature against the issuer's JWKS, issuer, audience, expiry): a Cognito user pool's, any OIDC provider's, or Lantern's own visitor token, which a Cognito authorizer could not accept.",
      });
      continue;
    }
    const keyed = cfnMethod.apiKeyRequired === true;
    const reason = keyed
      ? 'Callers authenticate with an API key bound to a usage plan; v1 has no end-user identity, and a session belongs to the key that created it.'
      : method.resource.path === '/v1/slack/events'
        ? "Slack cannot send an API key or sign in: the function verifies Slack's HMAC signature of every request (signing secret, 5-minute timestamp window) and refuses anything else."
        : method.resource.path === '/v1/openapi.json'
          ? "The API's OpenAPI description, for client teams and their code generators: public by design, the same document for every caller, throttled at the stage."
          : 'Health check for uptime probes: public by design, returns no data, throttled at the stage.';
    for (const id of ['AwsSolutions-APIG4', 'AwsSolutions-COG4']) {
      Validations.of(method).acknowledge({ id, reason });
    }
  }
  if (!waf) {
    Validations.of(api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason: noWafReason(tokenGroups),
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
