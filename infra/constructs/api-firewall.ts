import { Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Props of {@link ApiFirewall}. */
export interface ApiFirewallProps {
  /** The API stage to protect. */
  readonly stage: Stage;
  /** Requests one IP address may make in any 5 minutes before it is blocked. @default 1,000 */
  readonly requestsPerIpPer5Minutes?: number;
  /**
   * The route groups that take bearer tokens, and how many requests one token may make on them in
   * any 5 minutes. API Gateway's usage plans count API keys only, so without this a signed-in user or
   * a visitor is held back only by the per-IP limit and the stage throttle. @default no per-token limit
   */
  readonly tokenRoutes?: {
    readonly groups: readonly TokenRouteGroup[];
    /** @default {@link DEFAULT_TOKEN_REQUESTS_PER_5_MINUTES} */
    readonly requestsPerTokenPer5Minutes?: number;
  };
}

/** The route groups a token can be sent to: `/v1/chat*` and `/v1/sessions*`. */
export type TokenRouteGroup = 'chat' | 'sessions';

/**
 * One request a second on average: a person types far slower, and a widget that lists and reopens
 * sessions stays well under it; a script replaying one token does not.
 */
export const DEFAULT_TOKEN_REQUESTS_PER_5_MINUTES = 300;

/**
 * The token routes' paths, with or without one leading segment: on the execute-api host WAF sees the
 * stage name first (`/prod/v1/chat`), on a custom domain the base path, if any.
 */
export function tokenRoutePattern(groups: readonly TokenRouteGroup[]): string {
  return `^(/[^/]+)?/v1/(${[...new Set(groups)].sort().join('|')})(/|$)`;
}

/** An AWS managed rule group, evaluated in the listed order. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * A regional AWS WAF web ACL on the API stage: Amazon's IP reputation list, the common rule set and
 * known bad inputs (all AWS managed, no subscription fee), a per-IP rate limit, and with token routes
 * a per-token one (keyed on the Authorization header). The common rule
 * set's 8 KB body-size rule only counts: Slack event payloads can be larger, and the handlers cap
 * bodies themselves (64 KB for the API, 200 KB for Slack).
 */
export class ApiFirewall extends Construct {
  public readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Lantern API: managed protections and a per-IP rate limit',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('lantern-api'),
      rules: [
        ...MANAGED_RULE_GROUPS.map(
          (name, priority): CfnWebACL.RuleProperty => ({
            name,
            priority,
            overrideAction: { none: {} },
            statement: {
              managedRuleGroupStatement: {
                vendorName: 'AWS',
                name,
                ...(name === 'AWSManagedRulesCommonRuleSet'
                  ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
                  : {}),
              },
            },
            visibilityConfig: visibility(name),
          }),
        ),
        {
          name: 'RateLimitPerIp',
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.requestsPerIpPer5Minutes ?? 1000,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...(props.tokenRoutes?.groups.length
          ? [
              {
                name: 'RateLimitPerToken',
                priority: MANAGED_RULE_GROUPS.length + 1,
                action: { block: {} },
                statement: {
                  rateBasedStatement: {
                    limit:
                      props.tokenRoutes.requestsPerTokenPer5Minutes ?? DEFAULT_TOKEN_REQUESTS_PER_5_MINUTES,
                    evaluationWindowSec: 300,
                    // The header as sent, untransformed: each distinct token is its own caller. A request
                    // without the header is not counted here (API Gateway refuses it with a 401 anyway).
                    aggregateKeyType: 'CUSTOM_KEYS',
                    customKeys: [
                      {
                        header: {
                          name: 'Authorization',
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      },
                    ],
                    // Only where a token is a caller's identity: the IAM admin routes send SigV4 in the
                    // same header, a new value on every request, which would only fill the rule's counters.
                    scopeDownStatement: {
                      regexMatchStatement: {
                        regexString: tokenRoutePattern(props.tokenRoutes.groups),
                        fieldToMatch: { uriPath: {} },
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  },
                },
                visibilityConfig: visibility('RateLimitPerToken'),
              } satisfies CfnWebACL.RuleProperty,
            ]
          : []),
      ],
    });

    new CfnWebACLAssociation(this, 'Association', {
      webAclArn: this.webAcl.attrArn,
      resourceArn: `arn:${stack.partition}:apigateway:${stack.region}::/restapis/${props.stage.restApi.restApiId}/stages/${props.stage.stageName}`,
    });
  }
}
