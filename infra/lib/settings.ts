import type { Node } from 'constructs';
import { VECTOR_STORES, type VectorStore } from '../../config/answer-settings-core.ts';
import { ingestionSettings } from '../../config/ingestion.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import type { RouteAuth, UserIdentitySource } from '../constructs/user-authorizer.ts';

/** Where the knowledge base keeps its vectors. */
export type VectorStoreKind = VectorStore;

/** How Bedrock signs in to Confluence Cloud (the secret's keys depend on it). */
export type ConfluenceAuthType = 'BASIC' | 'OAUTH2_CLIENT_CREDENTIALS';

/** One Confluence crawler filter, as `PatternObjectFilter` takes it. */
export interface ConfluenceFilter {
  /** `Space`, `Page`, `Blog`, `Comment` or `Attachment`. */
  readonly objectType: string;
  readonly inclusionFilters?: readonly string[];
  readonly exclusionFilters?: readonly string[];
}

/** A Confluence Cloud data source for the knowledge base. */
export interface ConfluenceSettings {
  /** `https://<site>.atlassian.net`. */
  readonly hostUrl: string;
  /** Secrets Manager secret with the credentials (`username`/`password` for BASIC). */
  readonly secretArn: string;
  readonly authType: ConfluenceAuthType;
  readonly filters?: readonly ConfluenceFilter[];
  /** When kb-sync crawls it: an EventBridge `rate(…)` or `cron(…)` expression. */
  readonly syncSchedule: string;
  /** The customer-managed KMS key the secret is encrypted with; the knowledge-base role may decrypt with it. */
  readonly kmsKeyArn?: string;
}

/** The Confluence sync schedule unless `confluenceSyncSchedule` says otherwise (`config/ingestion.ts`). */
export const DEFAULT_CONFLUENCE_SYNC_SCHEDULE = `rate(${ingestionSettings.confluenceSyncIntervalMinutes} minutes)`;

/** The embedding model and the dimension of the vectors it produces. */
export interface EmbeddingSettings {
  readonly modelId: string;
  readonly dimensions: number;
  /** Whether Bedrock accepts an explicit `dimensions` for this model (Titan V2, Cohere Embed v4). */
  readonly configurableDimensions: boolean;
}

/** Per-API-key limits of the default usage plan. */
export interface UsagePlanSettings {
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly monthlyQuota: number;
}

/** Who may call the chat and sessions routes with a token instead of (or besides) an API key. */
export interface IdentitySettings {
  /** `tokenRateLimit`: requests one token may make on the token routes in any 5 minutes (WAF rule). */
  readonly auth: { readonly chat: RouteAuth; readonly sessions: RouteAuth; readonly tokenRateLimit?: number };
  /** Signed-in users' identity provider. */
  readonly users?: UserIdentitySource;
  /** Lantern's own visitor tokens (`POST /v1/visitor-tokens`). */
  readonly visitorTokens: boolean;
  readonly visitorTokenTtlSeconds?: number;
}

/** Everything the CDK app reads from context, validated. */
export interface LanternSettings {
  /** The region both stacks deploy to (see {@link readRegion}). */
  readonly region: string;
  /** Generation model: a model id, an inference profile id, or a Bedrock model/profile ARN. */
  readonly model: string;
  /** True when `model` is `config/knowledge-base.ts`'s default, not the operator's `-c model=`. */
  readonly modelIsDefault: boolean;
  readonly embedding: EmbeddingSettings;
  readonly vectorStore: VectorStoreKind;
  readonly confluence?: ConfluenceSettings;
  readonly slack: boolean;
  readonly guardrail: boolean;
  /** Add contextual grounding checks to the guardrail (AWS: not for chatbots; off by default). */
  readonly contextualGrounding: boolean;
  readonly waf: boolean;
  readonly modelInvocationLogging: boolean;
  /** Days CloudWatch Logs keeps function, access and invocation logs. */
  readonly logRetentionDays: number;
  readonly sessionTtlDays: number;
  /**
   * Browser origins allowed by CORS, each exactly as a browser sends it in `Origin`
   * (`https://app.example.com`); undefined means all (`*`).
   */
  readonly corsAllowOrigins?: readonly string[];
  readonly usagePlan: UsagePlanSettings;
  /** True when no `apiRateLimit`, `apiBurstLimit` or `apiMonthlyQuota` was given. */
  readonly usagePlanIsDefault: boolean;
  /**
   * The answer settings file (`-c profiles=FILE`, relative to the project root): filterable
   * attributes, default and per-API-key answer profiles. Read by `readDeployedAnswerSettings`.
   */
  readonly profilesFile?: string;
  /** Email address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Token authentication of end users; absent: API keys only, as before. */
  readonly identity?: IdentitySettings;
}

