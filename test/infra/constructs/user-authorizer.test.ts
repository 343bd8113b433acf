import { describe, expect, it } from 'vitest';
import { ChatApi } from '../../../infra/constructs/chat-api.ts';
import { UserAuthorizer, type UserAuthorizerProps } from '../../../infra/constructs/user-authorizer.ts';
import {
  apiMethods,
  chatApiFunctions,
  constructStack,
  idOf,
  lanternFunction,
  onlyResource,
  Template,
} from '../support/construct-stack.ts';
import { grantsByAction, statementsOfRole, unbundledSynthesizer } from '../support/lantern-app.ts';

function build(props: UserAuthorizerProps, auth?: ConstructorParameters<typeof ChatApi>[2]['auth']) {
  const stack = constructStack();
  const identity = new UserAuthorizer(stack, 'UserAuthorizer', props);
  new ChatApi(stack, 'ChatApi', {
    ...chatApiFunctions(stack),
    userAuthorizer: identity.authorizer,
    ...(auth ? { auth } : {}),
    ...(identity.visitorTokensFunction ? { visitorTokensFunction: identity.visitorTokensFunction } : {}),
  });
  const template = Template.fromStack(stack);
  return { stack, identity, template };
}

const variables = (template: Template, entryDescription: RegExp) => {
  const found = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
    entryDescription.test(String(fn.Properties.Description)),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties.Environment.Variables as Record<string, unknown>;
};

/** Each method's path and verb with how it authenticates. */
function methods(template: Template) {
  return apiMethods(template).map(({ route, properties }) => ({
    route,
    authorizationType: properties.AuthorizationType,
    apiKeyRequired: properties.ApiKeyRequired ?? false,
    authorizer: Boolean(properties.AuthorizerId),
  }));
}

