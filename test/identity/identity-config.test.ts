import { describe, expect, it } from 'vitest';
import { parseIdentityConfig, parseVisitorTokenConfig } from '../../shared/auth/identity-config.ts';

describe('the identity configuration', () => {
  it('reads an OIDC issuer with its audiences, its JWKS defaulting under the issuer', () => {
    expect(
      parseIdentityConfig({
        USER_TOKEN_ISSUER: 'https://id.example.com/',
        USER_TOKEN_AUDIENCE: 'web, widget,web',
      }),
    ).toEqual({
      users: {
        kind: 'oidc',
        issuer: 'https://id.example.com/',
        jwksUri: 'https://id.example.com/.well-known/jwks.json',
        audience: ['web', 'widget'],
      },
      region: 'us-east-1',
    });
  });

  it('reads a Cognito pool and visitor tokens, with their defaults', () => {
    expect(
      parseIdentityConfig({
        COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
        COGNITO_CLIENT_IDS: 'client1',
        VISITOR_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:visitor-AbCdEf',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      users: { kind: 'cognito', userPoolId: 'eu-west-1_AbC123', clientIds: ['client1'], tokenUse: 'id' },
      visitors: {
        issuer: 'urn:lantern:visitor',
        ttlSeconds: 3600,
        secretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:visitor-AbCdEf',
      },
      region: 'eu-west-1',
    });
  });

  it('refuses keys fetched in the clear, half-configured issuers and short secrets, never quoting a value', () => {
    const secret = 'too-short-secret';
    for (const [env, problem] of [
      [{ USER_TOKEN_ISSUER: 'http://id.example.com', USER_TOKEN_AUDIENCE: 'web' }, /USER_TOKEN_ISSUER/],
      [{ USER_TOKEN_ISSUER: 'https://id.example.com' }, /USER_TOKEN_AUDIENCE is required/],
      [{ COGNITO_USER_POOL_ID: 'eu-west-1_AbC123' }, /COGNITO_CLIENT_IDS is required/],
      [{ COGNITO_USER_POOL_ID: 'not-a-pool', COGNITO_CLIENT_IDS: 'c' }, /COGNITO_USER_POOL_ID/],
      [{ VISITOR_TOKEN_SECRET: secret }, /VISITOR_TOKEN_SECRET must be at least 32/],
      [{ VISITOR_TOKEN_SECRET: 'x'.repeat(32), VISITOR_TOKEN_TTL_SECONDS: '5' }, /VISITOR_TOKEN_TTL_SECONDS/],
    ] as const) {
      let message = '';
      try {
        parseIdentityConfig(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, JSON.stringify(env)).toMatch(problem);
      expect(message).not.toContain(secret);
    }
    // The local issuer is the one exception: plain HTTP on loopback.
    expect(
      parseIdentityConfig({
        USER_TOKEN_ISSUER: 'http://127.0.0.1:4000',
        USER_TOKEN_AUDIENCE: 'lantern-local',
      }).users,
    ).toMatchObject({ issuer: 'http://127.0.0.1:4000' });
  });

  it('gives the visitor-token route its visitor settings alone, refusing them as the full parse does', () => {
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:visitor-AbCdEf';
    expect(
      parseVisitorTokenConfig({
        // Only the authorizer reads the issuer settings: the minting route neither needs nor checks them.
        USER_TOKEN_ISSUER: 'http://id.example.com',
        VISITOR_TOKEN_SECRET_ARN: secretArn,
        VISITOR_TOKEN_TTL_SECONDS: '600',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      visitors: { issuer: 'urn:lantern:visitor', ttlSeconds: 600, secretArn },
      region: 'eu-west-1',
    });
    expect(parseVisitorTokenConfig({})).toEqual({ region: 'us-east-1' });
    for (const env of [
      { VISITOR_TOKEN_SECRET: 'too-short-secret' },
      { VISITOR_TOKEN_SECRET: 'x'.repeat(32), VISITOR_TOKEN_TTL_SECONDS: '5' },
      { VISITOR_TOKEN_SECRET_ARN: 'not-an-arn' },
    ]) {
      const refusal = messageOf(() => parseIdentityConfig(env));
      expect(refusal, JSON.stringify(env)).toMatch(/^Invalid identity configuration: VISITOR_TOKEN_/);
      expect(messageOf(() => parseVisitorTokenConfig(env))).toBe(refusal);
    }
  });
});

function messageOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
}
