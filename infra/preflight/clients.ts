import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';

/** Endpoint overrides: the Bedrock emulator offline, loopback fakes in tests. */
export interface PreflightEndpoints {
  /** Bedrock control plane (GetFoundationModel, GetInferenceProfile, …). */
  readonly bedrock?: string;
  readonly bedrockAgent?: string;
  readonly s3Vectors?: string;
  readonly cloudFormation?: string;
}

/** A local endpoint checks no signature; a fixed key spares the operator credentials offline. */
const LOCAL_CREDENTIALS = { accessKeyId: 'lantern-local', secretAccessKey: 'lantern-local' };

function config(region: string, endpoint: string | undefined) {
  // Bounded: a preflight never waits long on one call nor retries forever.
  const base = { region, maxAttempts: 2 };
  return endpoint ? { ...base, endpoint, credentials: LOCAL_CREDENTIALS } : base;
}

/** The read-only clients of the checks; the credentials are the operator's default chain. */
export function preflightClients(region: string, endpoints: PreflightEndpoints = {}) {
  return {
    bedrock: new BedrockClient(config(region, endpoints.bedrock)),
    bedrockAgent: new BedrockAgentClient(config(region, endpoints.bedrockAgent)),
    s3Vectors: new S3VectorsClient(config(region, endpoints.s3Vectors)),
    cloudFormation: new CloudFormationClient(config(region, endpoints.cloudFormation)),
  };
}