describe('UserAuthorizer', () => {
  describe('with a new Cognito user pool and visitor tokens', () => {
    const { stack, identity, template } = build(
      { users: { kind: 'cognito' }, visitorTokens: true },
      { chat: 'jwt', sessions: 'both' },
    );

    it('is a TOKEN authorizer on Authorization whose answers are cached for a minute', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 60,
      });
    });

    it('creates a pool only admins add users to, with a strong password policy and a public SRP client', () => {
      const pool = onlyResource(template, 'AWS::Cognito::UserPool').properties;
      expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
      expect(pool.Policies).toEqual({
        PasswordPolicy: expect.objectContaining({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      });
      const client = onlyResource(template, 'AWS::Cognito::UserPoolClient').properties;
      expect(client.GenerateSecret).toBe(false);
      expect(client.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH']));
    });

    it('tells the authorizer the pool, its client and the visitor secret, and grants it that secret alone', () => {
      const env = variables(template, /Lambda authorizer/);
      expect(env).toMatchObject({
        COGNITO_USER_POOL_ID: { Ref: idOf(identity.userPool as never) },
        COGNITO_CLIENT_IDS: { Ref: idOf(identity.userPoolClient as never) },
        COGNITO_TOKEN_USE: 'id',
        VISITOR_TOKEN_SECRET_ARN: { Ref: idOf(identity.visitorSecret as never) },
        VISITOR_TOKEN_TTL_SECONDS: '3600',
      });
      for (const fn of [identity.function, identity.visitorTokensFunction]) {
        const grants = grantsByAction(statementsOfRole(template, idOf(fn?.executionRole as never)));
        expect(grants.get('secretsmanager:GetSecretValue')).toEqual([
          stack.resolve(identity.visitorSecret?.secretArn),
        ]);
        const own = [...grants.keys()].filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
        expect(own.sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
      }
    });

    it('puts the authorizer on the chat group alone, on sessions beside the key, and lists sessions', () => {
      const byRoute = new Map(methods(template).map((m) => [m.route, m]));
      for (const route of ['POST /v1/chat', 'POST /v1/chat/stream']) {
        expect(byRoute.get(route), route).toMatchObject({
          authorizationType: 'CUSTOM',
          authorizer: true,
          apiKeyRequired: false,
        });
      }
      for (const route of [
        'GET /v1/sessions',
        'GET /v1/sessions/{id}',
        'DELETE /v1/sessions/{id}',
        'POST /v1/sessions/{id}/feedback',
      ]) {
        expect(byRoute.get(route), route).toMatchObject({
          authorizationType: 'CUSTOM',
          authorizer: true,
          apiKeyRequired: true,
        });
      }
      expect(byRoute.get('POST /v1/visitor-tokens')).toMatchObject({
        authorizationType: 'NONE',
        authorizer: false,
        apiKeyRequired: true,
      });
    });

    it("answers a refused token with the gateway's 401 in Lantern's error shape", () => {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'UNAUTHORIZED',
        StatusCode: '401',
        ResponseTemplates: {
          'application/json': '{"error":{"code":"UNAUTHORIZED","message":"Missing or invalid token"}}',
        },
      });
    });
  });

  it('takes any OIDC issuer by URL, with no user pool and no secret', () => {
    const { template } = build(
      { users: { kind: 'oidc', issuerUrl: 'https://id.example.com/', audience: ['lantern', 'widget'] } },
      { chat: 'jwt', sessions: 'jwt' },
    );
    expect(variables(template, /Lambda authorizer/)).toMatchObject({
      USER_TOKEN_ISSUER: 'https://id.example.com/',
      USER_TOKEN_AUDIENCE: 'lantern,widget',
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  it('uses an existing user pool by id with its client ids, and refuses one without', () => {
    const { template } = build(
      { users: { kind: 'cognito', userPoolId: 'eu-west-1_AbC123', clientIds: ['client1', 'client2'] } },
      { chat: 'jwt' },
    );
    expect(variables(template, /Lambda authorizer/)).toMatchObject({
      COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      COGNITO_CLIENT_IDS: 'client1,client2',
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    expect(() =>
      build({ users: { kind: 'cognito', userPoolId: 'eu-west-1_AbC123', clientIds: [] } }, { chat: 'jwt' }),
    ).toThrow(/client ids/);
    expect(() => build({})).toThrow(/needs users/);
  });

  it('keeps API keys alone, and no session listing, where no group takes tokens', () => {
    const stack = constructStack();
    const fn = (id: string) => lanternFunction(stack, id);
    new ChatApi(stack, 'ChatApi', {
      ...chatApiFunctions(stack),
    });
    const template = Template.fromStack(stack);
    const routes = methods(template);
    expect(routes.find((m) => m.route === 'GET /v1/sessions')).toBeUndefined();
    const grouped = routes.filter((r) => r.route.includes('/v1/chat') || r.route.includes('/v1/sessions'));
    expect(grouped).toHaveLength(5);
    for (const m of grouped) {
      expect(m, m.route).toMatchObject({
        authorizationType: 'NONE',
        apiKeyRequired: true,
        authorizer: false,
      });
    }
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    expect(
      () =>
        new ChatApi(constructStack(), 'ChatApi', {
          chatFunction: fn('Chat2'),
          chatStreamFunction: fn('ChatStream2'),
          sessionsFunction: fn('Sessions2'),
          healthFunction: fn('Health2'),
          knowledgeBaseAdminFunction: fn('KbAdmin2'),
          auth: { chat: 'jwt' },
        }),
    ).toThrow(/needs a userAuthorizer/);
  });
});

describe('the Lantern app with token authentication', () => {
  const synth = unbundledSynthesizer();

  it('synthesizes clean under cdk-nag with a new user pool and visitor tokens, and lets sessions query the owner index', () => {
    const lantern = synth({ auth: 'jwt', cognitoUserPool: 'create', visitorTokens: 'true' });
    const template = lantern.statelessTemplate;
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    lantern.statefulTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'owner-createdAt',
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['sessionId', 'expiresAt'] },
        },
      ],
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Resource: unknown }>,
    );
    const listing = statements.filter((s) => s.Sid === 'ListOwnSessions');
    expect(listing).toHaveLength(1);
    expect(JSON.stringify(listing[0]?.Resource)).toContain('/index/owner-createdAt');
  });

  it('refuses token routes without an issuer, and issuers without token routes', () => {
    expect(() => synth({ auth: 'jwt' })).toThrow(/name their issuer/);
    expect(() => synth({ visitorTokens: 'true' })).toThrow(/no route takes tokens/);
    expect(() => synth({ auth: 'chat=maybe' })).toThrow(/Context "auth"/);
    expect(() => synth({ auth: 'jwt', oidcIssuer: 'https://id.example.com' })).toThrow(/oidcAudience/);
  });
});
