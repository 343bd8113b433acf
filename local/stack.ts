import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AnswerSettingsError,
  foundationModelArn,
  normalizedSettingsJson,
  readAnswerSettings,
  unsupportedProfileCondition,
  type VectorStore,
} from '../config/answer-settings.ts';
import { parseModelReference } from '../config/bedrock-models.ts';
import { type LanternEnvironment, toEnvironmentRecord } from '../config/environment.ts';
import { functionTimeoutSeconds } from '../config/function-timeouts.ts';
import { localGuardrail } from '../config/guardrail.ts';
import { knowledgeBaseSettings } from '../config/knowledge-base.ts';
import { chatRequestModel, feedbackRequestModel } from '../config/request-models.ts';
import { nonFilterableKeys } from '../config/vector-metadata.ts';
import { makeChatHandler } from '../functions/chat/chat-handler.ts';
import { makeChatStreamHandler } from '../functions/chat-stream/chat-stream-handler.ts';
import { makeHealthHandler } from '../functions/health/health-handler.ts';
import openApiDocument from '../functions/openapi/openapi.json' with { type: 'json' };
import { makeOpenApiHandler } from '../functions/openapi/openapi-handler.ts';
import { makeSessionsHandler } from '../functions/sessions/sessions-handler.ts';
import { type AnswerEnvironment, parseAnswerEnvironment } from '../shared/answers/answer-environment.ts';
import { defaultAnswerPreset } from '../shared/answers/answer-preset.ts';
import { defaultRetrieval } from '../shared/answers/chat-answering.ts';
import { configureFromSettings } from '../shared/aws/bedrock-rag-settings.ts';
import { createDocumentClient } from '../shared/aws/clients.ts';
import { createConversationEngine, createSessionStore } from '../shared/chat/wiring.ts';
import { type CorsConfig, type LanternConfig, parseConfig, parseCorsConfig } from '../shared/config.ts';
import {
  type BedrockEmulator,
  type FaultHook,
  type FaultSettings,
  type IngestionPacing,
  startBedrockEmulator,
} from './bedrock-emulator/index.ts';
import { startLocalDynamoDb } from './dynamodb.ts';
import { installLambdaRuntime, LOCAL_CREDENTIALS, type LocalLogLevel } from './gateway/lambda-runtime.ts';
import { LOCAL_API } from './gateway/proxy-event.ts';
import type { GatewayRoute } from './gateway/routes.ts';
import { apiKeyIdFor, type LocalGateway, startLocalGateway } from './gateway/server.ts';
import { type LocalIdentity, type LocalRouteAuth, startLocalIdentity } from './identity/local-identity.ts';
import { type LocalKnowledgeBase, startLocalKnowledgeBase } from './knowledge-base/local-knowledge-base.ts';
import {
  type LocalAnswerPreset,
  type LocalSlack,
  type LocalSlackOptions,
  startLocalSlack,
} from './slack/local-slack.ts';

export const LOCAL_TABLE_NAME = 'lantern-sessions';
export const LOCAL_KNOWLEDGE_BASE_ID = 'LOCALKB001';
export const LOCAL_DATA_SOURCE_ID = 'LOCALDS001';
/** The Confluence data source, present when `confluenceDir` is given. */
export const LOCAL_CONFLUENCE_DATA_SOURCE_ID = 'LOCALCF001';
export const LOCAL_DOCUMENTS_BUCKET = 'lantern-documents';
const LOCAL_REGION = LOCAL_API.region;
/**
 * The model the deployed stack generates with by default, as its ARN in the local region: offline
 * runs name a model AWS serves, so a default AWS retires fails here first.
 */
export const LOCAL_MODEL_ARN = localModelArn(knowledgeBaseSettings.generationModelId);
/** The deployed default (`-c vectorStore`), which the local knowledge base stands in for. */
export const LOCAL_VECTOR_STORE: VectorStore = 's3-vectors';

