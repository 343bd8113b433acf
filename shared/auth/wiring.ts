import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { IdentityConfig } from './identity-config.ts';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.ts';
import { VisitorTokenIssuer } from './visitor-token-issuer.ts';

/** The authorizer's verifier, with the Secrets Manager client the visitor key may need, built once. */
export function createAuthorizerVerifier(config: IdentityConfig): TokenVerifier {
  return createTokenVerifier(config, secretsManagerFor(config));
}

/** The visitor-token route's minter; it refuses to start without a visitor secret configured. */
export function createVisitorTokenIssuer(config: IdentityConfig): VisitorTokenIssuer {
  return new VisitorTokenIssuer(config, secretsManagerFor(config).secretsManager);
}

function secretsManagerFor(config: IdentityConfig): { secretsManager?: SecretsManagerClient } {
  return config.visitors?.secretArn
    ? { secretsManager: new SecretsManagerClient({ region: config.region }) }
    : {};
}
