import {
  awsRegion,
  blankAsUnset,
  ConfigError,
  type ContractShape,
  commaList,
  optionalSecretArn,
  type ParsedVariables,
  parseVariables,
} from '../environment-schemas.ts';
import * as z from '../validation.ts';

/**
 * The authorizer's and the visitor-token route's settings (`config/environment.ts`, scope
 * `identity`): which issuers' tokens are accepted, and how visitor tokens are made. Parsed apart
 * from `shared/config.ts` because no other function needs them. The schemas are built when parsed,
 * and the visitor-token route parses only the visitor variables (`parseVisitorTokenConfig`): it
 * neither builds nor bundles the issuers' rules it never reads.
 */

/** `https://`, or `http://` on loopback only (the local issuer): keys must not travel in the clear. */
const issuerUrl = () =>
  z.url().check(
    z.refine(
      (value: string) => {
        const url = new URL(value);
        return (
          url.protocol === 'https:' ||
          (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
        );
      },
      { error: 'must be an https:// URL (http:// only on 127.0.0.1 or localhost)' },
    ),
  );

const userFields = () =>
  ({
    USER_TOKEN_ISSUER: blankAsUnset(z.optional(issuerUrl())),
    USER_TOKEN_JWKS_URI: blankAsUnset(z.optional(issuerUrl())),
    USER_TOKEN_AUDIENCE: commaList(),
    COGNITO_USER_POOL_ID: blankAsUnset(
      z.optional(
        z
          .string()
          .check(
            z.regex(
              /^[a-z]{2}(-gov)?-[a-z]+-\d_[0-9a-zA-Z]+$/,
              'must be a user pool id such as eu-west-1_AbC123',
            ),
          ),
      ),
    ),
    COGNITO_CLIENT_IDS: commaList(),
    COGNITO_TOKEN_USE: blankAsUnset(z._default(z.enum(['id', 'access']), 'id')),
  }) satisfies ContractShape;

const visitorFields = () =>
  ({
    VISITOR_TOKEN_ISSUER: blankAsUnset(z._default(z.string().check(z.minLength(1)), 'urn:lantern:visitor')),
    VISITOR_TOKEN_TTL_SECONDS: blankAsUnset(
      z._default(z.coerce.number().check(z.int(), z.gte(60), z.lte(86_400)), 3600),
    ),
    VISITOR_TOKEN_SECRET_ARN: blankAsUnset(optionalSecretArn()),
    VISITOR_TOKEN_SECRET: blankAsUnset(
      z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
    ),
    AWS_REGION: awsRegion(),
  }) satisfies ContractShape;

/** Tokens of any OIDC issuer: its `iss`, where its keys are, whom its tokens are for. */
export interface OidcIssuerConfig {
  readonly kind: 'oidc';
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: readonly string[];
}

/** Tokens of a Cognito user pool, checked for the app clients and the token use. */
export interface CognitoIssuerConfig {
  readonly kind: 'cognito';
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: 'id' | 'access';
}

export interface VisitorTokenConfig {
  readonly issuer: string;
  readonly ttlSeconds: number;
  /** The secret the signing key is derived from: in Secrets Manager on AWS... */
  readonly secretArn?: string;
  /** ...or given directly (local). Never logged. */
  readonly secret?: string;
}

export interface IdentityConfig {
  /** The identity provider of signed-in users; none when only visitors (or nobody) sign tokens. */
  readonly users?: OidcIssuerConfig | CognitoIssuerConfig;
  /** Lantern's own visitor tokens; none when no secret is configured. */
  readonly visitors?: VisitorTokenConfig;
  readonly region: string;
}

export function parseIdentityConfig(env: Record<string, string | undefined>): IdentityConfig {
  const e = parseVariables({ ...userFields(), ...visitorFields() }, env, 'identity');
  if (e.USER_TOKEN_ISSUER && e.COGNITO_USER_POOL_ID) {
    throw new ConfigError('Set USER_TOKEN_ISSUER or COGNITO_USER_POOL_ID, not both');
  }
  if (e.USER_TOKEN_ISSUER && e.USER_TOKEN_AUDIENCE.length === 0) {
    throw new ConfigError('USER_TOKEN_AUDIENCE is required with USER_TOKEN_ISSUER');
  }
  if (e.COGNITO_USER_POOL_ID && e.COGNITO_CLIENT_IDS.length === 0) {
    throw new ConfigError('COGNITO_CLIENT_IDS is required with COGNITO_USER_POOL_ID');
  }
  const users: IdentityConfig['users'] = e.USER_TOKEN_ISSUER
    ? {
        kind: 'oidc',
        issuer: e.USER_TOKEN_ISSUER,
        jwksUri: e.USER_TOKEN_JWKS_URI ?? `${e.USER_TOKEN_ISSUER.replace(/\/$/, '')}/.well-known/jwks.json`,
        audience: e.USER_TOKEN_AUDIENCE,
      }
    : e.COGNITO_USER_POOL_ID
      ? {
          kind: 'cognito',
          userPoolId: e.COGNITO_USER_POOL_ID,
          clientIds: e.COGNITO_CLIENT_IDS,
          tokenUse: e.COGNITO_TOKEN_USE,
        }
      : undefined;
  const visitors = visitorsOf(e);
  return { ...(users ? { users } : {}), ...(visitors ? { visitors } : {}), region: e.AWS_REGION };
}

/**
 * The visitor-token route's settings: the visitor variables and the region alone. A malformed
 * issuer setting, which only the authorizer reads, does not stop the route from minting.
 */
export function parseVisitorTokenConfig(env: Record<string, string | undefined>): IdentityConfig {
  const e = parseVariables(visitorFields(), env, 'identity');
  const visitors = visitorsOf(e);
  return { ...(visitors ? { visitors } : {}), region: e.AWS_REGION };
}

function visitorsOf(e: ParsedVariables<ReturnType<typeof visitorFields>>): VisitorTokenConfig | undefined {
  if (!e.VISITOR_TOKEN_SECRET_ARN && !e.VISITOR_TOKEN_SECRET) return undefined;
  return {
    issuer: e.VISITOR_TOKEN_ISSUER,
    ttlSeconds: e.VISITOR_TOKEN_TTL_SECONDS,
    ...(e.VISITOR_TOKEN_SECRET_ARN ? { secretArn: e.VISITOR_TOKEN_SECRET_ARN } : {}),
    ...(e.VISITOR_TOKEN_SECRET ? { secret: e.VISITOR_TOKEN_SECRET } : {}),
  };
}

let cached: IdentityConfig | undefined;

/** The process's identity configuration, parsed on first use so a bad deployment fails at cold start. */
export function getIdentityConfig(): IdentityConfig {
  cached ??= parseIdentityConfig(process.env);
  return cached;
}

let cachedVisitor: IdentityConfig | undefined;

/** The visitor-token route's settings, parsed on first use so a bad deployment fails at cold start. */
export function getVisitorTokenConfig(): IdentityConfig {
  cachedVisitor ??= parseVisitorTokenConfig(process.env);
  return cachedVisitor;
}
