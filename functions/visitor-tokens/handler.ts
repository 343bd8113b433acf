import { getKeyProfiles } from '../../shared/answers/key-profiles.ts';
import { getVisitorTokenConfig } from '../../shared/auth/identity-config.ts';
import { createVisitorTokenIssuer } from '../../shared/auth/visitor-token-wiring.ts';
import { getCorsConfig } from '../../shared/config.ts';
import { makeVisitorTokensHandler } from './visitor-tokens-handler.ts';

export const handler = makeVisitorTokensHandler(
  createVisitorTokenIssuer(getVisitorTokenConfig()),
  getCorsConfig(),
  getKeyProfiles(),
);
