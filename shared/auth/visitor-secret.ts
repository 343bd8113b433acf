import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { VisitorTokenConfig } from './identity-config.ts';

/** Where the visitor-token secret comes from: Secrets Manager on AWS, the configuration locally. */
export interface VisitorSecretSource {
  get(): Promise<string>;
}

/** The secret, read once per container; a failed read is not kept, so the next call tries again. */
export function visitorSecretSource(
  config: VisitorTokenConfig,
  client?: SecretsManagerClient,
): VisitorSecretSource {
  if (!config.secretArn) {
    const secret = config.secret ?? '';
    return { get: async () => secret };
  }
  const secretArn = config.secretArn;
  if (!client) throw new Error('VISITOR_TOKEN_SECRET_ARN needs a Secrets Manager client');
  let cached: Promise<string> | undefined;
  const load = async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new Error('The visitor token secret is empty');
    return SecretString;
  };
  return {
    get() {
      cached ??= load().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
}
