import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IdentityConfig, VisitorTokenConfig } from './identity-config.ts';
import { VISITOR_PROFILE_CLAIM } from './owner.ts';
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

  /**
   * A token for one anonymous visitor; `profile` is the answer profile of the API key asking, which
   * the token carries so the visitor's answers stay within it (without it the visitor would get
   * the wider defaults).
   */
  async mint(now: Date = new Date(), profile?: string): Promise<MintedVisitorToken> {
    this.key ??= this.secret
      .get()
      .then((secret) => new VisitorKey(secret))
      .catch((error: unknown) => {
        this.key = undefined;
        throw error;
      });
    const key = await this.key;
    const claims: Record<string, string> = profile === undefined ? {} : { [VISITOR_PROFILE_CLAIM]: profile };
    return key.mint(this.config.issuer, this.ttlSeconds, now, claims);
  }
}
