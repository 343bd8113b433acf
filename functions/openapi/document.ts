import { z } from 'zod';
import type { ErrorCode } from '../../shared/errors.ts';
import { MAX_PATH_ID_LENGTH } from '../../shared/http/request.ts';
import {
  chatAnswerSchema,
  chatStreamEventSchema,
  citationEventSchema,
  citationReferenceSchema,
  citationSchema,
  doneEventSchema,
  errorBodySchema,
  errorEventSchema,
  feedbackSchema,
  guardrailEventSchema,
  guardrailOutcomeSchema,
  ingestionStatisticsSchema,
  jobViewSchema,
  sessionEventSchema,
  textEventSchema,
  transcriptMessageSchema,
} from './response-schemas.ts';
import {
  type ApiRoute,
  apiRoutes,
  type ErrorStatus,
  type NamedSchema,
  type SecurityScheme,
} from './routes.ts';

type Json = Record<string, unknown>;

/** What each error status means for a caller, the codes its body carries, and whether it says when to retry. */
const ERROR_RESPONSES: Record<
  ErrorStatus,
  {
    readonly name: string;
    readonly description: string;
    readonly codes: readonly ErrorCode[];
    readonly retryAfter?: 'always' | 'sometimes';
  }
> = {
  400: {
    name: 'BadRequest',
    description:
      "The body is missing, is not JSON, or does not match the schema. A chat or feedback body that breaks the gateway's request model (a member missing, of the wrong type, empty or too long) is refused by API Gateway with the message `Invalid request body`; otherwise the message says what is wrong.",
    codes: ['BAD_REQUEST', 'VALIDATION_ERROR'],
  },
  401: {
    name: 'Unauthorized',
    description: 'Missing or invalid credentials: the API key, the token, or the Slack signature.',
    codes: ['UNAUTHORIZED'],
  },
  403: {
    name: 'Forbidden',
    description:
      "Not allowed here: a request API Gateway finds no method for, which it answers `Missing Authentication Token` (an unsigned request to an IAM route, an API key alone included, and any route or method the API lacks); a SigV4 signature that is invalid or expired, an IAM identity without `execute-api:Invoke` on the route (an API key is not enough), or a token the authorizer denies; or, where the deployment has a web ACL (`waf`), a request it blocked (a managed rule, the per-IP or the per-token rate limit); on the chat routes, a `model` outside the answer profile's allow-list (`MODEL_NOT_ALLOWED`, naming the allowed ones), or a visitor token sent with another profile's API key.",
    codes: ['FORBIDDEN', 'MODEL_NOT_ALLOWED'],
  },
  404: {
    name: 'NotFound',
    description: "No such resource for this caller (another caller's session is not found either).",
    codes: ['NOT_FOUND'],
  },
  409: {
    name: 'Conflict',
    description:
      'The same request is still being answered (the same `clientMessageId`), or an ingestion job is already running. Retry after `Retry-After` seconds.',
    codes: ['CONFLICT'],
    retryAfter: 'always',
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is larger than the route accepts.',
    codes: ['PAYLOAD_TOO_LARGE'],
  },
  422: {
    name: 'IdempotencyKeyReused',
    description: 'The `clientMessageId` was already used for a different request.',
    codes: ['IDEMPOTENCY_KEY_REUSED'],
  },
  429: {
    name: 'Throttled',
    description: "Over the stage's or the API key's rate limit or quota: back off and retry.",
    codes: ['THROTTLED'],
  },
  500: {
    name: 'InternalError',
    description: 'Something went wrong on our side; the body never holds internals.',
    codes: ['INTERNAL_ERROR'],
  },
  502: {
    name: 'BadGateway',
    description:
      'An upstream service (Bedrock) refused the request (`UPSTREAM_ERROR`), or the function failed or outran its timeout (`INTERNAL_ERROR`).',
    codes: ['UPSTREAM_ERROR', 'INTERNAL_ERROR'],
  },
  503: {
    name: 'ServiceUnavailable',
    description:
      'Temporarily unable to answer (Bedrock throttling, a timeout, still starting): retry after `Retry-After` seconds when it is given.',
    codes: ['SERVICE_UNAVAILABLE'],
    retryAfter: 'sometimes',
  },
};

