import type { z } from 'zod';
import { chatMembers } from '../../shared/api-schemas.ts';
import { MAX_PATH_ID_LENGTH } from '../../shared/http/request.ts';
import { JOB_ID_PATTERN, listJobsQuerySchema, syncRequestSchema } from '../../shared/ingestion/api.ts';
import { feedbackRequestSchema, sessionListQuerySchema } from '../../shared/session-api-schemas.ts';
import * as zm from '../../shared/validation.ts';
import {
  chatAnswerSchema,
  healthSchema,
  jobPageSchema,
  jobViewSchema,
  openApiDocumentSchema,
  sessionListSchema,
  sessionSchema,
  slackAckSchema,
  slackChallengeSchema,
  slackEnvelopeSchema,
  syncResponseSchema,
  visitorTokenSchema,
} from './response-schemas.ts';

/**
 * The chat request as the document describes it: the same members, closed to others, with `filter`
 * an object (Bedrock's RetrievalFilter, which the handler checks against the declared attributes).
 */
const chatRequestDocumentSchema = zm.strictObject({
  ...chatMembers,
  filter: zm.optional(zm.record(zm.string(), zm.unknown())),
});

/**
 * Every public route of the API, one entry each: what it takes, what it answers, and which error
 * statuses it can answer with. `document.ts` turns this table into the OpenAPI description.
 */

/** A schema and its name under `components.schemas`. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.core.$ZodType;
}

/** How a caller proves who it is; `document.ts` describes each scheme. */
export type SecurityScheme = 'apiKey' | 'userToken' | 'iam' | 'slackSignature';

/** Alternatives, each the schemes a caller presents together; none at all: a public route. */
export type RouteSecurity = readonly (readonly SecurityScheme[])[];

const PUBLIC: RouteSecurity = [];
const API_KEY: RouteSecurity = [['apiKey']];
/**
 * The chat and sessions route groups: the deployment's `auth` setting picks one alternative per
 * group: `api-key` (the default), `jwt` (a token) or `both` (the key names the application, the
 * token the person).
 */
const KEY_OR_TOKEN: RouteSecurity = [['apiKey'], ['userToken'], ['apiKey', 'userToken']];
const TOKEN: RouteSecurity = [['userToken'], ['apiKey', 'userToken']];
const IAM: RouteSecurity = [['iam']];
const SLACK: RouteSecurity = [['slackSignature']];

/** The error statuses Lantern answers with; `document.ts` describes each (codes, Retry-After). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;

export interface SuccessResponse {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /** JSON body (one of several when a list); none for 204. */
  readonly body?: NamedSchema | readonly NamedSchema[];
  /** `text/event-stream`: the chat stream's events, described in `document.ts`. */
  readonly eventStream?: true;
}

export interface PathParameter {
  readonly name: string;
  readonly description: string;
  readonly pattern?: string;
}

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'delete';
  /** API Gateway's resource template: `/v1/sessions/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'chat' | 'sessions' | 'service' | 'knowledge-base admin' | 'slack';
  readonly security: RouteSecurity;
  /**
   * A route a deployment serves only with a setting: `tokens`, where the sessions route group takes
   * tokens (`auth` `jwt` or `both`); `visitor tokens`, where those are configured (always locally).
   */
  readonly servedOnlyWith?: 'tokens' | 'visitor tokens';
  readonly pathParameters?: readonly PathParameter[];
  /** The query string's schema (an object of scalar properties): one parameter each. */
  readonly query?: z.core.$ZodType;
  readonly requestBody?: { readonly body: NamedSchema; readonly required: boolean };
  /** Headers the route reads, besides the security scheme's. */
  readonly headers?: readonly { readonly name: string; readonly description: string }[];
  readonly success: readonly SuccessResponse[];
  readonly errors: readonly ErrorStatus[];
}

const sessionIdParameter: PathParameter = {
  name: 'id',
  description: `A \`sessionId\` the chat routes returned. Another caller's session, or an id longer than ${MAX_PATH_ID_LENGTH} characters, is not found.`,
};

/** Every route a client may call through the API's gateway, errors included. */
const GATEWAY_ERRORS = [429, 500] as const satisfies readonly ErrorStatus[];