/**
 * Embedding models whose vector size is known. Others need `embeddingDimensions`.
 * `dimensions` lists the sizes the model can produce; the first is the default.
 */
const KNOWN_EMBEDDING_MODELS: Readonly<
  Record<string, { readonly dimensions: readonly number[]; readonly configurable: boolean }>
> = {
  'amazon.titan-embed-text-v2:0': { dimensions: [1024, 512, 256], configurable: true },
  'amazon.titan-embed-text-v1': { dimensions: [1536], configurable: false },
  'cohere.embed-english-v3': { dimensions: [1024], configurable: false },
  'cohere.embed-multilingual-v3': { dimensions: [1024], configurable: false },
  'cohere.embed-v4:0': { dimensions: [1536, 1024, 512, 256], configurable: true },
};

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Every context key the app reads, for the unknown-key check and docs/deploy.md. */
export const CONTEXT_KEYS = [
  'region',
  'model',
  'embeddingModel',
  'embeddingDimensions',
  'vectorStore',
  'confluenceHostUrl',
  'confluenceSecretArn',
  'confluenceAuthType',
  'confluenceFilters',
  'confluenceSyncSchedule',
  'confluenceKmsKeyArn',
  'slack',
  'guardrail',
  'contextualGrounding',
  'waf',
  'modelInvocationLogging',
  'logRetentionDays',
  'sessionTtlDays',
  'corsAllowOrigins',
  'apiRateLimit',
  'apiBurstLimit',
  'apiMonthlyQuota',
  'alarmEmail',
  'auth',
  'cognitoUserPool',
  'cognitoClientIds',
  'oidcIssuer',
  'oidcAudience',
  'oidcJwksUri',
  'visitorTokens',
  'visitorTokenTtlSeconds',
  'tokenRateLimit',
  'profiles',
] as const;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Where the app looks for the region: the environment variables it may read. */
export interface RegionEnvironment {
  readonly AWS_REGION?: string;
  readonly AWS_DEFAULT_REGION?: string;
  readonly CDK_DEFAULT_REGION?: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/**
 * The region to deploy to, which must be chosen, never assumed: `-c region=`, else `AWS_REGION` or
 * `AWS_DEFAULT_REGION`, else `CDK_DEFAULT_REGION` (the CLI sets it from the profile). The CDK CLI also
 * sets `CDK_DEFAULT_REGION=us-east-1` when nothing names a region, so that value alone is refused:
 * Lantern's templates are region-specific (model ARNs, inference-profile geography), and a stack
 * silently built for us-east-1 fails elsewhere.
 */
export function readRegion(node: Node, env: RegionEnvironment): string {
  const hint =
    'Choose the region: npx cdk synth -c region=eu-west-1 (or set AWS_REGION, or a region in your AWS profile)';
  const fromContext = stringContext('region', node.tryGetContext('region'), {
    pattern: REGION,
    hint: 'an AWS region code such as us-east-1 or eu-west-1',
  });
  if (fromContext) return fromContext;
  const fromEnv = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv) {
    if (!REGION.test(fromEnv)) throw new SettingsError(`AWS_REGION "${fromEnv}" is not an AWS region code`);
    return fromEnv;
  }
  const fromCli = env.CDK_DEFAULT_REGION;
  if (fromCli && fromCli !== 'us-east-1') return fromCli;
  if (fromCli === 'us-east-1') {
    throw new SettingsError(
      `No region chosen: CDK_DEFAULT_REGION is us-east-1, which the CDK CLI also sets when no region is configured. ${hint}; -c region=us-east-1 if you mean it.`,
    );
  }
  throw new SettingsError(`No region chosen. ${hint}.`);
}

