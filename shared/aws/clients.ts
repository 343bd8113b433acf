import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { LanternConfig } from '../config.ts';

/**
 * AWS SDK clients, built once per Lambda container. Only the endpoint differs between AWS and the
 * local stack; the production client configuration (protocol, retries) is otherwise untouched.
 */
/**
 * Bedrock throttles in bursts: the adaptive mode retries with backoff and also slows this
 * client's own request rate while throttling lasts, instead of hammering the service. Its rate
 * limiter may fall to 0.5 requests/s by default, which starves every turn queued behind it (a
 * Lambda container then times out instead of answering 503); a floor of a few requests a second
 * keeps the back-off but never drops a container below what a single conversation needs.
 * One strategy per client: each keeps its own measure of its service's throttling.
 */
const MAX_ATTEMPTS = 4;
const MIN_REQUESTS_PER_SECOND = 25;
const bedrockRetries = () => ({
  maxAttempts: MAX_ATTEMPTS,
  retryStrategy: new AdaptiveRetryStrategy(MAX_ATTEMPTS, {
    rateLimiter: new DefaultRateLimiter({ minFillRate: MIN_REQUESTS_PER_SECOND }),
  }),
});

/**
 * The Bedrock runtime clients default to HTTP/2 and open a new connection, on AWS with its own TLS
 * handshake, for every request (`disableConcurrentStreams: true`) and for every event stream
 * whatever the setting. Every turn makes one request of each client (ApplyGuardrail, then the
 * answer stream) and a container runs one turn at a time, so with HTTP/1.1 keep-alive each client
 * keeps one connection from turn to turn: the handshake is paid once per container. A connection
 * that died while the container was frozen fails its request with a network error, which the
 * retry strategy retries on a new one.
 */
export const keptAliveConnection = (): NodeHttpHandler => new NodeHttpHandler();

/** The table's client; needs only the region and the DynamoDB endpoint (the Slack intake parses no more). */
export function createDocumentClient(
  config: Pick<LanternConfig, 'region'> & {
    readonly endpoints: Pick<LanternConfig['endpoints'], 'dynamodb'>;
  },
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region: config.region, endpoint: config.endpoints.dynamodb });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createAgentRuntimeClient(config: LanternConfig): BedrockAgentRuntimeClient {
  return new BedrockAgentRuntimeClient({
    region: config.region,
    endpoint: config.endpoints.bedrockAgentRuntime,
    requestHandler: keptAliveConnection(),
    ...bedrockRetries(),
  });
}

export function createRuntimeClient(config: LanternConfig): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: config.region,
    endpoint: config.endpoints.bedrockRuntime,
    requestHandler: keptAliveConnection(),
    ...bedrockRetries(),
  });
}

/** bedrock-agent (ingestion jobs, data sources): HTTP/1.1 on AWS and against the emulator alike. */
export function createAgentClient(config: LanternConfig): BedrockAgentClient {
  return new BedrockAgentClient({
    region: config.region,
    endpoint: config.endpoints.bedrockAgent,
    ...bedrockRetries(),
  });
}
