import {
  awsRegion,
  blankAsUnset,
  ConfigError,
  type ContractShape,
  commaList,
  optionalSecretArn,
  parseVariables,
} from './environment-schemas.ts';
import * as z from './validation.ts';

/**
 * Lantern's configuration, read from the environment once and validated against the contract of
 * `config/environment.ts` (its names, which are required). No other module reads `process.env`:
 * the CDK app and the local stack set the same variables, so a handler cannot tell where it runs.
 * The endpoint overrides are only set by the local stack.
 */

/*
 * Each schema is built by a function, when its settings are parsed: a function that never reads
 * the Slack or CORS settings neither builds their schema at cold start nor bundles it (zod's
 * `.check()` is a method call, which a bundler must keep when it sits at module level). Variables
 * are parsed one by one (`parseVariables`), with no object schema around them: every function
 * parses its settings at cold start, where zod's object parsing would be built and run once.
 */

/**
 * A URL as Node's URL parser reads it. Checked with `URL.canParse` rather than zod's `url()`, whose
 * validator the functions would otherwise all bundle for a handful of environment variables.
 */
const urlString = (message: string) => z.string().check(z.refine((value) => URL.canParse(value), message));

const optionalUrl = () => z.optional(urlString('must be a URL such as http://127.0.0.1:4567'));

const nonEmpty = () => z.string().check(z.minLength(1));

/** The session table: what every function that stores something reads (the Slack intake alone). */
const tableFields = () =>
  ({
    TABLE_NAME: z.string().check(z.minLength(1, 'is required (the DynamoDB session table)')),
    AWS_REGION: awsRegion(),
    DYNAMODB_ENDPOINT: optionalUrl(),
  }) satisfies ContractShape;

const lanternVariables = (env: Record<string, string | undefined>) => {
  const table = tableFields();
  return {
    TABLE_NAME: table.TABLE_NAME,
    KNOWLEDGE_BASE_ID: z
      .string({ error: 'is required (the Bedrock knowledge base id)' })
      .check(
        z.regex(/^[0-9a-zA-Z]{1,10}$/, 'must be 1-10 letters or digits, as Bedrock knowledge base ids are'),
      ),
    MODEL_ARN: z.string({ error: 'is required (the generation model id or ARN)' }).check(z.minLength(1)),
    SESSION_TTL_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(365)), 30),
    AWS_REGION: table.AWS_REGION,
    DYNAMODB_ENDPOINT: table.DYNAMODB_ENDPOINT,
    BEDROCK_AGENT_RUNTIME_ENDPOINT: optionalUrl(),
    BEDROCK_RUNTIME_ENDPOINT: optionalUrl(),
    BEDROCK_AGENT_ENDPOINT: optionalUrl(),
    GUARDRAIL_ID: z.optional(
      z
        .string()
        .check(
          z.regex(/^[a-z0-9]{1,64}$/, 'must be a guardrail id (lower-case letters and digits), not an ARN'),
        ),
    ),
    GUARDRAIL_VERSION: z.optional(
      z.string().check(z.regex(/^([1-9][0-9]{0,7}|DRAFT)$/, 'must be a version number or DRAFT')),
    ),
    // Only the knowledge base's reload functions are given data sources; elsewhere the variable is
    // unset (an empty list), and its rule is neither built nor run at their cold start.
    ...(env.KNOWLEDGE_BASE_DATA_SOURCE_IDS ? { KNOWLEDGE_BASE_DATA_SOURCE_IDS: dataSourceIds() } : {}),
  } satisfies ContractShape;
};

const dataSourceIds = () =>
  z.pipe(
    commaList(),
    z.array(
      z
        .string()
        .check(
          z.regex(/^[0-9a-zA-Z]{10}$/, 'must list data source ids (10 letters or digits), comma-separated'),
        ),
    ),
  );

export interface LanternConfig {
  readonly tableName: string;
  readonly knowledgeBaseId: string;
  readonly modelArn: string;
  readonly sessionTtlDays: number;
  readonly region: string;
  /** The Bedrock guardrail screening input and output; none when absent. */
  readonly guardrail?: { readonly guardrailId: string; readonly guardrailVersion: string };
  /**
   * The knowledge base's data sources (`KNOWLEDGE_BASE_DATA_SOURCE_IDS`, comma-separated): what the
   * admin API syncs and kb-sync chooses from. Absent when the variable is unset or empty.
   */
  readonly dataSourceIds?: readonly string[];
  readonly endpoints: {
    readonly dynamodb?: string;
    readonly bedrockAgentRuntime?: string;
    readonly bedrockRuntime?: string;
    readonly bedrockAgent?: string;
  };
}

export { ConfigError };