/**
 * Reads Lantern's settings from CDK context (`-c key=value` or `cdk.json`) and validates them, so a bad
 * value fails `cdk synth` with a message naming the key instead of failing a deployment.
 */
export function readSettings(node: Node, env: RegionEnvironment = {}): LanternSettings {
  const ctx = (key: (typeof CONTEXT_KEYS)[number]): unknown => node.tryGetContext(key);
  // A mistyped key (`-c slak=false`) would otherwise be ignored without a word. CDK's own keys all
  // contain ':', '/', '@' or '-', so a plain word that is not Lantern's is a typo.
  const unknown = Object.keys(node.getAllContext()).filter(
    (key) => /^[A-Za-z][A-Za-z0-9]*$/.test(key) && !(CONTEXT_KEYS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new SettingsError(
      `Unknown context ${unknown.map((key) => `"${key}"`).join(', ')}; Lantern reads ${CONTEXT_KEYS.join(', ')}`,
    );
  }

  const embeddingModelId = stringContext('embeddingModel', ctx('embeddingModel'), {
    pattern: MODEL_ID,
    hint: 'a Bedrock embedding model id such as amazon.titan-embed-text-v2:0',
  });
  const confluenceHostUrl = stringContext('confluenceHostUrl', ctx('confluenceHostUrl'), {
    pattern: /^https:\/\/[a-z0-9][a-z0-9-]*\.atlassian\.net$/,
    hint: 'the base URL of a Confluence Cloud site, such as https://example.atlassian.net',
  });
  const confluenceSecretArn = stringContext('confluenceSecretArn', ctx('confluenceSecretArn'), {
    pattern: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
    hint: 'a Secrets Manager secret ARN (with its 6-character suffix)',
  });
  if ((confluenceHostUrl === undefined) !== (confluenceSecretArn === undefined)) {
    throw new SettingsError('Context "confluenceHostUrl" and "confluenceSecretArn" must be given together');
  }
  const confluenceAuthType = enumContext('confluenceAuthType', ctx('confluenceAuthType'), [
    'BASIC',
    'OAUTH2_CLIENT_CREDENTIALS',
  ] as const);
  const confluenceFilters = filtersContext(ctx('confluenceFilters'));
  const confluenceSyncSchedule = stringContext('confluenceSyncSchedule', ctx('confluenceSyncSchedule'), {
    pattern: SCHEDULE_EXPRESSION,
    hint: 'an EventBridge schedule expression such as rate(60 minutes), rate(1 hour) or cron(0 6 * * ? *)',
  });
  const confluenceKmsKeyArn = stringContext('confluenceKmsKeyArn', ctx('confluenceKmsKeyArn'), {
    pattern: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
    hint: 'the ARN of the customer-managed KMS key the Confluence secret is encrypted with (arn:aws:kms:<region>:<account>:key/<id>)',
  });
  if (
    confluenceHostUrl === undefined &&
    (confluenceAuthType || confluenceFilters || confluenceSyncSchedule || confluenceKmsKeyArn)
  ) {
    throw new SettingsError(
      'Context "confluenceAuthType", "confluenceFilters", "confluenceSyncSchedule" and "confluenceKmsKeyArn" need "confluenceHostUrl" and "confluenceSecretArn"',
    );
  }
  const model = stringContext('model', ctx('model'), {
    pattern: MODEL_REFERENCE,
    hint: 'a Bedrock model id, inference profile id, or a foundation-model, inference-profile, application-inference-profile or provisioned-model ARN',
  });

  const alarmEmail = stringContext('alarmEmail', ctx('alarmEmail'), {
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    hint: 'an email address',
  });
  const corsAllowOrigins = corsOriginsContext(ctx('corsAllowOrigins'));
  const identity = identityContext(ctx);
  // A limit nothing enforces would read as protection: usage plans count API keys, not tokens.
  if (identity?.auth.tokenRateLimit !== undefined && booleanContext('waf', ctx('waf')) !== true) {
    throw new SettingsError(
      'Context "tokenRateLimit" is enforced by the WAF: add -c waf=true (API Gateway usage plans count API keys only)',
    );
  }

  const profilesFile = stringContext('profiles', ctx('profiles'), {
    pattern: /^[^\0]+\.json$/,
    hint: 'the path of an answer settings JSON file, relative to the project root (config/answer-settings.example.json shows one)',
  });

  return {
    region: readRegion(node, env),
    model: model ?? knowledgeBaseSettings.generationModelId,
    modelIsDefault: model === undefined,
    embedding: embeddingSettings(
      embeddingModelId ?? knowledgeBaseSettings.embedding.modelId,
      integerContext('embeddingDimensions', ctx('embeddingDimensions'), 1, 4096),
    ),
    vectorStore: enumContext('vectorStore', ctx('vectorStore'), VECTOR_STORES) ?? 's3-vectors',
    ...(confluenceHostUrl && confluenceSecretArn
      ? {
          confluence: {
            hostUrl: confluenceHostUrl,
            secretArn: confluenceSecretArn,
            authType: confluenceAuthType ?? 'BASIC',
            ...(confluenceFilters ? { filters: confluenceFilters } : {}),
            syncSchedule: confluenceSyncSchedule ?? DEFAULT_CONFLUENCE_SYNC_SCHEDULE,
            ...(confluenceKmsKeyArn ? { kmsKeyArn: confluenceKmsKeyArn } : {}),
          },
        }
      : {}),
    slack: booleanContext('slack', ctx('slack')) ?? true,
    guardrail: booleanContext('guardrail', ctx('guardrail')) ?? true,
    contextualGrounding: booleanContext('contextualGrounding', ctx('contextualGrounding')) ?? false,
    waf: booleanContext('waf', ctx('waf')) ?? false,
    modelInvocationLogging: booleanContext('modelInvocationLogging', ctx('modelInvocationLogging')) ?? false,
    logRetentionDays: retentionContext(ctx('logRetentionDays')) ?? 30,
    // shared/config.ts accepts 1..365 days; fail at synth rather than in the deployed function.
    sessionTtlDays: integerContext('sessionTtlDays', ctx('sessionTtlDays'), 1, 365) ?? 30,
    ...(corsAllowOrigins ? { corsAllowOrigins } : {}),
    usagePlan: {
      rateLimit: integerContext('apiRateLimit', ctx('apiRateLimit'), 1, 10_000) ?? 10,
      burstLimit: integerContext('apiBurstLimit', ctx('apiBurstLimit'), 1, 5_000) ?? 20,
      monthlyQuota: integerContext('apiMonthlyQuota', ctx('apiMonthlyQuota'), 1, 1_000_000_000) ?? 100_000,
    },
    usagePlanIsDefault: (['apiRateLimit', 'apiBurstLimit', 'apiMonthlyQuota'] as const).every(
      (key) => ctx(key) === undefined || ctx(key) === '',
    ),
    ...(profilesFile ? { profilesFile } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(identity ? { identity } : {}),
  };
}

const ROUTE_AUTH: readonly RouteAuth[] = ['api-key', 'jwt', 'both'];
const HTTPS_URL = /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

/**
 * `auth` (`api-key`, `jwt` or `both` for the chat and sessions groups alike, or `chat=jwt,sessions=both`),
 * with the issuers tokens may come from: `cognitoUserPool` (`create`, or an existing pool's id with
 * `cognitoClientIds`), or `oidcIssuer` with `oidcAudience` (and `oidcJwksUri` when the keys are not at
 * `<issuer>/.well-known/jwks.json`); `visitorTokens=true` (and `visitorTokenTtlSeconds`) for anonymous
 * visitors.
 */
function identityContext(ctx: (key: (typeof CONTEXT_KEYS)[number]) => unknown): IdentitySettings | undefined {
  const raw = ctx('auth');
  const groups = { chat: 'api-key' as RouteAuth, sessions: 'api-key' as RouteAuth };
  if (raw !== undefined && raw !== '') {
    const text = String(raw).trim();
    const parts = text.includes('=') ? text.split(',') : [`chat=${text}`, `sessions=${text}`];
    for (const part of parts) {
      const [group = '', mode = ''] = part.split('=').map((item) => item.trim());
      if ((group !== 'chat' && group !== 'sessions') || !ROUTE_AUTH.includes(mode as RouteAuth)) {
        throw new SettingsError(
          `Context "auth" must be api-key, jwt or both, or per group such as chat=jwt,sessions=both; got ${JSON.stringify(raw)}`,
        );
      }
      groups[group] = mode as RouteAuth;
    }
  }
  const pool = stringContext('cognitoUserPool', ctx('cognitoUserPool'), {
    pattern: /^(create|[a-z]{2}(-gov)?-[a-z]+-\d_[0-9a-zA-Z]+)$/,
    hint: 'create, or the id of an existing user pool such as eu-west-1_AbC123',
  });
  const clientIds = listContext(ctx('cognitoClientIds'));
  const issuer = stringContext('oidcIssuer', ctx('oidcIssuer'), {
    pattern: HTTPS_URL,
    hint: "an OIDC issuer's https URL, exactly as its tokens' iss claim has it",
  });
  const audience = listContext(ctx('oidcAudience'));
  const jwksUri = stringContext('oidcJwksUri', ctx('oidcJwksUri'), {
    pattern: HTTPS_URL,
    hint: 'an https URL',
  });
  const visitorTokens = booleanContext('visitorTokens', ctx('visitorTokens')) ?? false;
  // WAF's floor is 10 requests per evaluation window.
  const tokenRateLimit = integerContext('tokenRateLimit', ctx('tokenRateLimit'), 10, 2_000_000_000);
  const visitorTokenTtlSeconds = integerContext(
    'visitorTokenTtlSeconds',
    ctx('visitorTokenTtlSeconds'),
    60,
    86_400,
  );

  if (pool && issuer)
    throw new SettingsError('Context "cognitoUserPool" and "oidcIssuer" exclude each other');
  if (pool && pool !== 'create' && !clientIds) {
    throw new SettingsError('Context "cognitoClientIds" is required with an existing "cognitoUserPool"');
  }
  if (clientIds && (!pool || pool === 'create')) {
    throw new SettingsError('Context "cognitoClientIds" goes with the id of an existing "cognitoUserPool"');
  }
  if (issuer && !audience) throw new SettingsError('Context "oidcAudience" is required with "oidcIssuer"');
  if ((audience || jwksUri) && !issuer) {
    throw new SettingsError('Context "oidcAudience" and "oidcJwksUri" need "oidcIssuer"');
  }
  if (visitorTokenTtlSeconds !== undefined && !visitorTokens) {
    throw new SettingsError('Context "visitorTokenTtlSeconds" needs visitorTokens=true');
  }
  const users: UserIdentitySource | undefined =
    pool === 'create'
      ? { kind: 'cognito' }
      : pool && clientIds
        ? { kind: 'cognito', userPoolId: pool, clientIds }
        : issuer && audience
          ? { kind: 'oidc', issuerUrl: issuer, audience, ...(jwksUri ? { jwksUri } : {}) }
          : undefined;
  const tokens = groups.chat !== 'api-key' || groups.sessions !== 'api-key';
  if (!tokens) {
    if (tokenRateLimit !== undefined) {
      throw new SettingsError(
        'Context "tokenRateLimit" needs a route that takes tokens: add -c auth=jwt (or both)',
      );
    }
    if (users || visitorTokens) {
      throw new SettingsError(
        'Token issuers are set but no route takes tokens: add -c auth=jwt (or both, or per group such as chat=jwt,sessions=jwt)',
      );
    }
    return undefined;
  }
  if (!users && !visitorTokens) {
    throw new SettingsError(
      'Context "auth" takes tokens: name their issuer (cognitoUserPool, or oidcIssuer with oidcAudience), or visitorTokens=true, or both',
    );
  }
  return {
    auth: tokenRateLimit === undefined ? groups : { ...groups, tokenRateLimit },
    ...(users ? { users } : {}),
    visitorTokens,
    ...(visitorTokenTtlSeconds !== undefined ? { visitorTokenTtlSeconds } : {}),
  };
}

/**
 * EventBridge schedule expressions: `rate(1 minute)`, `rate(N minutes|hours|days)` (singular for 1),
 * or a six-field `cron(…)`.
 */
const SCHEDULE_EXPRESSION =
  /^(rate\(1 (minute|hour|day)\)|rate\(([2-9]|[1-9][0-9]+) (minutes|hours|days)\)|cron\(\S+( \S+){5}\))$/;

/** `provider.name[-version][:n]`, optionally prefixed by an inference profile's geography. */
const MODEL_ID = /^([a-z-]+\.)?[a-z0-9-]+\.[A-Za-z0-9._:-]+$/;
const MODEL_REFERENCE =
  /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]+:(\d{12})?:(foundation-model|inference-profile|application-inference-profile|provisioned-model)\/[A-Za-z0-9._:-]+|([a-z-]+\.)?[a-z0-9-]+\.[A-Za-z0-9._:-]+)$/;

