import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { claimedIssuer, type RejectionReason, TokenRejectedError } from './bearer-token.ts';
import type { IdentityConfig } from './identity-config.ts';
import { JwksFetcher } from './jwks-fetcher.ts';
import { type TokenPrincipal, VISITOR_PROFILE_CLAIM } from './owner.ts';
import { VISITOR_AUDIENCE, VisitorKey } from './visitor-key.ts';
import { visitorSecretSource } from './visitor-secret.ts';

/** Turns a bearer token into the principal it names, or throws `TokenRejectedError`. */
export interface TokenVerifier {
  verify(token: string): Promise<TokenPrincipal>;
}

/** A seam so `verify` is the same whichever library verifier is behind an issuer. */
interface IssuerVerifier {
  verify(token: string): Promise<{ sub?: unknown }>;
}

export interface TokenVerifierOptions {
  /** Reads `VISITOR_TOKEN_SECRET_ARN`; needed only when the configuration names one. */
  readonly secretsManager?: SecretsManagerClient;
  /** How long a JWKS fetch may take. @default 3 s */
  readonly jwksTimeoutMs?: number;
}

/**
 * Verifies tokens of the configured issuers with aws-jwt-verify: signature against the issuer's JWKS
 * (fetched once and cached for the container's life, refetched when an unknown `kid` appears, at most
 * every 10 s), `iss`, `aud` or Cognito's client id and token use, `exp` and `nbf`. The library accepts
 * only RS/ES/EdDSA signatures checked against a JWK of the issuer, so `alg: none` and an HS256 token
 * signed with the public key fail as any forgery does. Lantern's visitor tokens are checked against the
 * key derived from their secret, which is loaded into the cache instead of fetched.
 */
export function createTokenVerifier(
  config: IdentityConfig,
  options: TokenVerifierOptions = {},
): TokenVerifier {
  const jwksCache = new SimpleJwksCache({
    fetcher: new JwksFetcher({ ...(options.jwksTimeoutMs ? { timeoutMs: options.jwksTimeoutMs } : {}) }),
  });
  const issuers = new Map<
    string,
    { kind: TokenPrincipal['kind']; verifier: () => Promise<IssuerVerifier> }
  >();

  const users = config.users;
  if (users?.kind === 'oidc') {
    const verifier = JwtVerifier.create(
      { issuer: users.issuer, jwksUri: users.jwksUri, audience: [...users.audience] },
      { jwksCache },
    );
    issuers.set(users.issuer, { kind: 'user', verifier: async () => verifier });
  } else if (users?.kind === 'cognito') {
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: users.userPoolId, clientId: [...users.clientIds], tokenUse: users.tokenUse },
      { jwksCache },
    );
    issuers.set(CognitoJwtVerifier.parseUserPoolId(users.userPoolId).issuer, {
      kind: 'user',
      verifier: async () => verifier,
    });
  }

  if (config.visitors) {
    const visitors = config.visitors;
    const secret = visitorSecretSource(visitors, options.secretsManager);
    let loaded: Promise<IssuerVerifier> | undefined;
    const load = async (): Promise<IssuerVerifier> => {
      const key = new VisitorKey(await secret.get());
      // The cache holds the only key; a token naming another kid is a forgery, never a reason to fetch.
      const jwksUri = 'https://visitor-keys.lantern.invalid/jwks.json';
      const visitorKeys = new SimpleJwksCache({
        fetcher: {
          fetch: async () => {
            throw new KidNotFoundInJwksError('Not signed with the visitor key');
          },
        },
      });
      const verifier = JwtVerifier.create(
        { issuer: visitors.issuer, jwksUri, audience: VISITOR_AUDIENCE },
        { jwksCache: visitorKeys },
      );
      verifier.cacheJwks({ keys: [{ ...key.jwk }] });
      return verifier;
    };
    issuers.set(visitors.issuer, {
      kind: 'visitor',
      // A failed secret read is not kept: the next request tries again.
      verifier: () => {
        loaded ??= load().catch((error: unknown) => {
          loaded = undefined;
          throw error;
        });
        return loaded;
      },
    });
  }

  return {
    async verify(token: string): Promise<TokenPrincipal> {
      const issuer = claimedIssuer(token);
      const entry = issuers.get(issuer);
      if (!entry) throw new TokenRejectedError('issuer');
      let payload: { sub?: unknown; [VISITOR_PROFILE_CLAIM]?: unknown };
      try {
        payload = await (await entry.verifier()).verify(token);
      } catch (error) {
        throw new TokenRejectedError(reasonOf(error), { cause: error });
      }
      if (typeof payload.sub !== 'string' || !payload.sub) throw new TokenRejectedError('invalid');
      // Read from the verified payload: the signature covers it, so a visitor cannot pick a wider profile.
      const profile = entry.kind === 'visitor' ? payload[VISITOR_PROFILE_CLAIM] : undefined;
      return {
        issuer,
        subject: payload.sub,
        kind: entry.kind,
        ...(typeof profile === 'string' && profile ? { profile } : {}),
      };
    },
  };
}

/** What a verification failure means to the caller's operator; the caller gets 401 whatever it is. */
function reasonOf(error: unknown): RejectionReason {
  if (error instanceof TokenRejectedError) return error.reason;
  if (error instanceof JwtExpiredError) return 'expired';
  if (error instanceof JwtNotBeforeError) return 'not-yet-valid';
  if (
    error instanceof JwtInvalidAudienceError ||
    error instanceof CognitoJwtInvalidClientIdError ||
    error instanceof CognitoJwtInvalidTokenUseError
  )
    return 'audience';
  if (error instanceof JwtInvalidIssuerError) return 'issuer';
  if (
    error instanceof JwtInvalidSignatureError ||
    error instanceof JwtInvalidSignatureAlgorithmError ||
    error instanceof KidNotFoundInJwksError
  )
    return 'signature';
  if (
    error instanceof FetchError ||
    error instanceof JwksValidationError ||
    error instanceof JwksNotAvailableInCacheError ||
    error instanceof WaitPeriodNotYetEndedJwkError
  )
    return 'jwks-unavailable';
  if (error instanceof JwtParseError) return 'malformed';
  // The runtime's fetch fails with a TypeError or an AbortError/TimeoutError: the issuer is unreachable.
  if (error instanceof Error && ['TypeError', 'AbortError', 'TimeoutError'].includes(error.name))
    return 'jwks-unavailable';
  return 'invalid';
}
