import { describe, expect, it } from 'vitest';
import { makeAuthorizerHandler } from '../../../functions/authorizer/authorizer-handler.ts';
import { makeVisitorTokensHandler } from '../../../functions/visitor-tokens/visitor-tokens-handler.ts';
import { parseIdentityConfig } from '../../../shared/auth/identity-config.ts';
import { VISITOR_PROFILE_CLAIM } from '../../../shared/auth/owner.ts';
import { createTokenVerifier } from '../../../shared/auth/token-verifier.ts';
import { VisitorKey } from '../../../shared/auth/visitor-key.ts';
import { VisitorTokenIssuer } from '../../../shared/auth/visitor-token-issuer.ts';
import { parseCorsConfig } from '../../../shared/config.ts';
import { chatEvent } from './fixtures.ts';

const SECRET = 'a-visitor-secret-of-at-least-32-characters';
const ISSUER = 'urn:lantern:visitor';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:111122223333:abc123/prod/POST/v1/chat';
const config = parseIdentityConfig({ VISITOR_TOKEN_SECRET: SECRET });

/** A visitor token signed with the visitor key derived from `secret`, carrying `extra` claims. */
const visitorToken = (extra: Record<string, string>, secret = SECRET): string =>
  new VisitorKey(secret).mint(ISSUER, 600, new Date(), extra).token;

/** A string claim of a token the test minted, read from its payload (the tokens here are Lantern's own). */
function verifiedStringClaim(token: string, name: string): string | undefined {
  const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const value = (claims as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' && value ? value : undefined;
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

    const profiled = await handler(chatEvent({ apiKeyId: 'key-acme' }), context);
    expect(profiled.statusCode).toBe(201);
    expect(verifiedStringClaim(JSON.parse(profiled.body).token, VISITOR_PROFILE_CLAIM)).toBe('acme');
  });

  it('never lets an extra claim replace a standard one', async () => {
    const token = visitorToken({ sub: 'someone-else', aud: 'elsewhere', [VISITOR_PROFILE_CLAIM]: 'acme' });
    expect(verifiedStringClaim(token, 'sub')).toMatch(/^visitor-/);
    const { context } = await authorize(token);
    expect(context).toMatchObject({ kind: 'visitor', profile: 'acme' });
    expect(context.sub).toMatch(/^visitor-/);
  });
});
