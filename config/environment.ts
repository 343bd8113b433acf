/**
 * The environment contract of Lantern's functions: every variable a handler may be given, what it
 * means, who must set it and which functions read it. One list, read by three places that must
 * agree: `shared/config.ts` validates `process.env` against it, the CDK app sets it on each function,
 * the local stack builds the same variables for the handlers it serves. Names and meaning only:
 * nothing here reads the environment.
 */

/**
 * Which functions read a variable: `all` of them; the API functions answering browsers (`http`);
 * the Slack pair (`slack`) or only `slack-events`; the knowledge-base reload pair (`ingestion`);
 * the Lambda authorizer and the visitor-token route (`identity`).
 */
export type VariableScope = 'all' | 'http' | 'slack' | 'slack-events' | 'ingestion' | 'identity';

/**
 * Who sets a variable: `cdk` on AWS (the local stack sets it too), `lambda` (the Lambda runtime
 * sets it on AWS, the local stack sets it locally) or `local` (only the local stack: on AWS the
 * SDK finds the endpoint itself).
 */
export type VariableSetter = 'cdk' | 'lambda' | 'local';

export interface EnvironmentVariable {
  /** What the value means, with its format. */
  readonly meaning: string;
  /** Whether a function in `scope` fails at cold start without it. */
  readonly required: boolean;
  readonly scope: VariableScope;
  readonly setBy: VariableSetter;
}