export interface LocalStackOptions {
  readonly docsDir: string;
  readonly apiKeys: readonly string[];
  /** Accepted as `x-admin-key` on the admin routes (IAM-authorized on AWS). */
  readonly adminKeys?: readonly string[];
  readonly port?: number;
  /**
   * Browser origins allowed to read the API (`corsAllowOrigins` on AWS): exact origins, or `*`.
   * With a fixed `port`, the playground's own origins are added.
   */
  readonly corsOrigins?: readonly string[];
  /** Where dynalite keeps its files; in memory when absent. */
  readonly dataDir?: string;
  /**
   * Powertools' log level, when `POWERTOOLS_LOG_LEVEL` is not set. Powertools reads it when first
   * loaded: an entry point calls `installLambdaRuntime` before importing this module for it to count.
   */
  readonly logLevel?: LocalLogLevel;
  readonly onIngestProgress?: (progress: { done: number; total: number; file: string }) => void;
  readonly onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
  /** Slack signing secret, bot token and Web API URL; without them the `SLACK_*` variables apply. */
  readonly slack?: LocalSlackOptions;
  /** Consulted by the Bedrock emulator before each request (request counting, custom faults). */
  readonly faults?: FaultHook;
  /** Faults the Bedrock emulator injects from the start (`--faults`); `emulator.faults.set()` changes them. */
  readonly faultSettings?: FaultSettings;
  /** A folder of exported Confluence pages (with `pages.json`): a second data source. */
  readonly confluenceDir?: string;
  /** Sync when files in `docsDir` change (debounced), as S3 events do on AWS. @default true */
  readonly watchDocs?: boolean;
  /**
   * How the chat and sessions route groups authenticate: `api-key` (default), `jwt` (a token of the
   * local issuer or a visitor token) or `both`, as the CDK app's `auth` setting chooses on AWS.
   */
  readonly auth?: LocalRouteAuth;
  /**
   * An answer settings file (config/answer-settings.ts): read and checked at start (a bad file fails
   * the start with its message), and given to the chat functions as ANSWER_SETTINGS_FILE, with each
   * profile's `localApiKey` accepted as an API key whose key id API_KEY_PROFILES maps to the profile.
   */
  readonly answerSettingsFile?: string;
  /** Quiet time before a change in `docsDir` is synced. @default 1 s (config/ingestion.ts) */
  readonly docsDebounceMs?: number;
  /** Run the scheduled sync of the Confluence data source this often; off when absent. */
  readonly confluenceSyncIntervalMs?: number;
  /** Slows ingestion jobs started through the API (tests watch STARTING, IN_PROGRESS and 409s). */
  readonly ingestionPacing?: IngestionPacing;
  /** After each sync the docs watcher triggered. */
  readonly onDocsSync?: (batch: {
    readonly records: number;
    readonly failed: number;
    readonly ms: number;
  }) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly gateway: LocalGateway;
  /** Every route the gateway serves (the contract test holds them to the OpenAPI description). */
  readonly routes: readonly GatewayRoute[];
  readonly emulator: BedrockEmulator;
  readonly emulatorUrl: string;
  readonly dynamoDbEndpoint: string;
  /** The origins the API answers cross-origin reads for (`['*']` for any). */
  readonly corsAllowOrigins: readonly string[];
  /** The local AWS endpoints, so the AWS CLI or an SDK can be pointed at them. */
  readonly aws: LocalAwsEndpoints;
  /** Settles when the first ingestion finished; `/v1/health` answers 200 from then on. */
  readonly ingestion: Promise<{ documents: number; chunks: number }>;
  /** The Slack path: its in-process queue to the worker (tests wait on `slack.queue.idle()`). */
  readonly slack: LocalSlack;
  /** The local issuer of user tokens, and the command that mints one. */
  readonly identity: LocalIdentity;
  /** Knowledge-base reload: the docs watcher (tests wait on `knowledgeBase.watcher.idle()`) and kb-sync. */
  readonly knowledgeBase: LocalKnowledgeBase;
  /** The answer profiles of `answerSettingsFile` and the API keys that answer with them. */
  readonly profiles: readonly LocalProfileKey[];
  close(): Promise<void>;
}

