import { createHash } from 'node:crypto';

/**
 * What the Lambda authorizer hands the handlers in `requestContext.authorizer`: who signed the
 * token and whom it names. API Gateway passes context values as strings.
 */
export interface TokenPrincipal {
  readonly issuer: string;
  readonly subject: string;
  /** `user` for a signed-in user's token, `visitor` for Lantern's own anonymous visitor token. */
  readonly kind: PrincipalKind;
  /**
   * The answer profile a visitor token was minted for (the profile of the API key that asked for
   * it), so a tenant's anonymous visitors stay within the tenant's filter. Absent for user tokens.
   */
  readonly profile?: string;
}

export type PrincipalKind = 'user' | 'visitor';

/** The keys of the authorizer context, shared by the authorizer and the handlers reading it. */
/** The claim of a visitor token naming the answer profile it was minted for. */
export const VISITOR_PROFILE_CLAIM = 'lantern_profile';

export const AUTHORIZER_CONTEXT = {
  issuer: 'issuer',
  subject: 'sub',
  kind: 'kind',
  profile: 'profile',
} as const;

/**
 * The owner a token's sessions are stored under: a digest of issuer and subject. Two issuers may
 * use the same `sub`, so both go in; the digest keeps the key short and keeps a `sub` that is an
 * e-mail address out of the table and the logs. The `jwt#` prefix cannot begin an API key id
 * (API Gateway's are alphanumeric, the local gateway's start with `key-`), so no key and no user
 * ever share sessions.
 */
export function tokenOwner(principal: Pick<TokenPrincipal, 'issuer' | 'subject'>): string {
  const digest = createHash('sha256').update(principal.issuer).update('\n').update(principal.subject);
  return `jwt#${digest.digest('base64url')}`;
}

/** The principal in an authorizer context, when the request came through the Lambda authorizer. */
export function principalOf(context: unknown): TokenPrincipal | undefined {
  if (!context || typeof context !== 'object') return undefined;
  const values = context as Record<string, unknown>;
  const issuer = values[AUTHORIZER_CONTEXT.issuer];
  const subject = values[AUTHORIZER_CONTEXT.subject];
  const kind = values[AUTHORIZER_CONTEXT.kind];
  if (typeof issuer !== 'string' || !issuer || typeof subject !== 'string' || !subject) return undefined;
  if (kind !== 'visitor') return { issuer, subject, kind: 'user' };
  const profile = values[AUTHORIZER_CONTEXT.profile];
  return { issuer, subject, kind, ...(typeof profile === 'string' && profile ? { profile } : {}) };
}