export const apiRoutes: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/chat',
    operationId: 'chat',
    summary: 'Ask a question; get a grounded answer with citations',
    description:
      "Without `sessionId` a new session starts. A repeat with the same `clientMessageId` gets the stored answer (409 while the first is still being answered, 422 when the repeat asks something else). The caller's answer profile (its API key's, or for a visitor token the minting key's; signed-in users get the deployment's defaults) sets the model, prompt, number of results, reranking and a filter that always applies. `filter` narrows retrieval further, in Bedrock's RetrievalFilter grammar (`equals`, `notEquals`, `greaterThan`, `greaterThanOrEquals`, `lessThan`, `lessThanOrEquals`, `in`, `notIn`, `startsWith`, `listContains`, `stringContains`, `andAll`, `orAll`; groups of 2 to 5, one level of nesting; `startsWith` and `stringContains` only where the knowledge base is on OpenSearch Serverless, not S3 Vectors) on the attributes the deployment declares: it is ANDed with the profile's, never widening it; a filter that breaks these rules is a 400 naming the problem. `model` picks one of the profile's allowed models (403 `MODEL_NOT_ALLOWED` otherwise). A member the API does not know is a 400 naming it.",
    tag: 'chat',
    security: KEY_OR_TOKEN,
    requestBody: { body: { name: 'ChatRequest', schema: chatRequestDocumentSchema }, required: true },
    success: [
      { status: 200, description: 'The answer', body: { name: 'ChatAnswer', schema: chatAnswerSchema } },
    ],
    errors: [400, 401, 403, 404, 409, 413, 422, ...GATEWAY_ERRORS, 502, 503],
  },
  {
    method: 'post',
    path: '/v1/chat/stream',
    operationId: 'chatStream',
    summary: 'Ask a question; get the answer as Server-Sent Events',
    description:
      'The same turn as `POST /v1/chat`, streamed: `session` first, then `text`, `citation` and `guardrail` as they come, then `done` with the whole answer; `error` instead of `done` when the turn fails after the stream began. Failures before the first event are JSON error responses, as for `POST /v1/chat`.',
    tag: 'chat',
    security: KEY_OR_TOKEN,
    requestBody: { body: { name: 'ChatRequest', schema: chatRequestDocumentSchema }, required: true },
    success: [{ status: 200, description: 'The answer, event by event', eventStream: true }],
    errors: [400, 401, 403, 404, 409, 413, 422, ...GATEWAY_ERRORS, 502, 503],
  },
  {
    method: 'get',
    path: '/v1/sessions',
    operationId: 'listSessions',
    summary: "The caller's own sessions, newest first",
    description:
      'For callers with a token: served where the sessions route group takes tokens (`jwt` or `both`), since sessions behind a shared API key belong to the application, not to a person.',
    tag: 'sessions',
    security: TOKEN,
    servedOnlyWith: 'tokens',
    query: sessionListQuerySchema,
    success: [
      {
        status: 200,
        description: 'A page of sessions',
        body: { name: 'SessionList', schema: sessionListSchema },
      },
    ],
    errors: [400, 401, 403, ...GATEWAY_ERRORS, 503],
  },
  {
    method: 'get',
    path: '/v1/sessions/{id}',
    operationId: 'getSession',
    summary: "A session's transcript",
    tag: 'sessions',
    security: KEY_OR_TOKEN,
    pathParameters: [sessionIdParameter],
    success: [
      { status: 200, description: 'The transcript', body: { name: 'Session', schema: sessionSchema } },
    ],
    errors: [401, 403, 404, ...GATEWAY_ERRORS, 503],
  },
  {
    method: 'delete',
    path: '/v1/sessions/{id}',
    operationId: 'deleteSession',
    summary: 'Delete a session and its transcript',
    tag: 'sessions',
    security: KEY_OR_TOKEN,
    pathParameters: [sessionIdParameter],
    success: [{ status: 204, description: 'Deleted' }],
    errors: [401, 403, 404, ...GATEWAY_ERRORS, 503],
  },
  {
    method: 'post',
    path: '/v1/sessions/{id}/feedback',
    operationId: 'rateAnswer',
    summary: 'Rate an answer of a session',
    description: 'A later rating of the same answer replaces the earlier one.',
    tag: 'sessions',
    security: KEY_OR_TOKEN,
    pathParameters: [sessionIdParameter],
    requestBody: { body: { name: 'FeedbackRequest', schema: feedbackRequestSchema }, required: true },
    success: [{ status: 204, description: 'Recorded' }],
    errors: [400, 401, 403, 404, 413, ...GATEWAY_ERRORS, 503],
  },
  {
    method: 'post',
    path: '/v1/visitor-tokens',
    operationId: 'createVisitorToken',
    summary: 'A short-lived token for one anonymous visitor of a public widget',
    description:
      "Served where visitor tokens are configured (always locally). The widget's backend asks with its API key and hands the token to the visitor's browser, which sends it as `Authorization: Bearer`; the visitor's sessions are theirs until it expires. The token carries the answer profile of the key that asked, which answers the visitor's questions. No body.",
    tag: 'chat',
    security: API_KEY,
    servedOnlyWith: 'visitor tokens',
    success: [
      { status: 201, description: 'The token', body: { name: 'VisitorToken', schema: visitorTokenSchema } },
    ],
    errors: [401, ...GATEWAY_ERRORS, 503],
  },
  {
    method: 'get',
    path: '/v1/health',
    operationId: 'health',
    summary: 'Whether the service can answer',
    description: 'Locally, 503 until the first ingestion of the knowledge base finished.',
    tag: 'service',
    security: PUBLIC,
    success: [{ status: 200, description: 'Ready', body: { name: 'Health', schema: healthSchema } }],
    errors: [...GATEWAY_ERRORS, 503],
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This description of the API (OpenAPI 3.1)',
    tag: 'service',
    security: PUBLIC,
    success: [
      {
        status: 200,
        description: 'The OpenAPI document',
        body: { name: 'OpenApiDocument', schema: openApiDocumentSchema },
      },
    ],
    errors: [...GATEWAY_ERRORS],
  },
  {
    method: 'post',
    path: '/v1/admin/knowledge-base/sync',
    operationId: 'syncKnowledgeBase',
    summary: 'Start ingestion jobs: every data source, or those named',
    description:
      'Bedrock runs one ingestion job per knowledge base at a time: data sources it refused are listed in `notStarted`; refused on every one, 409.',
    tag: 'knowledge-base admin',
    security: IAM,
    requestBody: { body: { name: 'SyncRequest', schema: syncRequestSchema }, required: false },
    success: [
      {
        status: 202,
        description: 'The jobs started',
        body: { name: 'SyncResponse', schema: syncResponseSchema },
      },
    ],
    errors: [400, 403, 404, 409, 413, ...GATEWAY_ERRORS, 502, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/knowledge-base/jobs',
    operationId: 'listIngestionJobs',
    summary: 'The ingestion jobs Lantern recorded, newest first',
    tag: 'knowledge-base admin',
    security: IAM,
    query: listJobsQuerySchema,
    success: [
      { status: 200, description: 'A page of jobs', body: { name: 'JobPage', schema: jobPageSchema } },
    ],
    errors: [400, 403, 404, ...GATEWAY_ERRORS, 502, 503],
  },
  {
    method: 'get',
    path: '/v1/admin/knowledge-base/jobs/{jobId}',
    operationId: 'getIngestionJob',
    summary: 'One ingestion job',
    tag: 'knowledge-base admin',
    security: IAM,
    pathParameters: [
      { name: 'jobId', description: "Bedrock's ingestion job id.", pattern: JOB_ID_PATTERN.source },
    ],
    success: [{ status: 200, description: 'The job', body: { name: 'JobView', schema: jobViewSchema } }],
    errors: [403, 404, ...GATEWAY_ERRORS, 502, 503],
  },
  {
    method: 'post',
    path: '/v1/slack/events',
    operationId: 'slackEvents',
    summary: "Slack's Events API request URL",
    description:
      'For Slack only (deployed when Slack is configured): every request must carry a valid Slack signature of its raw body; accepted events are answered asynchronously in Slack.',
    tag: 'slack',
    security: SLACK,
    headers: [
      { name: 'x-slack-request-timestamp', description: 'When Slack signed the request (Unix seconds).' },
      { name: 'x-slack-retry-num', description: 'Set by Slack on a redelivery.' },
      { name: 'x-slack-retry-reason', description: 'Set by Slack on a redelivery.' },
    ],
    requestBody: { body: { name: 'SlackEventEnvelope', schema: slackEnvelopeSchema }, required: true },
    success: [
      {
        status: 200,
        description: '`url_verification` answered, or the event accepted',
        body: [
          { name: 'SlackChallenge', schema: slackChallengeSchema },
          { name: 'SlackAck', schema: slackAckSchema },
        ],
      },
    ],
    errors: [400, 401, 413, ...GATEWAY_ERRORS],
  },
];
