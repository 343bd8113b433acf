import { App, Validations } from 'aws-cdk-lib';
import { TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKEN_REQUESTS_PER_5_MINUTES,
  tokenRoutePattern,
} from '../../infra/constructs/api-firewall.ts';
import { ChatApi, noWafReason } from '../../infra/constructs/chat-api.ts';
import { readSettings } from '../../infra/lib/settings.ts';
import { chatApiFunctions, constructStack, lanternFunction } from './support/construct-stack.ts';
import { type SynthesizedLantern, unbundledSynthesizer } from './support/lantern-app.ts';

const synth = unbundledSynthesizer();
const OIDC = { oidcIssuer: 'https://issuer.example.com', oidcAudience: 'lantern' } as const;

type Rule = {
  Name: string;
  Priority: number;
  Action?: unknown;
  Statement: Record<string, unknown>;
  VisibilityConfig?: unknown;
};
const rulesOf = (lantern: SynthesizedLantern): Rule[] => {
  const acls = Object.values(lantern.statelessTemplate.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]?.Properties.Rules as Rule[];
};

/** The reason the stack's API stage gives for going without a web ACL, if it gives one. */
function apig3Reason(lantern: SynthesizedLantern): string | undefined {
  for (const construct of lantern.stateless.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (id.replace(/^annotation::/i, '') === 'AwsSolutions-APIG3') return reason;
      }
    }
  }
  return undefined;
}

const settings = (context: Record<string, unknown>) =>
  readSettings(new App({ context: { region: 'us-east-1', ...context } }).node);

