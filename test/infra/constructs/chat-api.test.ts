import { TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import openApiDocument from '../../../functions/openapi/openapi.json' with { type: 'json' };
import { apiRoutes } from '../../../functions/openapi/routes.ts';
import { ChatApi, type ChatApiProps } from '../../../infra/constructs/chat-api.ts';
import {
  apiMethods,
  chatApiFunctions,
  constructStack,
  lanternFunction,
  onlyResource,
  Template,
} from '../support/construct-stack.ts';

function build(options: Partial<ChatApiProps> & { readonly slack?: boolean } = {}) {
  const stack = constructStack();
  const fn = (id: string) => lanternFunction(stack, id);
  const { slack = true, ...rest } = options;
  const props: ChatApiProps = {
    ...chatApiFunctions(stack),
    openApiFunction: fn('OpenApi'),
    ...(slack ? { slackEventsFunction: fn('SlackEvents') } : {}),
    ...rest,
  };
  // Not behind the API: a worker-like function the construct must leave alone.
  const unrouted = fn('Worker');
  const chatApi = new ChatApi(stack, 'ChatApi', props);
  return { stack, chatApi, props, unrouted, template: Template.fromStack(stack) };
}

const variablesOf = (template: Template, description: string) =>
  onlyResource(template, 'AWS::Lambda::Function', { Description: description }).properties.Environment as {
    Variables: Record<string, unknown>;
  };

const gatewayResponses = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGateway::GatewayResponse')).map(
    (response) => response.Properties as { ResponseType: string; ResponseParameters: Record<string, string> },
  );

describe('ChatApi', () => {
  describe('for every origin (no allow-list)', () => {
    const { chatApi, template } = build();

    it('tells every function behind a route that any origin may read its answers, and no other function', () => {
      expect(chatApi.routedFunctions).toHaveLength(7);
      for (const id of ['Chat', 'ChatStream', 'Sessions', 'Health', 'OpenApi', 'SlackEvents', 'KbAdmin']) {
        expect(variablesOf(template, id).Variables, id).toMatchObject({ CORS_ALLOW_ORIGINS: '*' });
      }
      expect(variablesOf(template, 'Worker').Variables).not.toHaveProperty('CORS_ALLOW_ORIGINS');
      expect(chatApi.corsAllowOrigins).toBe('*');
    });

    it("answers gateway errors with Access-Control-Allow-Origin '*' and never echoes the request's origin", () => {
      const responses = gatewayResponses(template);
      expect(responses.map((r) => r.ResponseType)).toEqual(
        expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'INVALID_API_KEY', 'THROTTLED']),
      );
      for (const response of responses) {
        expect(response.ResponseParameters, response.ResponseType).toEqual({
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        });
      }
      expect(JSON.stringify(template.toJSON())).not.toContain('method.request.header.origin');
    });

    it('routes Slack events without a key, outputs its URL, and serves the admin routes with IAM only', () => {
      expect(chatApi.slackRequestUrl).toBeDefined();
      const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).map(
        (m) => m.Properties,
      );
      const iam = methods.filter((m) => m.AuthorizationType === 'AWS_IAM');
      expect(iam).toHaveLength(3);
      for (const method of iam) expect(method.ApiKeyRequired).toBe(false);
      template.resourceCountIs('AWS::ApiGateway::ApiKey', 1);
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: 'lantern-default',
        Throttle: { RateLimit: 10, BurstLimit: 20 },
        Quota: { Limit: 100_000, Period: 'MONTH' },
      });
    });

    it('serves the OpenAPI description without a key, throttled at the stage like health', () => {
      const stage = onlyResource(template, 'AWS::ApiGateway::Stage').properties;
      expect(stage.MethodSettings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ResourcePath: '/~1v1~1openapi.json',
            HttpMethod: 'GET',
            ThrottlingRateLimit: 10,
            ThrottlingBurstLimit: 20,
          }),
        ]),
      );
    });

    it("leaves out RestApi's Endpoint output (the stack names its own) and adds no web ACL", () => {
      expect(Object.keys(template.toJSON().Outputs ?? {})).toEqual([]);
      template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      expect(chatApi.firewall).toBeUndefined();
    });
  });

  describe('with an allow-list', () => {
    const origins = ['https://app.example.com', 'http://localhost:5173'];
    const { chatApi, template } = build({ corsAllowOrigins: origins, slack: false, waf: true });

    it('gives every routed function the allowed origins, joined with commas', () => {
      for (const id of ['Chat', 'ChatStream', 'Sessions', 'Health', 'OpenApi', 'KbAdmin']) {
        expect(variablesOf(template, id).Variables, id).toMatchObject({
          CORS_ALLOW_ORIGINS: 'https://app.example.com,http://localhost:5173',
        });
      }
      expect(chatApi.routedFunctions).toHaveLength(6);
    });

    it('answers gateway errors with the first origin and Vary: Origin, never an echo of the request', () => {
      for (const response of gatewayResponses(template)) {
        expect(response.ResponseParameters, response.ResponseType).toEqual({
          'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
          'gatewayresponse.header.Vary': "'Origin'",
        });
      }
      expect(JSON.stringify(template.toJSON())).not.toContain('method.request.header.origin');
    });

    it('answers preflights for the listed origins only', () => {
      const preflight = Object.values(template.findResources('AWS::ApiGateway::Method')).find(
        (method) => method.Properties.HttpMethod === 'OPTIONS',
      );
      const integration = JSON.stringify(preflight?.Properties.Integration);
      expect(integration).toContain('https://app.example.com');
      expect(integration).toContain('http://localhost:5173');
      expect(integration).not.toContain("'*'");
    });

    it('has no Slack route, and puts the web ACL on the stage', () => {
      expect(chatApi.slackRequestUrl).toBeUndefined();
      expect(JSON.stringify(template.toJSON())).not.toContain('"PathPart":"slack"');
      template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      expect(chatApi.firewall).toBeDefined();
    });
  });

  it('refuses * beside named origins', () => {
    expect(() => build({ corsAllowOrigins: ['*', 'https://app.example.com'] })).toThrow(/cannot be listed/);
  });

  it('treats * alone as every origin', () => {
    const { chatApi, template } = build({ corsAllowOrigins: ['*'] });
    expect(chatApi.corsAllowOrigins).toBe('*');
    expect(gatewayResponses(template)[0]?.ResponseParameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
    });
  });
});

