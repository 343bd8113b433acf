import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ForbiddenError } from '../errors.ts';
import { verifiedStringClaim } from './bearer-token.ts';
import type { IdentityConfig, VisitorTokenConfig } from './identity-config.ts';
import { VISITOR_PROFILE_CLAIM } from './owner.ts';
import { type MintedVisitorToken, VisitorKey } from './visitor-key.ts';
import { type VisitorSecretSource, visitorSecretSource } from './visitor-secret.ts';

/**
 * The key's mint, with the claims it adds: `VisitorKey.mint` takes them as a fourth argument once
 * shared/auth/visitor-key.ts spreads them into the token's claims.
 */
interface ClaimingKey {
  mint(
    issuer: string,
    ttlSeconds: number,
    now: Date,
    claims?: Readonly<Record<string, string>>,
  ): MintedVisitorToken;
}

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
   * the token carries so the visitor's answers stay within it. A token that should carry a profile
   * but does not is never handed out: without it the visitor would get the wider defaults.
   */
  async mint(now: Date = new Date(), profile?: string): Promise<MintedVisitorToken> {
    this.key ??= this.secret
      .get()
      .then((secret) => new VisitorKey(secret))
      .catch((error: unknown) => {
        this.key = undefined;
        throw error;
      });
    const key: ClaimingKey = await this.key;
    if (profile === undefined) return key.mint(this.config.issuer, this.ttlSeconds, now);
    const minted = key.mint(this.config.issuer, this.ttlSeconds, now, { [VISITOR_PROFILE_CLAIM]: profile });
    if (verifiedStringClaim(minted.token, VISITOR_PROFILE_CLAIM) !== profile) {
      throw new ForbiddenError(
        `Visitor tokens cannot carry answer profiles yet, so this key (profile ${profile}) cannot mint them`,
      );
    }
    return minted;
  }
}