describe('per-token rate limit (WAF)', () => {
  it('blocks a token past -c tokenRateLimit requests in 5 minutes, counted per Authorization value on the token routes only', () => {
    const rules = rulesOf(synth({ auth: 'jwt', ...OIDC, waf: 'true', tokenRateLimit: '120' }));
    const rule = rules.find((r) => r.Name === 'RateLimitPerToken');
    expect(rule).toEqual({
      Name: 'RateLimitPerToken',
      Priority: Math.max(...rules.filter((r) => r !== rule).map((r) => r.Priority)) + 1,
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: 120,
          EvaluationWindowSec: 300,
          AggregateKeyType: 'CUSTOM_KEYS',
          CustomKeys: [
            { Header: { Name: 'Authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
          ],
          ScopeDownStatement: {
            RegexMatchStatement: {
              RegexString: tokenRoutePattern(['chat', 'sessions']),
              FieldToMatch: { UriPath: {} },
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
            },
          },
        },
      },
      VisibilityConfig: {
        CloudWatchMetricsEnabled: true,
        MetricName: 'RateLimitPerToken',
        SampledRequestsEnabled: true,
      },
    });
    // The per-IP limit stays beside it.
    expect(rules.map((r) => r.Name)).toContain('RateLimitPerIp');
  });

  it("answers a blocked request in Lantern's error shape, 403 FORBIDDEN, not the default 4xx's BAD_REQUEST", () => {
    const lantern = synth({ auth: 'jwt', ...OIDC, waf: 'true' });
    const responses = Object.values(
      lantern.statelessTemplate.findResources('AWS::ApiGateway::GatewayResponse'),
    );
    const filtered = responses.filter((r) => r.Properties.ResponseType === 'WAF_FILTERED');
    expect(filtered).toHaveLength(1);
    expect(filtered[0]?.Properties.StatusCode).toBe('403');
    expect(JSON.parse(filtered[0]?.Properties.ResponseTemplates['application/json'])).toEqual({
      error: { code: 'FORBIDDEN', message: 'Request blocked' },
    });
  });

  it('scopes the rule to the groups that take tokens, with or without the stage in the path', () => {
    const pattern = new RegExp(tokenRoutePattern(['chat', 'sessions']));
    for (const path of [
      '/prod/v1/chat',
      '/prod/v1/chat/stream',
      '/v1/sessions',
      '/prod/v1/sessions/abc/feedback',
    ]) {
      expect(pattern.test(path), path).toBe(true);
    }
    for (const path of [
      '/prod/v1/health',
      '/prod/v1/visitor-tokens',
      '/prod/v1/admin/knowledge-base/sync',
      '/prod/v1/slack/events',
      '/prod/v1/chatter',
      '/a/b/v1/chat',
    ]) {
      expect(pattern.test(path), path).toBe(false);
    }
    const chatOnly = new RegExp(tokenRoutePattern(['chat']));
    expect(chatOnly.test('/prod/v1/chat/stream')).toBe(true);
    expect(chatOnly.test('/prod/v1/sessions/abc')).toBe(false);
  });

  it('defaults the limit and follows a per-group auth setting', () => {
    const rule = rulesOf(synth({ auth: 'chat=jwt,sessions=api-key', ...OIDC, waf: 'true' })).find(
      (r) => r.Name === 'RateLimitPerToken',
    );
    if (!rule) throw new Error('no RateLimitPerToken rule');
    const statement = (rule.Statement as { RateBasedStatement: Record<string, unknown> }).RateBasedStatement;
    expect(statement.Limit).toBe(DEFAULT_TOKEN_REQUESTS_PER_5_MINUTES);
    expect(statement.ScopeDownStatement).toMatchObject({
      RegexMatchStatement: { RegexString: tokenRoutePattern(['chat']) },
    });
  });

  it('adds no per-token rule where only API keys are taken (the usage plan counts them)', () => {
    const names = rulesOf(synth({ waf: 'true' })).map((r) => r.Name);
    expect(names).toContain('RateLimitPerIp');
    expect(names).not.toContain('RateLimitPerToken');
  });

  it('refuses a token limit nothing would enforce, naming the setting', () => {
    expect(() => settings({ auth: 'jwt', ...OIDC, tokenRateLimit: '100' })).toThrow(
      /"tokenRateLimit" is enforced by the WAF: add -c waf=true/,
    );
    expect(() => settings({ waf: 'true', tokenRateLimit: '100' })).toThrow(
      /"tokenRateLimit" needs a route that takes tokens/,
    );
    expect(() => settings({ auth: 'jwt', ...OIDC, waf: 'true', tokenRateLimit: '5' })).toThrow(
      /"tokenRateLimit" must be an integer from 10/,
    );
    expect(settings({ auth: 'jwt', ...OIDC, waf: 'true', tokenRateLimit: '100' }).identity?.auth).toEqual({
      chat: 'jwt',
      sessions: 'jwt',
      tokenRateLimit: 100,
    });
    const stack = constructStack();
    const fn = (id: string) => lanternFunction(stack, id);
    expect(
      () =>
        new ChatApi(stack, 'ChatApi', {
          ...chatApiFunctions(stack),
          userAuthorizer: new TokenAuthorizer(stack, 'TokenAuthorizer', { handler: fn('Authorizer') }),
          auth: { chat: 'jwt', sessions: 'jwt', tokenRateLimit: 100 },
        }),
    ).toThrow(/needs waf/);
  });
});

describe("cdk-nag's missing-WAF reason (AwsSolutions-APIG3)", () => {
  it('says every route but the public ones needs an API key only when that is so', () => {
    const reason = apig3Reason(synth({}));
    expect(reason).toBe(noWafReason([]));
    expect(reason).toMatch(/every route but health, the OpenAPI description and Slack needs an API key/);
  });

  it('names the token routes and the missing per-token limit when routes take tokens', () => {
    for (const [auth, groups] of [
      ['jwt', ['chat', 'sessions']],
      ['both', ['chat', 'sessions']],
      ['chat=jwt,sessions=api-key', ['chat']],
    ] as const) {
      const reason = apig3Reason(synth({ auth, ...OIDC }));
      expect(reason, auth).toBe(noWafReason(groups));
      expect(reason, auth).not.toMatch(/every route but/);
      expect(reason, auth).toMatch(/bearer token the Lambda authorizer verifies/);
      expect(reason, auth).toMatch(/held back only by the stage throttle/);
    }
    expect(noWafReason(['chat'])).toContain('/v1/chat* take');
    expect(noWafReason(['chat'])).not.toContain('/v1/sessions*');
  });

  it('is not given once the WAF is on', () => {
    expect(apig3Reason(synth({ auth: 'jwt', ...OIDC, waf: 'true' }))).toBeUndefined();
  });
});
