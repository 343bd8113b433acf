import { randomBytes } from 'node:crypto';
import { type LanternEnvironment, toEnvironmentRecord } from '../../config/environment.ts';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { makeAuthorizerHandler } from '../../functions/authorizer/authorizer-handler.ts';
import { makeVisitorTokensHandler } from '../../functions/visitor-tokens/visitor-tokens-handler.ts';
import { parseIdentityConfig } from '../../shared/auth/identity-config.ts';
import { createAuthorizerVerifier, createVisitorTokenIssuer } from '../../shared/auth/wiring.ts';
import type { CorsConfig } from '../../shared/config.ts';
import type { GatewayRoute } from '../gateway/routes.ts';
import type { GatewayTokenAuthorizer } from './gateway-authorizer.ts';
import { LOCAL_AUDIENCE, LocalIssuer } from './local-issuer.ts';

/**
 * How a route group authenticates callers, as the CDK app's `auth` setting chooses it: an API key
 * (the default, server-to-server), a token (`jwt`: signed-in users and visitors), or `both` (the key
 * names the application and its usage plan, the token the person; sessions belong to the person).
 */
export type RouteAuth = 'api-key' | 'jwt' | 'both';

/** The route groups whose authentication is chosen: chat (`/v1/chat*`) and sessions (`/v1/sessions*`). */
export interface LocalRouteAuth {
  readonly chat?: RouteAuth;
  readonly sessions?: RouteAuth;
}

/** What a route of a group carries for API Gateway: whether it needs a key, and its authorizer. */
export interface RouteAccess {
  readonly apiKeyRequired: boolean;
  readonly authorizer?: GatewayTokenAuthorizer;
}

export interface LocalIdentity {
  /** The local identity provider whose tokens the authorizer accepts. */
  readonly issuer: LocalIssuer;
  /** The variables the authorizer and the visitor-token function get (`config/environment.ts`). */
  readonly environment: LanternEnvironment;
  /** The access of each route group. */
  readonly access: (group: keyof LocalRouteAuth) => RouteAccess;
  /** `POST /v1/visitor-tokens`, behind an API key. */
  readonly visitorTokensRoute: GatewayRoute;
  /** The shell command that prints a user's token, for `npm start` to show. */
  tokenCommand(user: string): string;
  close(): Promise<void>;
}

/**
 * The identity side of the local stack: the local issuer (keys generated now), a random visitor-token
 * secret, and the authorizer and visitor-token handlers built by the factories Lambda's entry files
 * call, from the same variables the CDK app sets.
 */
export async function startLocalIdentity(
  auth: LocalRouteAuth,
  cors: CorsConfig,
  options: {
    readonly issuerPort?: number;
    /** API key id → answer profile (API_KEY_PROFILES), for the visitor tokens a key mints. */
    readonly keyProfiles?: ReadonlyMap<string, string>;
  } = {},
): Promise<LocalIdentity> {
  const issuer = await LocalIssuer.start(
    options.issuerPort === undefined ? {} : { port: options.issuerPort },
  );
  const environment: LanternEnvironment = {
    USER_TOKEN_ISSUER: issuer.url,
    USER_TOKEN_AUDIENCE: LOCAL_AUDIENCE,
    VISITOR_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  };
  const config = parseIdentityConfig(toEnvironmentRecord(environment));
  const authorizer: GatewayTokenAuthorizer = {
    handler: makeAuthorizerHandler(createAuthorizerVerifier(config)),
    functionName: 'lantern-authorizer',
  };
  const access = (group: keyof LocalRouteAuth): RouteAccess => {
    const mode = auth[group] ?? 'api-key';
    return {
      apiKeyRequired: mode !== 'jwt',
      ...(mode === 'api-key' ? {} : { authorizer }),
    };
  };
  return {
    issuer,
    environment,
    access,
    visitorTokensRoute: {
      method: 'POST',
      resource: '/v1/visitor-tokens',
      handler: makeVisitorTokensHandler(createVisitorTokenIssuer(config), cors, options.keyProfiles),
      apiKeyRequired: true,
      functionName: 'lantern-visitor-tokens',
      timeoutSeconds: functionTimeoutSeconds.visitorTokens,
    },
    // `-s` keeps npm's own header lines out of a captured token (`TOKEN=$(…)`).
    tokenCommand: (user) => `npm run -s token -- --user ${user} --issuer ${issuer.url}`,
    close: () => issuer.close(),
  };
}
