import { getIdentityConfig } from '../../shared/auth/identity-config.ts';
import { createAuthorizerVerifier } from '../../shared/auth/wiring.ts';
import { makeAuthorizerHandler } from './authorizer-handler.ts';

export const handler = makeAuthorizerHandler(createAuthorizerVerifier(getIdentityConfig()));
