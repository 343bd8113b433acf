import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3VectorsClient } from '@aws-sdk/client-s3vectors';

/** What one check found: a line to print and, when it failed, what to do about it. */
export interface CheckResult {
  readonly id: CheckId;
  readonly status: 'pass' | 'fail' | 'warn' | 'skip';
  readonly summary: string;
  /** What the operator should do, for `fail` and `warn`. */
  readonly fix?: string;
}

export type CheckId =
  | 'knowledge-bases'
  | 's3-vectors'
  | 'generation-model'
  | 'embedding-model'
  | 'model-access'
  | 'rerank-models'
  | 'bootstrap';

export const CHECK_IDS: readonly CheckId[] = [
  'knowledge-bases',
  's3-vectors',
  'generation-model',
  'embedding-model',
  'model-access',
  'rerank-models',
  'bootstrap',
];

/** The read-only clients and the settings every check sees. */
export interface PreflightContext {
  readonly region: string;
  /** The generation model setting (id, inference profile id or ARN). */
  readonly model: string;
  readonly embeddingModel: string;
  /** Rerank model ids the answer profiles use (`--profiles FILE`, `--rerank-model`). */
  readonly rerankModels: readonly string[];
  /** The CDK bootstrap stack's name (`--toolkit-stack-name`). */
  readonly toolkitStackName: string;
  /** The day lifecycles are judged on. */
  readonly today: Date;
  readonly bedrock: BedrockClient;
  readonly bedrockAgent: BedrockAgentClient;
  readonly s3Vectors: S3VectorsClient;
  readonly cloudFormation: CloudFormationClient;
}

export type Check = (context: PreflightContext) => Promise<CheckResult>;

/** The error's name and message, for a failure line (SDK errors carry AWS's error code as `name`). */
export function describeError(error: unknown): { readonly name: string; readonly message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Errors that mean "this service does not exist here" rather than "you may not". */
export function isUnreachable(error: unknown): boolean {
  const { name, message } = describeError(error);
  const code = (error as { code?: string } | undefined)?.code;
  return (
    code === 'ENOTFOUND' ||
    code === 'ECONNREFUSED' ||
    name === 'UnknownEndpoint' ||
    /getaddrinfo|ENOTFOUND|ECONNREFUSED/.test(message)
  );
}

export function isAccessDenied(error: unknown): boolean {
  const { name } = describeError(error);
  return name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedException';
}
