import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { composeLanternApp } from '../../infra/lantern-app.ts';
import { checkTemplate, loadCloudFormationSpec } from '../../infra/lib/cfn-spec.ts';
import {
  CONFLUENCE_CONTEXT,
  EVERYTHING_CONTEXT,
  MINIMAL_CONTEXT,
  type SynthesizedLantern,
  synthesizeLantern,
  templatesOf,
} from './support/lantern-app.ts';

/**
 * What runs on every `cdk synth`: cdk-nag's AwsSolutions pack and the check against the CloudFormation
 * resource specification, on the default app, with every option on and with every option off.
 */
interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly severity?: string }>;
  }>;
}

/** Every acknowledgement in the app: rule id, reason, and the construct path it covers. */
function acknowledgements(lantern: SynthesizedLantern): { id: string; reason: string; path: string }[] {
  const found: { id: string; reason: string; path: string }[] = [];
  for (const construct of lantern.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ id: id.replace(/^annotation::/i, ''), reason, path: construct.node.path });
      }
    }
  }
  return found;
}

// Findings do not depend on the bundle's content: skip esbuild.
const configurations = {
  default: {},
  'every option on': EVERYTHING_CONTEXT,
  'every option off': MINIMAL_CONTEXT,
  // Two profiles: a second model, an inference profile, reranking (bedrock:Rerank on *), a key and plan each.
  'answer profiles': { profiles: 'test/infra/fixtures/answer-profiles.json' },
} as const;
const synthesized = Object.entries(configurations).map(
  ([name, context]) => [name, synthesizeLantern({ bundle: false, context })] as const,
);
afterAll(() => {
  for (const [, lantern] of synthesized) lantern.cleanUp();
});

describe.each(synthesized)('cdk-nag AwsSolutions, %s', (_name, lantern) => {
  it('reports no unacknowledged error or warning, and no CloudFormation spec violation', () => {
    const report: ValidationReport = JSON.parse(
      readFileSync(join(lantern.assembly.directory, 'validation-report.json'), 'utf8'),
    );
    const violations = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((violation) => `${plugin.pluginName}: ${violation.ruleName}`),
    );
    expect(violations).toEqual([]);
  });

  it('leaves no CDK warning or error annotation on either stack, but the model advisories', () => {
    for (const stack of [lantern.stateful, lantern.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
      // The third-party models of these option sets draw Lantern's first-use advisories (lantern-app.ts), on purpose.
      const warnings = Annotations.fromStack(stack)
        .findWarning('*', Match.anyValue())
        .filter(
          (warning) =>
            !/\[ack: lantern:(generation-model|answer-profiles)\]$/.test(String(warning.entry.data)),
        );
      expect(warnings).toEqual([]);
    }
  });

  it('acknowledges each finding on a specific construct, with a reason', () => {
    const acks = acknowledgements(lantern);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(ack.reason.length).toBeGreaterThan(40);
      // Never on a whole stack or the app: always on the resource (or construct) that raised it.
      expect(ack.path.split('/').length).toBeGreaterThan(1);
    }
    // Wildcard-permission acknowledgements name the exact wildcard they accept.
    expect(
      acks.filter((ack) => ack.id.startsWith('AwsSolutions-IAM')).every((ack) => ack.id.includes('[')),
    ).toBe(true);
  });

  it('acknowledges only findings that actually occur', () => {
    // Run the same checks with every acknowledgement ignored, to see the raw findings.
    const pack = new AwsSolutionsChecks();
    Object.assign(pack, { isAcknowledged: () => false });
    const raw = pack.validateScope(lantern.app).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({
        id: violation.ruleName,
        path: resource.constructPath,
      })),
    );
    const stale = acknowledgements(lantern).filter(
      (ack) => !raw.some((finding) => finding.id === ack.id && `${finding.path}/`.startsWith(`${ack.path}/`)),
    );
    expect(stale).toEqual([]);
  });
});

describe('cdk-nag on the options', () => {
  const [, everything] = synthesized[1] as (typeof synthesized)[number];
  const ids = (lantern: SynthesizedLantern) => acknowledgements(lantern).map((ack) => ack.id);

  it('does not excuse the missing WAF once -c waf=true adds one', () => {
    expect(ids(synthesized[0]?.[1] as SynthesizedLantern)).toContain('AwsSolutions-APIG3');
    expect(ids(everything)).not.toContain('AwsSolutions-APIG3');
  });

  it('accepts the any-region model grant of an inference profile only for that model', () => {
    expect(ids(everything)).toContain(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0]',
    );
  });
});

