import type { IdentityConfig } from './identity-config.ts';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.ts';
import { secretsManagerFor } from './visitor-token-wiring.ts';

export { createVisitorTokenIssuer } from './visitor-token-wiring.ts';

/** The authorizer's verifier, with the Secrets Manager client the visitor key may need, built once. */
export function createAuthorizerVerifier(config: IdentityConfig): TokenVerifier {
  return createTokenVerifier(config, secretsManagerFor(config));
}
