import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LanternConfig } from './config.ts';
import { tracer } from './observability.ts';

/**
 * AWS SDK clients, built once per Lambda container. Only the endpoint differs between AWS and the
 * local stack; the production client configuration (protocol, retries) is otherwise untouched.
 */
/**
 * Bedrock throttles in bursts: the adaptive mode retries with backoff and also slows this
 * container's own request rate while throttling lasts, instead of hammering the service.
 */
const BEDROCK_RETRIES = { retryMode: 'adaptive', maxAttempts: 4 } as const;

export function createDocumentClient(config: LanternConfig): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(
    new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb }),
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createAgentRuntimeClient(config: LanternConfig): BedrockAgentRuntimeClient {
  return tracer.captureAWSv3Client(
    new BedrockAgentRuntimeClient({
      region: config.region,
      endpoint: config.endpoints.bedrockAgentRuntime,
      ...BEDROCK_RETRIES,
    }),
  );
}

export function createRuntimeClient(config: LanternConfig): BedrockRuntimeClient {
  return tracer.captureAWSv3Client(
    new BedrockRuntimeClient({
      region: config.region,
      endpoint: config.endpoints.bedrockRuntime,
      ...BEDROCK_RETRIES,
    }),
  );
}

/** bedrock-agent (ingestion jobs, data sources): HTTP/1.1 on AWS and against the emulator alike. */
export function createAgentClient(config: LanternConfig): BedrockAgentClient {
  return tracer.captureAWSv3Client(
    new BedrockAgentClient({
      region: config.region,
      endpoint: config.endpoints.bedrockAgent,
      ...BEDROCK_RETRIES,
    }),
  );
}
