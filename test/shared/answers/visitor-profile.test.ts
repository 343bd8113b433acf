import { createHash, createPrivateKey, randomUUID, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeAuthorizerHandler } from '../../../functions/authorizer/authorizer-handler.ts';
import { makeVisitorTokensHandler } from '../../../functions/visitor-tokens/visitor-tokens-handler.ts';
import { verifiedStringClaim } from '../../../shared/auth/bearer-token.ts';
import { parseIdentityConfig } from '../../../shared/auth/identity-config.ts';
import { VISITOR_PROFILE_CLAIM } from '../../../shared/auth/owner.ts';
import { createTokenVerifier } from '../../../shared/auth/token-verifier.ts';
import { VISITOR_AUDIENCE, VisitorKey } from '../../../shared/auth/visitor-key.ts';
import { VisitorTokenIssuer } from '../../../shared/auth/visitor-token-issuer.ts';
import { parseCorsConfig } from '../../../shared/config.ts';
import { ForbiddenError } from '../../../shared/errors.ts';
import { chatEvent } from './fixtures.ts';

const SECRET = 'a-visitor-secret-of-at-least-32-characters';
const ISSUER = 'urn:lantern:visitor';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/POST/v1/chat';
const config = parseIdentityConfig({ VISITOR_TOKEN_SECRET: SECRET });

/**
 * A visitor token signed with the visitor key, carrying `extra` claims: what the issuer mints for a
 * key with a profile once the key's mint takes claims (the key derivation is VisitorKey's).
 */
function visitorToken(extra: Record<string, string>, secret = SECRET): string {
  const seed = createHash('sha256').update(secret).digest();
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const privateKey = createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
  const iat = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'EdDSA', typ: 'JWT', kid: new VisitorKey(secret).jwk.kid });
  const claims = encode({
    iss: ISSUER,
    sub: `visitor-${randomUUID()}`,
    aud: VISITOR_AUDIENCE,
    iat,
    nbf: iat,
    exp: iat + 600,
    ...extra,
  });
  const signature = sign(null, Buffer.from(`${header}.${claims}`), privateKey).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

const authorize = (token: string) =>
  (
    makeAuthorizerHandler(createTokenVerifier(config), () => undefined) as unknown as (
      event: unknown,
    ) => Promise<{
      context: Record<string, string>;
    }>
  )({ type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN });

describe("a visitor token's answer profile", () => {
  it('reaches the handlers through the authorizer context once the token is verified', async () => {
    const { context } = await authorize(visitorToken({ [VISITOR_PROFILE_CLAIM]: 'acme' }));
    expect(context).toMatchObject({ issuer: ISSUER, kind: 'visitor', profile: 'acme' });
    const plain = await authorize(new VisitorKey(SECRET).mint(ISSUER, 600).token);
    expect(plain.context).not.toHaveProperty('profile');
  });

  it('cannot be forged: a token claiming a profile under another key is refused', async () => {
    await expect(
      authorize(visitorToken({ [VISITOR_PROFILE_CLAIM]: 'acme' }, `${SECRET}-other`)),
    ).rejects.toThrow(/^Unauthorized$/);
  });

  it("is the minting key's profile, or no token is handed out at all", async () => {
    const issuer = new VisitorTokenIssuer(config);
    const handler = makeVisitorTokensHandler(issuer, parseCorsConfig({}), new Map([['key-acme', 'acme']]));
    const context = { awsRequestId: 'r', getRemainingTimeInMillis: () => 3000 } as never;
    const plain = await handler(chatEvent({ apiKeyId: 'key-other' }), context);
    expect(plain.statusCode).toBe(201);
    expect(verifiedStringClaim(JSON.parse(plain.body).token, VISITOR_PROFILE_CLAIM)).toBeUndefined();

    // Until VisitorKey.mint writes the claims it is given, a profiled key gets a 403, never a token
    // without its profile (whose visitor would be answered with the wider defaults).
    const profiled = await handler(chatEvent({ apiKeyId: 'key-acme' }), context);
    if (profiled.statusCode === 201) {
      expect(verifiedStringClaim(JSON.parse(profiled.body).token, VISITOR_PROFILE_CLAIM)).toBe('acme');
    } else {
      expect(profiled.statusCode).toBe(403);
      await expect(issuer.mint(new Date(), 'acme')).rejects.toThrow(ForbiddenError);
    }
  });
});
