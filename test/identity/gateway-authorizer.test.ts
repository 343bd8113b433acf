import type { APIGatewayProxyEvent, APIGatewayTokenAuthorizerHandler } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRoute } from '../../local/gateway/routes.ts';
import { type LocalGateway, startLocalGateway } from '../../local/gateway/server.ts';

/** A handler that echoes what API Gateway put in the event about the caller. */
const echo = async (event: APIGatewayProxyEvent) => ({
  statusCode: 200,
  body: JSON.stringify({
    authorizer: event.requestContext.authorizer,
    apiKeyId: event.requestContext.identity.apiKeyId,
  }),
});

/** Authorizer answers API Gateway must tell apart, keyed by the token sent. */
let calls = 0;
const authorizer: APIGatewayTokenAuthorizerHandler = async (event) => {
  calls++;
  const effect = (Resource: string, Effect: 'Allow' | 'Deny') => ({
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }],
    },
    context: { issuer: 'https://issuer.example.com', sub: 'user-1', kind: 'user' },
  });
  switch (event.authorizationToken) {
    case 'allow':
    case 'allow-kept':
      return effect(event.methodArn, 'Allow');
    case 'allow-other-method':
      return effect(event.methodArn.replace('/GET/', '/DELETE/'), 'Allow');
    case 'deny':
      return effect(event.methodArn, 'Deny');
    case 'unauthorized':
      throw new Error('Unauthorized');
    case 'malformed':
      return { principalId: 'x' } as never;
    case 'allow-another-action':
      return {
        principalId: 'user-1',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: event.methodArn }],
        },
      };
    case 'typed-context':
      return { ...effect(event.methodArn, 'Allow'), context: { count: 3, admin: false } };
    case 'object-context':
      return { ...effect(event.methodArn, 'Allow'), context: { nested: { a: 1 } as never } };
    default:
      throw new Error('boom');
  }
};

describe('the local gateway running a TOKEN authorizer as API Gateway does', () => {
  let gateway: LocalGateway;
  const route = (resource: string, apiKeyRequired: boolean): GatewayRoute => ({
    method: 'GET',
    resource,
    handler: echo as GatewayRoute['handler'],
    apiKeyRequired,
    functionName: 'echo',
    timeoutSeconds: 10,
    authorizer: { handler: authorizer, functionName: 'authorizer' },
  });

  beforeAll(async () => {
    gateway = await startLocalGateway({
      routes: [route('/v1/token', false), route('/v1/both', true)],
      apiKeys: ['a-valid-api-key-0001'],
    });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  const get = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${gateway.url}${path}`, { headers });
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
    return { status: response.status, body: (await response.json()) as any };
  };

  it('answers each kind of authorizer outcome with what API Gateway answers', async () => {
    const outcomes: Record<string, unknown> = {};
    for (const token of ['allow', 'allow-other-method', 'deny', 'unauthorized', 'malformed', 'crash']) {
      const { status, body } = await get('/v1/token', { authorization: token });
      outcomes[token] = [status, body.error?.code ?? 'OK'];
    }
    expect(outcomes).toEqual({
      allow: [200, 'OK'],
      'allow-other-method': [403, 'FORBIDDEN'],
      deny: [403, 'FORBIDDEN'],
      unauthorized: [401, 'UNAUTHORIZED'],
      malformed: [500, 'INTERNAL_ERROR'],
      crash: [500, 'INTERNAL_ERROR'],
    });
  });

  it('grants only execute-api:Invoke, names an explicit deny, and refuses a context value that is an object', async () => {
    expect((await get('/v1/token', { authorization: 'allow-another-action' })).body).toEqual({
      error: { code: 'FORBIDDEN', message: 'User is not authorized to access this resource' },
    });
    expect((await get('/v1/token', { authorization: 'deny' })).body).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: 'User is not authorized to access this resource with an explicit deny',
      },
    });
    expect((await get('/v1/token', { authorization: 'object-context' })).status).toBe(500);
  });

  it("keeps an authorizer's policy per token as API Gateway's result cache does, but not its 401", async () => {
    const before = calls;
    expect((await get('/v1/token', { authorization: 'allow-kept' })).status).toBe(200);
    expect((await get('/v1/token', { authorization: 'allow-kept' })).status).toBe(200);
    expect(calls - before).toBe(1);
    await get('/v1/token', { authorization: 'unauthorized' });
    await get('/v1/token', { authorization: 'unauthorized' });
    expect(calls - before).toBe(3);
  });

  it('passes numbers and booleans of the context to the handler as strings, as API Gateway does', async () => {
    const { body } = await get('/v1/token', { authorization: 'typed-context' });
    expect(body.authorizer).toEqual({ count: '3', admin: 'false', principalId: 'user-1' });
  });

  it('answers 401 without calling the authorizer when there is no Authorization header', async () => {
    const before = calls;
    expect(await get('/v1/token', {})).toEqual({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'Missing or invalid token' } },
    });
    expect(calls).toBe(before);
  });

  it("hands the handler the authorizer's context and principal, and checks the key after it", async () => {
    expect(await get('/v1/token', { authorization: 'allow' })).toEqual({
      status: 200,
      body: {
        authorizer: {
          issuer: 'https://issuer.example.com',
          sub: 'user-1',
          kind: 'user',
          principalId: 'user-1',
        },
        apiKeyId: null,
      },
    });
    expect((await get('/v1/both', { authorization: 'allow' })).status).toBe(401);
    expect((await get('/v1/both', { 'x-api-key': 'a-valid-api-key-0001' })).status).toBe(401);
    const both = await get('/v1/both', { authorization: 'allow', 'x-api-key': 'a-valid-api-key-0001' });
    expect(both.status).toBe(200);
    expect(both.body.apiKeyId).toMatch(/^key-/);
  });
});