function embeddingSettings(modelId: string, dimensions: number | undefined): EmbeddingSettings {
  const known = KNOWN_EMBEDDING_MODELS[modelId];
  if (!known) {
    if (dimensions === undefined) {
      throw new SettingsError(
        `Context "embeddingDimensions" is required for embedding model ${modelId} (known models: ${Object.keys(KNOWN_EMBEDDING_MODELS).join(', ')})`,
      );
    }
    return { modelId, dimensions, configurableDimensions: true };
  }
  const chosen = dimensions ?? (known.dimensions[0] as number);
  if (!known.dimensions.includes(chosen)) {
    throw new SettingsError(
      `Context "embeddingDimensions" for ${modelId} must be one of ${known.dimensions.join(', ')}, got ${chosen}`,
    );
  }
  return { modelId, dimensions: chosen, configurableDimensions: known.configurable };
}

function stringContext(
  key: string,
  value: unknown,
  rule: { readonly pattern: RegExp; readonly hint: string },
): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).trim();
  if (!rule.pattern.test(text)) {
    throw new SettingsError(`Context "${key}" must be ${rule.hint}, got ${JSON.stringify(value)}`);
  }
  return text;
}

function enumContext<T extends string>(key: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).trim();
  const match = allowed.find((option) => option.toLowerCase() === text.toLowerCase());
  if (!match) {
    throw new SettingsError(
      `Context "${key}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return match;
}

function booleanContext(key: string, value: unknown): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingsError(`Context "${key}" must be true or false, got ${JSON.stringify(value)}`);
}

function integerContext(key: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new SettingsError(
      `Context "${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

function retentionContext(value: unknown): number | undefined {
  const days = integerContext('logRetentionDays', value, 1, 3653);
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new SettingsError(
      `Context "logRetentionDays" must be a period CloudWatch Logs supports (${LOG_RETENTION_DAYS.join(', ')}), got ${days}`,
    );
  }
  return days;
}

function listContext(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const items = list.map((item) => item.trim()).filter((item) => item.length > 0);
  return items.length > 0 ? items : undefined;
}

/** Lower-case DNS labels or an IPv4 address, an optional port: what a browser puts in `Origin`. */
const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/**
 * `corsAllowOrigins`: `*` (or nothing) for every origin, else origins compared byte for byte with the
 * browser's `Origin` header, by the functions (`CORS_ALLOW_ORIGINS`) and by API Gateway's preflight. An
 * origin with a path, a trailing slash, upper case or its scheme's default port would never match, so
 * it is refused here rather than silently locking browsers out. `*` beside named origins is refused
 * too: it would make the names meaningless, and API Gateway's CORS options reject the mix.
 */
function corsOriginsContext(value: unknown): string[] | undefined {
  const origins = listContext(value);
  if (origins === undefined) return undefined;
  if (origins.includes('*')) {
    if (origins.length > 1) {
      throw new SettingsError(
        `Context "corsAllowOrigins" must be * alone or a list of origins, not both; got ${JSON.stringify(value)}`,
      );
    }
    return undefined;
  }
  for (const origin of origins) {
    if (!isExactOrigin(origin)) {
      throw new SettingsError(
        `Context "corsAllowOrigins" must list origins exactly as browsers send them, such as https://app.example.com or http://localhost:5173 (scheme and lower-case host, a port only when not the scheme's default, no path or trailing slash); got ${JSON.stringify(origin)}`,
      );
    }
  }
  return [...new Set(origins)];
}

function isExactOrigin(origin: string): boolean {
  if (!ORIGIN.test(origin)) return false;
  try {
    // The URL parser drops a default port (`https://…:443`), so the origin must survive a round trip.
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/** `confluenceFilters`: a JSON array (or its string) of `{objectType, inclusionFilters?, exclusionFilters?}`. */
function filtersContext(value: unknown): ConfluenceFilter[] | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new SettingsError('Context "confluenceFilters" must be a JSON array');
    }
  }
  const fail = (why: string): never => {
    throw new SettingsError(`Context "confluenceFilters" ${why}`);
  };
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 25) {
    return fail('must be an array of 1 to 25 filters');
  }
  return parsed.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) return fail('entries must be objects');
    const { objectType, inclusionFilters, exclusionFilters, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return fail(`has unknown fields: ${Object.keys(rest).join(', ')}`);
    if (typeof objectType !== 'string' || !/^(Space|Page|Blog|Comment|Attachment)$/.test(objectType)) {
      return fail('objectType must be Space, Page, Blog, Comment or Attachment');
    }
    const patterns = (name: string, list: unknown): string[] | undefined => {
      if (list === undefined) return undefined;
      if (
        !Array.isArray(list) ||
        list.length < 1 ||
        list.length > 25 ||
        !list.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 1000)
      ) {
        return fail(`${name} must hold 1 to 25 regular expressions of at most 1,000 characters`);
      }
      for (const pattern of list as string[]) {
        try {
          new RegExp(pattern);
        } catch {
          fail(`${name} has an invalid regular expression: ${pattern}`);
        }
      }
      return list as string[];
    };
    const inclusion = patterns('inclusionFilters', inclusionFilters);
    const exclusion = patterns('exclusionFilters', exclusionFilters);
    if (!inclusion && !exclusion) return fail('entries need inclusionFilters or exclusionFilters');
    return {
      objectType,
      ...(inclusion ? { inclusionFilters: inclusion } : {}),
      ...(exclusion ? { exclusionFilters: exclusion } : {}),
    };
  });
}