export interface LocalProfileKey {
  readonly profile: string;
  readonly apiKey: string;
}

/**
 * The whole product on one machine: dynalite for DynamoDB, the Bedrock emulator, and the local API
 * Gateway invoking the very handlers Lambda runs, built by their factories from the variables of
 * `config/environment.ts` the CDK app sets too. Only the endpoints differ from AWS.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // Checked before anything starts: a bad file stops the start with the file's problem.
  const answerVariables = localAnswerVariables(options.answerSettingsFile);
  const dynamo = await startLocalDynamoDb({
    tableName: LOCAL_TABLE_NAME,
    ...(options.dataDir ? { dataDir: join(options.dataDir, 'dynamodb') } : {}),
  });
  const emulator = await startBedrockEmulator({
    knowledgeBases: [
      {
        knowledgeBaseId: LOCAL_KNOWLEDGE_BASE_ID,
        // As the deployed S3 Vectors index: a document key no settings declare cannot be filtered on,
        // and prefix or substring conditions are refused.
        nonFilterableMetadataKeys: nonFilterableKeys(answerVariables.filterableAttributes),
        vectorStore: LOCAL_VECTOR_STORE,
        dataSources: [
          {
            dataSourceId: LOCAL_DATA_SOURCE_ID,
            type: 'S3',
            folder: options.docsDir,
            bucketName: LOCAL_DOCUMENTS_BUCKET,
          },
          ...(options.confluenceDir
            ? [
                {
                  dataSourceId: LOCAL_CONFLUENCE_DATA_SOURCE_ID,
                  type: 'CONFLUENCE' as const,
                  folder: options.confluenceDir,
                },
              ]
            : []),
        ],
      },
    ],
    ...(options.ingestionPacing ? { ingestionPacing: options.ingestionPacing } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.faultSettings ? { faultSettings: options.faultSettings } : {}),
  });

  const corsAllowOrigins = allowedOrigins(options);
  const environment: LanternEnvironment = {
    CORS_ALLOW_ORIGINS: corsAllowOrigins.join(','),
    TABLE_NAME: LOCAL_TABLE_NAME,
    KNOWLEDGE_BASE_ID: LOCAL_KNOWLEDGE_BASE_ID,
    MODEL_ARN: LOCAL_MODEL_ARN,
    SESSION_TTL_DAYS: '30',
    AWS_REGION: LOCAL_REGION,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    BEDROCK_AGENT_RUNTIME_ENDPOINT: emulator.url,
    BEDROCK_RUNTIME_ENDPOINT: emulator.url,
    BEDROCK_AGENT_ENDPOINT: emulator.url,
    // The emulator serves this guardrail with the policy of config/guardrail.ts, as AWS does.
    GUARDRAIL_ID: localGuardrail.id,
    GUARDRAIL_VERSION: localGuardrail.version,
    KNOWLEDGE_BASE_DATA_SOURCE_IDS: [
      LOCAL_DATA_SOURCE_ID,
      ...(options.confluenceDir ? [LOCAL_CONFLUENCE_DATA_SOURCE_ID] : []),
    ].join(','),
    ...answerVariables.environment,
  };
  installLambdaRuntime(options.logLevel);
  // Parsed as each function parses its own at cold start, so a bad value fails here the same way.
  const variables = toEnvironmentRecord(environment);
  const config = parseConfig(variables);
  const cors = parseCorsConfig(variables);
  const answers = parseAnswerEnvironment(variables);
  const identity = await startLocalIdentity(options.auth ?? {}, cors, { keyProfiles: answers.keyProfiles });
  const apiRoutes = [...chatRoutes(config, cors, identity, answers), identity.visitorTokensRoute];
  const slack = startLocalSlack(
    config,
    cors,
    options.slack,
    answerVariables.settingsDir ? writeSlackAnswerPreset(answers, answerVariables.settingsDir) : undefined,
  );
  const knowledgeBase = startLocalKnowledgeBase(config, cors, {
    docsDir: options.docsDir,
    bucketName: LOCAL_DOCUMENTS_BUCKET,
    ...(options.watchDocs === undefined ? {} : { watchDocs: options.watchDocs }),
    ...(options.docsDebounceMs === undefined ? {} : { debounceMs: options.docsDebounceMs }),
    ...(options.confluenceDir && options.confluenceSyncIntervalMs
      ? { scheduleIntervalMs: options.confluenceSyncIntervalMs }
      : {}),
    ...(options.onDocsSync ? { onSync: options.onDocsSync } : {}),
  });
  const routes = [...apiRoutes, slack.route, ...knowledgeBase.routes];

  let ready = false;
  let progress = { done: 0, total: 0 };
  const gateway = await startLocalGateway({
    routes,
    apiKeys: [...options.apiKeys, ...answerVariables.profiles.map((profile) => profile.apiKey)],
    adminKeys: options.adminKeys ?? [],
    ...(options.port !== undefined ? { port: options.port } : {}),
    site: { dir: join(import.meta.dirname, 'playground'), config: playgroundConfig(options, identity) },
    isReady: () => ready,
    notReadyReason: () => `Ingesting the knowledge base (${progress.done}/${progress.total} documents)`,
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    corsAllowOrigins,
  });
  const { port } = new URL(gateway.url);
  identity.issuer.allowBrowserOrigins([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const ingestion = emulator
    .ingest((p) => {
      progress = p;
      options.onIngestProgress?.(p);
    })
    .then((result) => {
      ready = true;
      return result;
    });
  // Callers await `ingestion`; this keeps an early failure from being reported as unhandled twice.
  ingestion.catch(() => undefined);

  return {
    url: gateway.url,
    gateway,
    routes,
    emulator,
    emulatorUrl: emulator.url,
    dynamoDbEndpoint: dynamo.endpoint,
    corsAllowOrigins,
    aws: localAwsEndpoints(emulator.url, dynamo.endpoint, Boolean(options.confluenceDir)),
    ingestion,
    slack,
    identity,
    knowledgeBase,
    profiles: answerVariables.profiles,
    close: async () => {
      await knowledgeBase.close();
      await gateway.close();
      await identity.close();
      await slack.close();
      await emulator.close();
      await dynamo.close();
      if (answerVariables.settingsDir)
        await rm(answerVariables.settingsDir, { recursive: true, force: true });
    },
  };
}

/**
 * What the playground starts with: the API key, and where a group takes tokens, the groups' modes
 * and the local issuer it signs test users in with (`POST /token`, allowed from its origin).
 */