const spec = loadCloudFormationSpec();
const confluenceOnS3Vectors = synthesizeLantern({ bundle: false, context: CONFLUENCE_CONTEXT });
afterAll(confluenceOnS3Vectors.cleanUp);

describe('the CloudFormation resource specification shipped with the CDK CLI', () => {
  it('is the aws-cdk package database, and knows the resource types Lantern uses', () => {
    expect(spec.source).toMatch(/node_modules\/aws-cdk\/db\.json\.gz$/);
    expect(existsSync(spec.source)).toBe(true);
    expect(spec.resources.size).toBeGreaterThan(1000);
    for (const type of [
      'AWS::S3Vectors::Index',
      'AWS::Bedrock::KnowledgeBase',
      'AWS::OpenSearchServerless::Index',
    ]) {
      expect(spec.resources.has(type), type).toBe(true);
    }
  });
});

describe.each([...synthesized, ['Confluence on S3 Vectors', confluenceOnS3Vectors] as const])(
  'templates, %s',
  (_name, lantern) => {
    it('use only known resource types, properties and enum values, with every required property', () => {
      for (const template of templatesOf(lantern)) {
        expect(checkTemplate(template.toJSON(), spec)).toEqual([]);
      }
    });
  },
);

describe('the check', () => {
  const template = {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30, FifoQueu: true } },
      Method: {
        Type: 'AWS::ApiGateway::Method',
        Properties: {
          HttpMethod: 'POST',
          ResourceId: 'abc',
          RestApiId: 'def',
          Integration: { Type: 'AWS_PROXY', ResponseTransferMode: 'STREAMING', TimeoutInMillis: 'soon' },
        },
      },
      Guardrail: { Type: 'AWS::Bedrock::Guardrail', Properties: { Name: 'g', BlockedInputMessaging: 'no' } },
      Widget: { Type: 'AWS::Acme::Widget', Properties: {} },
      Custom: { Type: 'Custom::Anything', Properties: { Whatever: { 'Fn::GetAtt': ['Queue', 'Nope'] } } },
      Intrinsic: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: { Ref: 'Missing' },
          QueueName: { 'Fn::GetAtt': ['Queue', 'QueueName'] },
        },
      },
    },
  };
  const problems = checkTemplate(template, spec).map((p) => `${p.logicalId} ${p.location}: ${p.message}`);

  it('reports unknown properties, invalid enum values, wrong types and missing required properties', () => {
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Queue Properties\/FifoQueu: unknown property/),
        expect.stringMatching(
          /^Method Properties\/Integration\/ResponseTransferMode: "STREAMING" is not one of BUFFERED, STREAM/,
        ),
        expect.stringMatching(/^Method Properties\/Integration\/TimeoutInMillis: expected a number/),
        expect.stringMatching(/^Guardrail Properties\/BlockedOutputsMessaging: required property is missing/),
        expect.stringMatching(/^Widget Type: unknown resource type AWS::Acme::Widget/),
      ]),
    );
  });

  it('reports references to unknown resources and attributes, and leaves custom resources and intrinsics alone', () => {
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Custom \/Properties\/Whatever: AWS::SQS::Queue has no attribute Nope/),
        expect.stringMatching(/^Intrinsic \/Properties\/VisibilityTimeout: Ref to unknown Missing/),
      ]),
    );
    expect(problems.filter((p) => p.startsWith('Intrinsic Properties'))).toEqual([]);
    expect(problems).toHaveLength(7);
  });

  it("runs on every synthesis of the app, next to aws-cdk-lib's CloudFormation Validate, and either fails it", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], region: 'us-east-1' } });
    const { stateless } = composeLanternApp(app);
    new CfnResource(Stack.of(stateless), 'Typo', {
      type: 'AWS::SQS::Queue',
      properties: { VisibiltyTimeout: 30 },
    });
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('ValidationFailed');
    expect(message).toMatch(/ERROR .*unknown property .*\(cloudformation-spec\)/);
    expect(message).toMatch(/ERROR VisibiltyTimeout.*\(CloudFormation Validate\)/);
  });
});
