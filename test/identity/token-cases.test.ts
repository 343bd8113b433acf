import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { badTokens, type CallResult, call, claims } from './support.ts';

/**
 * Issue 23's token cases against the local gateway, which runs the authorizer Lambda runs: every bad
 * token is API Gateway's 401 in Lantern's JSON error shape, the valid one reaches the handler.
 */
describe('the Lambda authorizer in front of the jwt route groups', () => {
  let stack: LocalStack;
  const unauthorized = { error: { code: 'UNAUTHORIZED', message: 'Missing or invalid token' } };
  const list = (credentials: Parameters<typeof call>[3]): Promise<CallResult> =>
    call(stack.url, 'GET', '/v1/sessions', credentials);

  beforeAll(async () => {
    stack = await bootStack({ auth: { chat: 'jwt', sessions: 'jwt' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lets a valid user token through to the handler', async () => {
    const response = await list({
      token: stack.identity.issuer.sign(claims(stack.identity.issuer, 'alice')),
    });
    expect(response).toEqual({ status: 200, body: { sessions: [] } });
  });

  it('streams an answer to a valid token, the session owned by the token', async () => {
    const token = stack.identity.issuer.mint('streamer');
    const response = await fetch(`${stack.url}/v1/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: 'How do I reset my password?' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await response.text();
    const sessionId = /"sessionId":"([^"]+)"/.exec(events)?.[1];
    expect(sessionId).toEqual(expect.any(String));
    const listed = await list({ token });
    expect(listed.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([sessionId]);
  });

  it('answers 401 with a JSON error to every bad token, and never a 5xx', async () => {
    const statuses: Record<string, number> = {};
    for (const [name, token] of Object.entries(badTokens(stack.identity.issuer))) {
      const response = await list({ token });
      statuses[name] = response.status;
      expect(response.body, name).toEqual(unauthorized);
    }
    expect(statuses).toEqual({
      expired: 401,
      'not yet valid': 401,
      'wrong audience': 401,
      'wrong issuer': 401,
      'alg none': 401,
      'HS256 signed with the RSA public key': 401,
      'tampered payload': 401,
      oversized: 401,
    });
  });

  it('answers 401 to a missing, empty or malformed Authorization header, and to an API key alone', async () => {
    for (const credentials of [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Basic YWxpY2U6c2VjcmV0' },
      { authorization: 'Bearer not-a-jwt' },
      { authorization: `Bearer ${'a'.repeat(20)}.${'b'.repeat(20)}.${'c'.repeat(20)}` },
      { apiKey: API_KEY },
    ]) {
      const response = await list(credentials);
      expect({ credentials, ...response }).toEqual({ credentials, status: 401, body: unauthorized });
    }
  });

  it('answers 401 when the JWKS cannot be fetched for a key it has not seen', async () => {
    const issuer = stack.identity.issuer;
    // A rotation while the identity provider is down: the new kid is not cached, the JWKS cannot be had.
    const rotated = await issuer.addKey();
    issuer.setJwksAvailable(false);
    try {
      const response = await list({ token: issuer.sign(claims(issuer, 'alice'), { kid: rotated }) });
      expect(response).toEqual({ status: 401, body: unauthorized });
      // Keys already cached keep working through the outage.
      const cached = await list({ token: issuer.sign(claims(issuer, 'alice')) });
      expect(cached.status).toBe(200);
    } finally {
      issuer.setJwksAvailable(true);
    }
  });

  it('answers 401 when the issuer is not listening at all', async () => {
    const { startLocalIdentity } = await import('../../local/identity/local-identity.ts');
    const identity = await startLocalIdentity({ sessions: 'jwt' }, { allowOrigins: [] });
    const token = identity.issuer.sign(claims(identity.issuer, 'alice'));
    const route = identity.access('sessions');
    await identity.close();
    // The authorizer of a stack whose issuer is gone, called the way the gateway calls it.
    const { runTokenAuthorizer } = await import('../../local/identity/gateway-authorizer.ts');
    const outcome = await runTokenAuthorizer(
      route.authorizer ?? expect.unreachable(),
      `Bearer ${token}`,
      'arn:aws:execute-api:us-east-1:000000000000:local/prod/GET/v1/sessions',
    );
    expect(outcome).toEqual({ effect: 'unauthorized' });
  });

  it('accepts a visitor token minted behind the API key, and refuses minting without one', async () => {
    const minted = await call(stack.url, 'POST', '/v1/visitor-tokens', { apiKey: API_KEY });
    expect(minted.status).toBe(201);
    expect(minted.body).toEqual({
      token: expect.any(String),
      tokenType: 'Bearer',
      expiresAt: expect.any(String),
      expiresIn: 3600,
    });
    expect((await list({ token: minted.body.token })).status).toBe(200);
    const refused = await call(stack.url, 'POST', '/v1/visitor-tokens', {});
    expect(refused.status).toBe(401);
  });
});