function playgroundConfig(options: LocalStackOptions, identity: LocalIdentity): Record<string, unknown> {
  const auth = { chat: options.auth?.chat ?? 'api-key', sessions: options.auth?.sessions ?? 'api-key' };
  const tokens = auth.chat !== 'api-key' || auth.sessions !== 'api-key';
  return { apiKey: options.apiKeys[0], ...(tokens ? { auth, issuer: identity.issuer.url } : {}) };
}

/**
 * The allow-list the handlers and the gateway share: the given origins first (API Gateway's own
 * errors name only the first), then the playground's, which is same-origin and so needs none, but
 * stays allowed whatever else is listed. `*` stands alone, as API Gateway's CORS options require.
 */
function allowedOrigins(options: LocalStackOptions): string[] {
  const given = options.corsOrigins ?? [];
  if (given.includes('*')) return ['*'];
  const playground = options.port
    ? [`http://127.0.0.1:${options.port}`, `http://localhost:${options.port}`]
    : [];
  return [...new Set([...given, ...playground])];
}

export interface LocalAwsService {
  /** The AWS CLI's name for the service. */
  readonly service: string;
  readonly url: string;
  /** A read-only AWS CLI call against it. */
  readonly example: string;
}

export interface LocalAwsEndpoints {
  readonly region: string;
  /** Any values work: the local servers accept every signature. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly services: readonly LocalAwsService[];
}

function localAwsEndpoints(emulatorUrl: string, dynamoDbUrl: string, confluence: boolean): LocalAwsEndpoints {
  const on = (url: string) => `--endpoint-url ${url} --region ${LOCAL_REGION}`;
  return {
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    services: [
      {
        service: 'bedrock-agent-runtime',
        url: emulatorUrl,
        example: `aws bedrock-agent-runtime retrieve ${on(emulatorUrl)} --knowledge-base-id ${LOCAL_KNOWLEDGE_BASE_ID} --retrieval-query text="reset password"`,
      },
      {
        service: 'bedrock-agent',
        url: emulatorUrl,
        example: `aws bedrock-agent list-ingestion-jobs ${on(emulatorUrl)} --knowledge-base-id ${LOCAL_KNOWLEDGE_BASE_ID} --data-source-id ${confluence ? LOCAL_CONFLUENCE_DATA_SOURCE_ID : LOCAL_DATA_SOURCE_ID}`,
      },
      {
        service: 'bedrock-runtime',
        url: emulatorUrl,
        example: `aws bedrock-runtime apply-guardrail ${on(emulatorUrl)} --guardrail-identifier ${localGuardrail.id} --guardrail-version ${localGuardrail.version} --source INPUT --content '[{"text":{"text":"My card is 4111 1111 1111 1111"}}]'`,
      },
      {
        service: 'bedrock',
        url: emulatorUrl,
        example: modelExample(on(emulatorUrl)),
      },
      {
        service: 'dynamodb',
        url: dynamoDbUrl,
        example: `aws dynamodb scan ${on(dynamoDbUrl)} --table-name ${LOCAL_TABLE_NAME} --max-items 5`,
      },
    ],
  };
}

/**
 * The API's routes with their handlers, built by the same factories the Lambda entry files call,
 * from this stack's configuration: a second stack in one process gets its own endpoints and origins.
 */
function chatRoutes(
  config: LanternConfig,
  cors: CorsConfig,
  identity: LocalIdentity,
  answers: AnswerEnvironment,
): GatewayRoute[] {
  const db = createDocumentClient(config);
  const engine = createConversationEngine(config, db, {
    retrieval: defaultRetrieval(answers),
    configure: configureFromSettings,
  });
  const chatHandler = makeChatHandler(engine, cors, answers);
  const history = createSessionStore(config, db);
  const sessionsHandler = makeSessionsHandler(engine, cors, history);
  const chat = identity.access('chat');
  const sessions = identity.access('sessions');
  const sessionsFunction = {
    handler: sessionsHandler,
    ...sessions,
    functionName: 'lantern-sessions',
    timeoutSeconds: functionTimeoutSeconds.sessions,
  } as const;
  return [
    {
      method: 'POST',
      resource: '/v1/chat',
      handler: chatHandler,
      ...chat,
      requestModel: chatRequestModel,
      functionName: 'lantern-chat',
      timeoutSeconds: functionTimeoutSeconds.chat,
    },
    {
      method: 'POST',
      resource: '/v1/chat/stream',
      handler: awslambda.streamifyResponse(makeChatStreamHandler(engine, cors, answers)),
      ...chat,
      requestModel: chatRequestModel,
      functionName: 'lantern-chat-stream',
      timeoutSeconds: functionTimeoutSeconds.chatStream,
    },
    // Per-person history: only where sessions belong to people (a token), not to a backend's shared key.
    ...(sessions.authorizer
      ? [
          {
            method: 'GET',
            resource: '/v1/sessions',
            ...sessionsFunction,
          } satisfies GatewayRoute,
        ]
      : []),
    {
      method: 'GET',
      resource: '/v1/sessions/{id}',
      ...sessionsFunction,
    },
    {
      method: 'DELETE',
      resource: '/v1/sessions/{id}',
      ...sessionsFunction,
    },
    {
      method: 'POST',
      resource: '/v1/sessions/{id}/feedback',
      ...sessionsFunction,
      requestModel: feedbackRequestModel,
    },
    {
      method: 'GET',
      resource: '/v1/health',
      handler: makeHealthHandler(cors),
      apiKeyRequired: false,
      functionName: 'lantern-health',
      timeoutSeconds: functionTimeoutSeconds.health,
    },
    {
      method: 'GET',
      resource: '/v1/openapi.json',
      handler: makeOpenApiHandler(openApiDocument, cors),
      apiKeyRequired: false,
      functionName: 'lantern-openapi',
      timeoutSeconds: functionTimeoutSeconds.openApi,
    },
  ];
}

/**
 * The answer variables the CDK app sets on the chat functions, built for the local stack: the
 * settings checked and written out as synth bundles them (a temporary file), each profile's local key id mapped to the profile (the ids the local
 * gateway gives keys), and an ARN for every model a profile allows, as RetrieveAndGenerate takes it.
 */
function localAnswerVariables(file: string | undefined): {
  readonly environment: LanternEnvironment;
  readonly profiles: readonly LocalProfileKey[];
  /** The metadata keys filters may name, which the deployed vector index keeps filterable. */
  readonly filterableAttributes: readonly string[];
  /** The temporary folder holding the normalized settings file, removed when the stack closes. */
  readonly settingsDir?: string;
} {
  if (!file) return { environment: {}, profiles: [], filterableAttributes: [] };
  const settings = readAnswerSettings(resolve(file), { defaultModel: LOCAL_MODEL_ARN });
  const unsupported = unsupportedProfileCondition(settings, LOCAL_VECTOR_STORE);
  if (unsupported) {
    throw new AnswerSettingsError(`${file}: ${unsupported.message}`, file, unsupported.path);
  }
  const settingsDir = mkdtempSync(join(tmpdir(), 'lantern-answer-settings-'));
  const path = join(settingsDir, 'answer-settings.json');
  writeFileSync(path, normalizedSettingsJson(settings));
  const profiles = settings.profiles.flatMap((profile) =>
    profile.localApiKey ? [{ profile: profile.name, apiKey: profile.localApiKey }] : [],
  );
  const models = new Set([settings.defaults, ...settings.profiles].flatMap((profile) => profile.models));
  return {
    environment: {
      ANSWER_SETTINGS_FILE: path,
      API_KEY_PROFILES: JSON.stringify(
        Object.fromEntries(profiles.map(({ profile, apiKey }) => [apiKeyIdFor(apiKey), profile])),
      ),
      VECTOR_STORE: LOCAL_VECTOR_STORE,
      MODEL_ARNS: JSON.stringify(
        Object.fromEntries([...models].map((model) => [model, localModelArn(model)])),
      ),
    },
    profiles,
    filterableAttributes: settings.attributes.map((attribute) => attribute.name),
    settingsDir,
  };
}

/** slack-worker's model and preset file, written beside the settings file as synth bundles them. */
function writeSlackAnswerPreset(answers: AnswerEnvironment, settingsDir: string): LocalAnswerPreset {
  const { modelArn, preset } = defaultAnswerPreset(answers);
  const file = join(settingsDir, 'slack-answer-preset.json');
  writeFileSync(file, JSON.stringify(preset));
  return { modelArn, file };
}

/** The control-plane read that describes the default model: its inference profile, or the model. */
function modelExample(endpoint: string): string {
  const model = knowledgeBaseSettings.generationModelId;
  return parseModelReference(model).kind === 'inference-profile'
    ? `aws bedrock get-inference-profile ${endpoint} --inference-profile-identifier ${model}`
    : `aws bedrock get-foundation-model ${endpoint} --model-identifier ${model}`;
}

/** A model id as the ARN AWS would take for it in the local region; ARNs stay as they are. */
function localModelArn(model: string): string {
  if (model.startsWith('arn:')) return model;
  return parseModelReference(model).kind === 'inference-profile'
    ? `arn:aws:bedrock:${LOCAL_REGION}:${LOCAL_API.accountId}:inference-profile/${model}`
    : foundationModelArn(model, LOCAL_REGION);
}