const SECURITY_SCHEMES: Record<SecurityScheme, Json> = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description:
      'An API key of the usage plan `lantern-default`. Without a token, sessions belong to the key that created them.',
  },
  userToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A user's token from the configured OpenID Connect issuer (its audience, RS256), or a visitor token from `POST /v1/visitor-tokens`. Sessions belong to the token's subject. Locally, `npm run token` prints one.",
  },
  iam: {
    // How API Gateway itself exports an IAM-authorized method: SigV4 has no OpenAPI type of its own.
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    'x-amazon-apigateway-authtype': 'awsSigv4',
    description:
      'AWS Signature Version 4 for service `execute-api`, by an IAM identity allowed `execute-api:Invoke` on the route. Locally (`npm start`), the `x-admin-key` header stands in for the signature.',
  },
  slackSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'x-slack-signature',
    description:
      "Slack's `v0=` HMAC-SHA256 of `v0:{x-slack-request-timestamp}:{raw body}` with the app's signing secret; requests older than five minutes are refused.",
  },
};

const TAGS = [
  { name: 'chat', description: 'Questions and grounded answers' },
  { name: 'sessions', description: 'Transcripts and feedback' },
  { name: 'service', description: 'Health and this description' },
  { name: 'knowledge-base admin', description: 'Operators reload the knowledge base (IAM-authorized)' },
  { name: 'slack', description: "Slack's Events API" },
] as const;

/** Named schemas nested in others, so they appear once under `components.schemas` and are referenced. */
const SHARED_RESPONSE_SCHEMAS: readonly NamedSchema[] = [
  { name: 'Citation', schema: citationSchema },
  { name: 'CitationReference', schema: citationReferenceSchema },
  { name: 'GuardrailOutcome', schema: guardrailOutcomeSchema },
  { name: 'TranscriptMessage', schema: transcriptMessageSchema },
  { name: 'Feedback', schema: feedbackSchema },
  { name: 'IngestionStatistics', schema: ingestionStatisticsSchema },
  { name: 'JobView', schema: jobViewSchema },
  { name: 'ChatStreamEvent', schema: chatStreamEventSchema },
  { name: 'SessionEvent', schema: sessionEventSchema },
  { name: 'TextEvent', schema: textEventSchema },
  { name: 'CitationEvent', schema: citationEventSchema },
  { name: 'GuardrailEvent', schema: guardrailEventSchema },
  { name: 'DoneEvent', schema: doneEventSchema },
  { name: 'ErrorEvent', schema: errorEventSchema },
  { name: 'ChatAnswer', schema: chatAnswerSchema },
];

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The OpenAPI 3.1 description of the routes in `routes.ts`. Request schemas are converted as input
 * (what a client may send: defaults optional), response schemas as output, both with
 * `z.toJSONSchema` into JSON Schema 2020-12, OpenAPI 3.1's dialect.
 */