export function parseConfig(env: Record<string, string | undefined>): LanternConfig {
  const e = parseVariables(lanternVariables(env), env, 'Lantern');
  if ((e.GUARDRAIL_ID === undefined) !== (e.GUARDRAIL_VERSION === undefined)) {
    throw new ConfigError(
      'Invalid Lantern configuration: GUARDRAIL_VERSION GUARDRAIL_ID and GUARDRAIL_VERSION must be set together',
    );
  }
  return {
    tableName: e.TABLE_NAME,
    knowledgeBaseId: e.KNOWLEDGE_BASE_ID,
    modelArn: e.MODEL_ARN,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    region: e.AWS_REGION,
    ...(e.GUARDRAIL_ID && e.GUARDRAIL_VERSION
      ? { guardrail: { guardrailId: e.GUARDRAIL_ID, guardrailVersion: e.GUARDRAIL_VERSION } }
      : {}),
    ...(e.KNOWLEDGE_BASE_DATA_SOURCE_IDS && e.KNOWLEDGE_BASE_DATA_SOURCE_IDS.length > 0
      ? { dataSourceIds: e.KNOWLEDGE_BASE_DATA_SOURCE_IDS }
      : {}),
    endpoints: {
      dynamodb: e.DYNAMODB_ENDPOINT,
      bedrockAgentRuntime: e.BEDROCK_AGENT_RUNTIME_ENDPOINT,
      bedrockRuntime: e.BEDROCK_RUNTIME_ENDPOINT,
      bedrockAgent: e.BEDROCK_AGENT_ENDPOINT,
    },
  };
}

let cached: LanternConfig | undefined;

/** The process's configuration, parsed on first use so a bad deployment fails at cold start. */
export function getConfig(): LanternConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * The Slack path's settings, parsed separately so that only the Slack functions need them. Locally
 * the secrets come from `SLACK_SIGNING_SECRET` and `SLACK_BOT_TOKEN`; on AWS from the Secrets
 * Manager secret `SLACK_SECRET_ARN` (JSON `{"signingSecret","botToken"}`), which takes precedence.
 * A missing signing secret is not an error here: the events endpoint then refuses every request.
 */
const slackFields = {
  SLACK_SIGNING_SECRET: () => blankAsUnset(z.optional(nonEmpty())),
  SLACK_BOT_TOKEN: () => blankAsUnset(z.optional(nonEmpty())),
  SLACK_API_URL: () =>
    blankAsUnset(
      z._default(urlString('must be a URL such as https://slack.com/api/'), 'https://slack.com/api/'),
    ),
  SLACK_QUEUE_URL: () => blankAsUnset(optionalUrl()),
  SLACK_SECRET_ARN: () => blankAsUnset(optionalSecretArn()),
  SLACK_SOURCE_BASE_URL: () => blankAsUnset(optionalUrl()),
  SLACK_ANSWER_PRESET_FILE: () => blankAsUnset(z.optional(nonEmpty())),
};

const slackVariables = () =>
  ({
    SLACK_SIGNING_SECRET: slackFields.SLACK_SIGNING_SECRET(),
    SLACK_BOT_TOKEN: slackFields.SLACK_BOT_TOKEN(),
    SLACK_API_URL: slackFields.SLACK_API_URL(),
    SLACK_QUEUE_URL: slackFields.SLACK_QUEUE_URL(),
    SLACK_SECRET_ARN: slackFields.SLACK_SECRET_ARN(),
    SLACK_SOURCE_BASE_URL: slackFields.SLACK_SOURCE_BASE_URL(),
    SLACK_ANSWER_PRESET_FILE: slackFields.SLACK_ANSWER_PRESET_FILE(),
    AWS_REGION: awsRegion(),
  }) satisfies ContractShape;

export interface SlackConfig {
  /** Local only; on AWS the secret named by `secretArn` holds it. Never log it. */
  readonly signingSecret?: string;
  /** Local only; on AWS the secret named by `secretArn` holds it. Never log it. */
  readonly botToken?: string;
  /** Slack Web API base URL, ending in `/`. */
  readonly apiUrl: string;
  /** The SQS queue the events function hands events to (AWS). */
  readonly queueUrl?: string;
  /** Secrets Manager secret with `{"signingSecret","botToken"}` (AWS); wins over the plain variables. */
  readonly secretArn?: string;
  /** Where `s3://bucket/key` sources are published (`<base>/key`), so Slack can link them. */
  readonly sourceBaseUrl?: string;
  /** The answer settings' defaults as Bedrock's configuration, bundled by synth (`configuration-preset.ts`). */
  readonly answerPresetFile?: string;
  readonly region: string;
}

