import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAuthorizerHandler } from '../../functions/authorizer/authorizer-handler.ts';
import { apiKeyIdFor } from '../../local/gateway/server.ts';
import { LOCAL_AUDIENCE, LocalIssuer } from '../../local/identity/local-issuer.ts';
import { TokenRejectedError } from '../../shared/auth/bearer-token.ts';
import { parseIdentityConfig } from '../../shared/auth/identity-config.ts';
import { tokenOwner } from '../../shared/auth/owner.ts';
import { createTokenVerifier, type TokenVerifier } from '../../shared/auth/token-verifier.ts';
import { VisitorKey } from '../../shared/auth/visitor-key.ts';
import { badTokens, claims } from './support.ts';

const SECRET = 'a-visitor-secret-of-at-least-32-characters';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/GET/v1/sessions';

/** Why each bad token is refused: the reason the metric is counted by, one per case. */
describe('the token verifier and the authorizer function', () => {
  let issuer: LocalIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    issuer = await LocalIssuer.start();
    verifier = createTokenVerifier(
      parseIdentityConfig({
        USER_TOKEN_ISSUER: issuer.url,
        USER_TOKEN_AUDIENCE: LOCAL_AUDIENCE,
        VISITOR_TOKEN_SECRET: SECRET,
      }),
    );
  });
  afterAll(async () => {
    await issuer?.close();
  });

  const reasonOf = (token: string) =>
    verifier.verify(token).then(
      () => 'accepted',
      (error: unknown) => (error instanceof TokenRejectedError ? error.reason : `threw ${String(error)}`),
    );

  it('refuses each bad token for its own reason', async () => {
    const tokens = badTokens(issuer);
    const reasons: Record<string, string> = {};
    // `oversized` is the header's check, before the verifier: see the handler test below.
    for (const [name, token] of Object.entries(tokens).filter(([name]) => name !== 'oversized')) {
      reasons[name] = await reasonOf(token);
    }
    expect(reasons).toEqual({
      expired: 'expired',
      'not yet valid': 'not-yet-valid',
      'wrong audience': 'audience',
      'wrong issuer': 'issuer',
      'alg none': 'malformed',
      'HS256 signed with the RSA public key': 'signature',
      'tampered payload': 'signature',
    });
  });

  it('names the issuer and subject of a valid user token, and of a visitor token signed with the secret', async () => {
    await expect(verifier.verify(issuer.sign(claims(issuer, 'alice')))).resolves.toEqual({
      issuer: issuer.url,
      subject: 'alice',
      kind: 'user',
    });
    const visitor = new VisitorKey(SECRET).mint('urn:lantern:visitor', 600);
    await expect(verifier.verify(visitor.token)).resolves.toEqual({
      issuer: 'urn:lantern:visitor',
      subject: visitor.visitorId,
      kind: 'visitor',
    });
    // The same claims signed with another secret's key are a forgery.
    const forged = new VisitorKey(`${SECRET}-other`).mint('urn:lantern:visitor', 600);
    expect(await reasonOf(forged.token)).toBe('signature');
  });

  it('allows the whole stage with issuer and subject in the context, and counts each refusal by reason', async () => {
    const counted: string[] = [];
    const handler = makeAuthorizerHandler(verifier, (reason) => counted.push(reason));
    const invoke = (authorizationToken: string) =>
      (handler as unknown as (event: unknown) => Promise<unknown>)({
        type: 'TOKEN',
        authorizationToken,
        methodArn: METHOD_ARN,
      });
    await expect(invoke(`Bearer ${issuer.sign(claims(issuer, 'alice'))}`)).resolves.toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/*/*',
          },
        ],
      },
      context: { issuer: issuer.url, sub: 'alice', kind: 'user' },
    });
    const tokens = badTokens(issuer);
    for (const header of [
      `Bearer ${tokens.expired}`,
      `Bearer ${tokens.oversized}`,
      `Basic ${tokens['wrong audience']}`,
      `Bearer ${tokens['tampered payload']}`,
    ]) {
      await expect(invoke(header)).rejects.toThrow(/^Unauthorized$/);
    }
    expect(counted).toEqual(['expired', 'oversized', 'malformed', 'signature']);
  });

  it('owns a token caller’s sessions by issuer and subject, apart from every API key id', () => {
    const alice = tokenOwner({ issuer: issuer.url, subject: 'alice' });
    expect(alice).toMatch(/^jwt#[A-Za-z0-9_-]{43}$/);
    expect(tokenOwner({ issuer: issuer.url, subject: 'alice' })).toBe(alice);
    expect(tokenOwner({ issuer: 'https://other.example.com', subject: 'alice' })).not.toBe(alice);
    expect(tokenOwner({ issuer: `${issuer.url}\nalice`, subject: '' })).not.toBe(alice);
    expect(apiKeyIdFor('jwt#whatever')).toMatch(/^key-/);
  });
});