export const environmentContract = {
  TABLE_NAME: {
    meaning: 'The DynamoDB table holding sessions, idempotency keys, Slack deliveries and ingestion jobs.',
    required: true,
    scope: 'all',
    setBy: 'cdk',
  },
  KNOWLEDGE_BASE_ID: {
    meaning: 'The Bedrock knowledge base answers come from: 1-10 letters or digits.',
    required: true,
    scope: 'all',
    setBy: 'cdk',
  },
  MODEL_ARN: {
    meaning:
      'The generation model: a model id, inference-profile id or ARN, as RetrieveAndGenerate takes it.',
    required: true,
    scope: 'all',
    setBy: 'cdk',
  },
  SESSION_TTL_DAYS: {
    meaning: 'Days a session lives after its last message, 1-365. Default 30.',
    required: false,
    scope: 'all',
    setBy: 'cdk',
  },
  AWS_REGION: {
    meaning: 'The Region of every AWS client. Default us-east-1.',
    required: false,
    scope: 'all',
    setBy: 'lambda',
  },
  GUARDRAIL_ID: {
    meaning: 'The Bedrock guardrail screening questions and answers (its id, not its ARN); none when unset.',
    required: false,
    scope: 'all',
    setBy: 'cdk',
  },
  GUARDRAIL_VERSION: {
    meaning: 'The guardrail version (a number or DRAFT); set together with GUARDRAIL_ID.',
    required: false,
    scope: 'all',
    setBy: 'cdk',
  },
  KNOWLEDGE_BASE_DATA_SOURCE_IDS: {
    meaning: 'Comma-separated data source ids (10 letters or digits each) the admin API and kb-sync sync.',
    required: false,
    scope: 'ingestion',
    setBy: 'cdk',
  },
  CORS_ALLOW_ORIGINS: {
    meaning:
      'Browser origins allowed to read responses: `*`, or comma-separated exact origins. None when unset.',
    required: false,
    scope: 'http',
    setBy: 'cdk',
  },
  ANSWER_SETTINGS_FILE: {
    meaning:
      'Path of the answer settings JSON (config/answer-settings.ts: filterable attributes, default and per-key profiles), read once at cold start. Without it every caller gets the defaults and no filter attribute is declared.',
    required: false,
    scope: 'http',
    setBy: 'cdk',
  },
  VECTOR_STORE: {
    meaning:
      'Where the knowledge base keeps its vectors: s3-vectors or opensearch-serverless (-c vectorStore). A request filter with a condition the store cannot evaluate (startsWith, stringContains on S3 Vectors) is a 400. Without it no store-specific check is made.',
    required: false,
    scope: 'http',
    setBy: 'cdk',
  },
  API_KEY_PROFILES: {
    meaning:
      'JSON object {"<API Gateway API key id>": "<profile name>"}: which answer profile each API key (and the visitor tokens it mints) gets. Keys not listed get the defaults.',
    required: false,
    scope: 'http',
    setBy: 'cdk',
  },
  MODEL_ARNS: {
    meaning:
      'JSON object {"<model id>": "<ARN sent as modelArn>"} for every model a profile allows; a model not listed is sent as its id (MODEL_ARN stays the default model).',
    required: false,
    scope: 'http',
    setBy: 'cdk',
  },
  SLACK_SECRET_ARN: {
    meaning: 'Secrets Manager secret holding {"signingSecret","botToken"}; wins over the plain variables.',
    required: false,
    scope: 'slack',
    setBy: 'cdk',
  },
  SLACK_QUEUE_URL: {
    meaning:
      'The SQS queue slack-events hands events to; without it (and no queue passed in) the function refuses to start.',
    required: false,
    scope: 'slack-events',
    setBy: 'cdk',
  },
  SLACK_SOURCE_BASE_URL: {
    meaning: 'Where s3://bucket/key sources are published (<base>/key), so Slack answers can link them.',
    required: false,
    scope: 'slack',
    setBy: 'cdk',
  },
  SLACK_ANSWER_PRESET_FILE: {
    meaning:
      "Path of the answer settings' defaults as Bedrock's knowledge-base configuration (JSON, written by synth or the local stack from the answer settings file), read once at cold start by slack-worker, so Slack answers as an API key with the default profile does. Without it Slack sends Bedrock the built-in defaults.",
    required: false,
    scope: 'slack',
    setBy: 'cdk',
  },
  SLACK_SIGNING_SECRET: {
    meaning: 'Slack signing secret, when there is no SLACK_SECRET_ARN (local). Never logged.',
    required: false,
    scope: 'slack',
    setBy: 'local',
  },
  SLACK_BOT_TOKEN: {
    meaning: 'Slack bot token, when there is no SLACK_SECRET_ARN (local). Never logged.',
    required: false,
    scope: 'slack',
    setBy: 'local',
  },
  SLACK_API_URL: {
    meaning: 'Slack Web API base URL. Default https://slack.com/api/.',
    required: false,
    scope: 'slack',
    setBy: 'local',
  },
  USER_TOKEN_ISSUER: {
    meaning:
      "Signed-in users' OIDC issuer (the tokens' `iss`): an https URL (http only on loopback). None when unset.",
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  USER_TOKEN_JWKS_URI: {
    meaning: "Where that issuer's signing keys are. Default <USER_TOKEN_ISSUER>/.well-known/jwks.json.",
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  USER_TOKEN_AUDIENCE: {
    meaning: 'Comma-separated audiences (`aud`) a user token must name; required with USER_TOKEN_ISSUER.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  COGNITO_USER_POOL_ID: {
    meaning: 'A Cognito user pool whose tokens sign users in, instead of USER_TOKEN_ISSUER.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  COGNITO_CLIENT_IDS: {
    meaning:
      'Comma-separated app client ids a Cognito token must be for; required with COGNITO_USER_POOL_ID.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  COGNITO_TOKEN_USE: {
    meaning: 'Which Cognito token is sent: `id` or `access`. Default id.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  VISITOR_TOKEN_ISSUER: {
    meaning: 'The `iss` of anonymous visitor tokens Lantern mints. Default urn:lantern:visitor.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  VISITOR_TOKEN_TTL_SECONDS: {
    meaning: 'How long a visitor token (and so its sessions) lasts, 60-86400 seconds. Default 3600.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  VISITOR_TOKEN_SECRET_ARN: {
    meaning:
      'Secrets Manager secret the visitor-token signing key is derived from; no visitor tokens when unset.',
    required: false,
    scope: 'identity',
    setBy: 'cdk',
  },
  VISITOR_TOKEN_SECRET: {
    meaning:
      'The visitor-token secret itself, when there is no VISITOR_TOKEN_SECRET_ARN (local). Never logged.',
    required: false,
    scope: 'identity',
    setBy: 'local',
  },
  DYNAMODB_ENDPOINT: {
    meaning: 'DynamoDB endpoint URL (dynalite locally).',
    required: false,
    scope: 'all',
    setBy: 'local',
  },
  BEDROCK_AGENT_RUNTIME_ENDPOINT: {
    meaning: 'bedrock-agent-runtime endpoint URL (the Bedrock emulator locally).',
    required: false,
    scope: 'all',
    setBy: 'local',
  },
  BEDROCK_RUNTIME_ENDPOINT: {
    meaning: 'bedrock-runtime endpoint URL (the Bedrock emulator locally).',
    required: false,
    scope: 'all',
    setBy: 'local',
  },
  BEDROCK_AGENT_ENDPOINT: {
    meaning: 'bedrock-agent endpoint URL (the Bedrock emulator locally).',
    required: false,
    scope: 'all',
    setBy: 'local',
  },
} as const satisfies Record<string, EnvironmentVariable>;

export type EnvironmentVariableName = keyof typeof environmentContract;

/**
 * A function's environment in the contract's names: the CDK app and the local stack build one of
 * these, so a misspelt variable fails the type check instead of a cold start.
 */
export type LanternEnvironment = { readonly [Name in EnvironmentVariableName]?: string };

/** The variables a function in `scope` may read: its own scope's and everyone's. */
export function variablesFor(scope: VariableScope): EnvironmentVariableName[] {
  return (Object.keys(environmentContract) as EnvironmentVariableName[]).filter((name) => {
    const variable: EnvironmentVariable = environmentContract[name];
    return (
      variable.scope === 'all' ||
      variable.scope === scope ||
      (scope === 'slack-events' && variable.scope === 'slack')
    );
  });
}

/** Drops unset variables: Lambda's `environment` and `process.env` both want plain strings. */
export function toEnvironmentRecord(environment: LanternEnvironment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