export function parseSlackConfig(env: Record<string, string | undefined>): SlackConfig {
  const e = parseVariables(slackVariables(), env, 'Slack');
  return {
    ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
    ...(e.SLACK_BOT_TOKEN ? { botToken: e.SLACK_BOT_TOKEN } : {}),
    apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    ...(e.SLACK_QUEUE_URL ? { queueUrl: e.SLACK_QUEUE_URL } : {}),
    ...(e.SLACK_SECRET_ARN ? { secretArn: e.SLACK_SECRET_ARN } : {}),
    ...(e.SLACK_SOURCE_BASE_URL ? { sourceBaseUrl: e.SLACK_SOURCE_BASE_URL } : {}),
    ...(e.SLACK_ANSWER_PRESET_FILE ? { answerPresetFile: e.SLACK_ANSWER_PRESET_FILE } : {}),
    region: e.AWS_REGION,
  };
}

let cachedSlack: SlackConfig | undefined;

/** The process's Slack configuration, parsed on first use. */
export function getSlackConfig(): SlackConfig {
  cachedSlack ??= parseSlackConfig(process.env);
  return cachedSlack;
}

/** The session table's settings, for a function that needs nothing else of `LanternConfig`. */
export type SessionTableConfig = Pick<LanternConfig, 'tableName' | 'region'> & {
  readonly endpoints: Pick<LanternConfig['endpoints'], 'dynamodb'>;
};

/** What the Slack events function reads of the Slack settings: how to verify, and where to queue. */
export type SlackIntakeSettings = Pick<SlackConfig, 'signingSecret' | 'queueUrl' | 'secretArn' | 'region'>;

export interface SlackIntakeConfig {
  readonly table: SessionTableConfig;
  readonly slack: SlackIntakeSettings;
}

/**
 * The Slack events function's settings alone: the table its ledger writes to, the signing secret (or
 * the secret holding it) and the queue. Its cold start is what Slack's 3-second acknowledgement waits
 * for, so it neither builds nor checks the rules of the variables only other functions read (the
 * knowledge base, the models, the Web API). Each variable keeps the rule and message it has in
 * `parseConfig` and `parseSlackConfig`.
 */
export function parseSlackIntakeConfig(env: Record<string, string | undefined>): SlackIntakeConfig {
  const e = parseVariables(
    {
      ...tableFields(),
      SLACK_SIGNING_SECRET: slackFields.SLACK_SIGNING_SECRET(),
      SLACK_QUEUE_URL: slackFields.SLACK_QUEUE_URL(),
      SLACK_SECRET_ARN: slackFields.SLACK_SECRET_ARN(),
    } satisfies ContractShape,
    env,
    'Slack events',
  );
  return {
    table: { tableName: e.TABLE_NAME, region: e.AWS_REGION, endpoints: { dynamodb: e.DYNAMODB_ENDPOINT } },
    slack: {
      ...(e.SLACK_SIGNING_SECRET ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
      ...(e.SLACK_QUEUE_URL ? { queueUrl: e.SLACK_QUEUE_URL } : {}),
      ...(e.SLACK_SECRET_ARN ? { secretArn: e.SLACK_SECRET_ARN } : {}),
      region: e.AWS_REGION,
    },
  };
}

let cachedSlackIntake: SlackIntakeConfig | undefined;

/** The process's Slack intake settings, parsed on first use. */
export function getSlackIntakeConfig(): SlackIntakeConfig {
  cachedSlackIntake ??= parseSlackIntakeConfig(process.env);
  return cachedSlackIntake;
}

/**
 * Which browser origins may read the API's responses (`CORS_ALLOW_ORIGINS`): `*` for any, or a
 * comma-separated list of origins, each exactly as a browser sends it in `Origin`
 * (`https://app.example.com`, `http://localhost:5173`: scheme, host, port when not the default, no
 * path or trailing slash). Parsed apart from the rest so every HTTP function can read it, whatever
 * else it is configured with. Unset or empty: no cross-origin reads.
 */
const corsOrigin = () =>
  z.string().check(
    z.refine((value) => value === '*' || isSerializedOrigin(value), {
      error: 'must list `*` or origins such as https://app.example.com (no path, no trailing slash)',
    }),
  );

const corsVariables = () =>
  ({
    CORS_ALLOW_ORIGINS: z.pipe(commaList(), z.array(corsOrigin())),
  }) satisfies ContractShape;

function isSerializedOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

export interface CorsConfig {
  /** `['*']` for any origin; otherwise the exact origins allowed (possibly none). */
  readonly allowOrigins: readonly string[];
}

export function parseCorsConfig(env: Record<string, string | undefined>): CorsConfig {
  const origins = parseVariables(corsVariables(), env, 'CORS').CORS_ALLOW_ORIGINS;
  // API Gateway's CORS options refuse `*` beside named origins; here `*` simply wins.
  return { allowOrigins: origins.includes('*') ? ['*'] : origins };
}

let cachedCors: CorsConfig | undefined;

/** The process's CORS allow-list, parsed on first use. */
export function getCorsConfig(): CorsConfig {
  cachedCors ??= parseCorsConfig(process.env);
  return cachedCors;
}
