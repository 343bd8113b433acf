import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IdentityConfig } from './identity-config.ts';
import { VisitorTokenIssuer } from './visitor-token-issuer.ts';

/**
 * The visitor-token route's minter; it refuses to start without a visitor secret configured. Apart
 * from the authorizer's wiring so the minting function does not bundle the token verifier.
 */
export function createVisitorTokenIssuer(config: IdentityConfig): VisitorTokenIssuer {
  return new VisitorTokenIssuer(config, secretsManagerFor(config).secretsManager);
}

/** A Secrets Manager client only where the visitor secret lives in Secrets Manager. */
export function secretsManagerFor(config: IdentityConfig): { secretsManager?: SecretsManagerClient } {
  return config.visitors?.secretArn
    ? { secretsManager: new SecretsManagerClient({ region: config.region }) }
    : {};
}
