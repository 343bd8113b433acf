import { z } from 'zod';

/**
 * Lantern's configuration, read from the environment once and validated. No other module reads
 * `process.env`: the CDK app and the local stack set the same variables, so a handler cannot tell
 * where it runs. The endpoint overrides are only set by the local stack.
 */
const optionalUrl = z.url({ message: 'must be a URL such as http://127.0.0.1:4567' }).optional();

const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1, 'is required (the DynamoDB session table)'),
  KNOWLEDGE_BASE_ID: z
    .string({ message: 'is required (the Bedrock knowledge base id)' })
    .regex(/^[0-9a-zA-Z]{1,10}$/, 'must be 1-10 letters or digits, as Bedrock knowledge base ids are'),
  MODEL_ARN: z.string({ message: 'is required (the generation model id or ARN)' }).min(1),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: optionalUrl,
  BEDROCK_AGENT_RUNTIME_ENDPOINT: optionalUrl,
  BEDROCK_RUNTIME_ENDPOINT: optionalUrl,
  BEDROCK_AGENT_ENDPOINT: optionalUrl,
});

export interface LanternConfig {
  readonly tableName: string;
  readonly knowledgeBaseId: string;
  readonly modelArn: string;
  readonly sessionTtlDays: number;
  readonly region: string;
  readonly endpoints: {
    readonly dynamodb?: string;
    readonly bedrockAgentRuntime?: string;
    readonly bedrockRuntime?: string;
    readonly bedrockAgent?: string;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig(env: Record<string, string | undefined>): LanternConfig {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid Lantern configuration: ${problems.join('; ')}`);
  }
  const e = result.data;
  return {
    tableName: e.TABLE_NAME,
    knowledgeBaseId: e.KNOWLEDGE_BASE_ID,
    modelArn: e.MODEL_ARN,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    region: e.AWS_REGION,
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
