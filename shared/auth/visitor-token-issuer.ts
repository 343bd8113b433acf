import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IdentityConfig, VisitorTokenConfig } from './identity-config.ts';
import { type MintedVisitorToken, VisitorKey } from './visitor-key.ts';
import { type VisitorSecretSource, visitorSecretSource } from './visitor-secret.ts';

/** Mints visitor tokens with the key the authorizer checks them against. */
export class VisitorTokenIssuer {
  readonly ttlSeconds: number;
  private readonly config: VisitorTokenConfig;
  private readonly secret: VisitorSecretSource;
  private key: Promise<VisitorKey> | undefined;

  constructor(config: IdentityConfig, secretsManager?: SecretsManagerClient) {
    if (!config.visitors) {
      throw new Error('Visitor tokens need VISITOR_TOKEN_SECRET_ARN (or VISITOR_TOKEN_SECRET locally)');
    }
    this.config = config.visitors;
    this.ttlSeconds = config.visitors.ttlSeconds;
    this.secret = visitorSecretSource(config.visitors, secretsManager);
  }

  async mint(now: Date = new Date()): Promise<MintedVisitorToken> {
    this.key ??= this.secret
      .get()
      .then((secret) => new VisitorKey(secret))
      .catch((error: unknown) => {
        this.key = undefined;
        throw error;
      });
    return (await this.key).mint(this.config.issuer, this.ttlSeconds, now);
  }
}