describe('ChatApi against the OpenAPI description', () => {
  /** Each served method (`METHOD /path`) and how API Gateway authenticates it. */
  function served(template: Template): Record<string, string> {
    return Object.fromEntries(
      apiMethods(template).map(({ route, properties: method }) => {
        const schemes = [
          ...(method.AuthorizationType === 'AWS_IAM' ? ['iam'] : []),
          ...(method.ApiKeyRequired ? ['apiKey'] : []),
          ...(method.AuthorizationType === 'CUSTOM' ? ['userToken'] : []),
        ];
        return [route, schemes.sort().join('+') || 'none'];
      }),
    );
  }

  /** Each described operation and its security alternatives; Slack's signature is the function's to check. */
  const described: Record<string, string[]> = Object.fromEntries(
    Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { security: Record<string, unknown>[] }>).map(
        ([method, operation]) => [
          `${method.toUpperCase()} ${path}`,
          operation.security.length === 0
            ? ['none']
            : operation.security.map(
                (requirement) =>
                  Object.keys(requirement)
                    .filter((scheme) => scheme !== 'slackSignature')
                    .sort()
                    .join('+') || 'none',
              ),
        ],
      ),
    ),
  );
  const conditional = new Set(
    apiRoutes
      .filter((route) => route.servedOnlyWith)
      .map((route) => `${route.method.toUpperCase()} ${route.path}`),
  );

  function expectDescribed(routes: Record<string, string>, expected: string[]) {
    expect(Object.keys(routes).sort()).toEqual(expected.sort());
    for (const [route, security] of Object.entries(routes))
      expect(described[route], route).toContain(security);
  }

  it('serves, with API keys, every unconditional operation, each with one of its described security alternatives', () => {
    const { template } = build();
    expectDescribed(
      served(template),
      Object.keys(described).filter((route) => !conditional.has(route)),
    );
  });

  it('serves every operation with tokens and visitor tokens, the token listing and the visitor-token route included', () => {
    const stack = constructStack();
    const fn = (id: string) => lanternFunction(stack, id);
    new ChatApi(stack, 'ChatApi', {
      ...chatApiFunctions(stack),
      openApiFunction: fn('OpenApi'),
      slackEventsFunction: fn('SlackEvents'),
      userAuthorizer: new TokenAuthorizer(stack, 'TokenAuthorizer', { handler: fn('Authorizer') }),
      auth: { chat: 'both', sessions: 'jwt' },
      visitorTokensFunction: fn('VisitorTokens'),
    });
    expectDescribed(served(Template.fromStack(stack)), Object.keys(described));
  });

  describe('with answer profiles', () => {
    const { chatApi, template } = build({
      usagePlan: { rateLimit: 10, burstLimit: 20, monthlyQuota: 1000 },
      profileKeys: [{ profile: 'gold', usagePlan: { rateLimit: 50, burstLimit: 100 } }, { profile: 'basic' }],
    });
    const planOf = (keyId: string) =>
      Object.values(template.findResources('AWS::ApiGateway::UsagePlanKey')).find(
        (link) => JSON.stringify(link.Properties.KeyId) === JSON.stringify(keyId),
      )?.Properties.UsagePlanId;

    it("gives each profile a named key: its own plan with its tier (the default plan's quota when it sets none), or the default plan", () => {
      const keys = chatApi.profileApiKeys;
      expect([...keys.keys()]).toEqual(['gold', 'basic']);
      template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'lantern-gold' });
      template.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'lantern-basic' });
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        UsagePlanName: 'lantern-gold',
        Throttle: { RateLimit: 50, BurstLimit: 100 },
        Quota: { Limit: 1000, Period: 'MONTH' },
      });
      const resolve = (key: unknown) => chatApi.api.stack.resolve((key as { keyId: string }).keyId);
      const defaultPlan = chatApi.api.stack.resolve(chatApi.usagePlan.usagePlanId);
      expect(planOf(resolve(keys.get('basic')))).toEqual(defaultPlan);
      expect(planOf(resolve(keys.get('gold')))).toEqual(
        chatApi.api.stack.resolve(chatApi.profileUsagePlans.get('gold')?.usagePlanId),
      );
      expect(chatApi.profileUsagePlans.has('basic')).toBe(false);
    });

    it('refuses a profile listed twice, which would leave one of its keys without a profile', () => {
      expect(() => build({ profileKeys: [{ profile: 'gold' }, { profile: 'gold' }] })).toThrow(
        /Answer profile "gold" is listed twice/,
      );
    });
  });
});
