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
}

/** An AWS managed rule group, evaluated in the listed order. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/**
 * A regional AWS WAF web ACL on the API stage: Amazon's IP reputation list, the common rule set and
 * known bad inputs (all AWS managed, no subscription fee), and a per-IP rate limit. The common rule
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
      ],
    });

    new CfnWebACLAssociation(this, 'Association', {
      webAclArn: this.webAcl.attrArn,
      resourceArn: `arn:${stack.partition}:apigateway:${stack.region}::/restapis/${props.stage.restApi.restApiId}/stages/${props.stage.stageName}`,
    });
  }
}