export function buildOpenApiDocument(routes: readonly ApiRoute[] = apiRoutes): Json {
  const requests = new SchemaSet();
  const responses = new SchemaSet();
  for (const named of SHARED_RESPONSE_SCHEMAS) responses.add(named);

  const usedErrors = new Set<ErrorStatus>();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const operation = operationOf(route, requests, responses);
    for (const status of route.errors) usedErrors.add(status);
    const path = paths[route.path] ?? {};
    paths[route.path] = path;
    if (path[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is listed twice`);
    path[route.method] = operation;
  }

  const errorSchemas: Record<string, Json> = {};
  const errorResponses: Record<string, Json> = {};
  for (const status of [...usedErrors].sort()) {
    const { name, description, codes, retryAfter } = ERROR_RESPONSES[status];
    errorSchemas[`${name}Body`] = toJsonSchema(errorBodySchema(codes), 'output');
    errorResponses[name] = {
      description,
      ...(retryAfter
        ? {
            headers: {
              'Retry-After': {
                $ref: '#/components/headers/RetryAfter',
                ...(retryAfter === 'always' ? {} : { description: 'Given when the function answers.' }),
              },
            },
          }
        : {}),
      content: { 'application/json': { schema: schemaRef(`${name}Body`) } },
    };
  }

  const usedSecurity = new Set(routes.flatMap((route) => route.security.flat()));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lantern API',
      version: '1.0.0',
      summary: 'Grounded answers with citations from a Bedrock knowledge base.',
      description:
        'Every body is JSON unless stated; every error is `{"error": {"code", "message"}}`, never a stack trace. Responses carry CORS headers for allowed origins (`Access-Control-Expose-Headers: retry-after`).',
    },
    servers: [
      {
        url: 'https://{restApiId}.execute-api.{region}.amazonaws.com/prod',
        description: 'Deployed (the stack output ApiUrl)',
        variables: {
          restApiId: { default: 'abcde12345', description: "The REST API's id" },
          region: { default: 'us-east-1' },
        },
      },
      { url: 'http://127.0.0.1:3000', description: '`npm start` on this machine' },
    ],
    tags: TAGS.filter((tag) => routes.some((route) => route.tag === tag.name)),
    paths,
    components: {
      schemas: { ...requests.toJsonSchemas('input'), ...responses.toJsonSchemas('output'), ...errorSchemas },
      responses: errorResponses,
      headers: {
        RetryAfter: {
          description: 'Seconds to wait before retrying.',
          required: true,
          schema: { type: 'integer', minimum: 0 },
        },
      },
      securitySchemes: Object.fromEntries([...usedSecurity].map((name) => [name, SECURITY_SCHEMES[name]])),
    },
  };
}

function operationOf(route: ApiRoute, requests: SchemaSet, responses: SchemaSet): Json {
  const parameters = [
    ...(route.pathParameters ?? []).map((parameter) => ({
      name: parameter.name,
      in: 'path',
      required: true,
      description: parameter.description,
      schema: {
        type: 'string',
        minLength: 1,
        maxLength: MAX_PATH_ID_LENGTH,
        ...(parameter.pattern ? { pattern: parameter.pattern } : {}),
      },
    })),
    ...queryParameters(route.query),
    ...(route.headers ?? []).map((header) => ({
      name: header.name,
      in: 'header',
      required: false,
      description: header.description,
      schema: { type: 'string' },
    })),
  ];
  const templated = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const declared = (route.pathParameters ?? []).map((parameter) => parameter.name);
  if (templated.join() !== declared.join()) {
    throw new Error(`${route.path}: path parameters ${declared.join()} do not match the template`);
  }

  const success: Record<string, Json> = {};
  for (const response of route.success) {
    const bodies =
      response.body === undefined ? [] : 'name' in response.body ? [response.body] : response.body;
    for (const body of bodies) responses.add(body);
    const content = response.eventStream
      ? {
          'text/event-stream': {
            schema: {
              ...schemaRef('ChatStreamEvent'),
              description:
                'The body is a sequence of Server-Sent Events, each `event: <name>` and one `data:` line of JSON; this schema describes one event with its `data` parsed.',
            },
          },
        }
      : bodies.length === 1 && bodies[0]
        ? { 'application/json': { schema: schemaRef(bodies[0].name) } }
        : bodies.length > 1
          ? { 'application/json': { schema: { oneOf: bodies.map((body) => schemaRef(body.name)) } } }
          : undefined;
    success[String(response.status)] = { description: response.description, ...(content ? { content } : {}) };
  }
  if (route.requestBody) requests.add(route.requestBody.body);

  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.security.map((schemes) => Object.fromEntries(schemes.map((scheme) => [scheme, []]))),
    ...(parameters.length ? { parameters } : {}),
    ...(route.requestBody
      ? {
          requestBody: {
            required: route.requestBody.required,
            content: { 'application/json': { schema: schemaRef(route.requestBody.body.name) } },
          },
        }
      : {}),
    responses: {
      ...success,
      ...Object.fromEntries(
        route.errors.map((status) => [
          String(status),
          { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` },
        ]),
      ),
    },
  };
}

/** One query parameter per property of the route's query schema, as a client sends it. */
function queryParameters(query: z.core.$ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = toJsonSchema(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** Named schemas converted together, so one that holds another refers to it by `$ref`. */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly names = new Map<string, z.core.$ZodType>();
  private readonly schemas = new Map<z.core.$ZodType, string>();

  add({ name, schema }: NamedSchema): void {
    const known = this.names.get(name);
    if (known && known !== schema) throw new Error(`Two schemas are named ${name}`);
    if (known) return;
    const other = this.schemas.get(schema);
    if (other) throw new Error(`One schema is named both ${other} and ${name}`);
    this.names.set(name, schema);
    this.schemas.set(schema, name);
    this.registry.add(schema, { id: name });
  }

  toJsonSchemas(io: 'input' | 'output'): Record<string, Json> {
    if (this.names.size === 0) return {};
    const { schemas } = z.toJSONSchema(this.registry, {
      ...CONVERSION,
      io,
      uri: (id) => `#/components/schemas/${id}`,
    });
    return Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, bare(schema as Json)]));
  }
}

const CONVERSION = {
  target: 'draft-2020-12',
  // `format: date-time` says it; zod's own pattern for it is long and adds nothing a client needs.
  override: ({ jsonSchema }: { jsonSchema: Json }) => {
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  },
} as const;

function toJsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  return bare(z.toJSONSchema(schema, { ...CONVERSION, io }) as Json);
}

/** Without `$schema` and `$id`: OpenAPI 3.1 documents are in JSON Schema 2020-12 already. */
function bare(schema: Json): Json {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
