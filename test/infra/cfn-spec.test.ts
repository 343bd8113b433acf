import { existsSync } from 'node:fs';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { composeLanternApp } from '../../infra/lantern-app.ts';
import { checkTemplate, loadCloudFormationSpec } from '../../infra/lib/cfn-spec.ts';
import {
  CONFLUENCE_CONTEXT,
  EVERYTHING_CONTEXT,
  MINIMAL_CONTEXT,
  synthesizeLantern,
  templatesOf,
} from './support/lantern-app.ts';

const spec = loadCloudFormationSpec();
const configurations = {
  default: {},
  'Confluence on S3 Vectors': CONFLUENCE_CONTEXT,
  'every option on': EVERYTHING_CONTEXT,
  'every option off': MINIMAL_CONTEXT,
};
const synthesized = Object.entries(configurations).map(
  ([name, context]) => [name, synthesizeLantern({ bundle: false, context })] as const,
);
afterAll(() => {
  for (const [, lantern] of synthesized) lantern.cleanUp();
});

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

describe.each(synthesized)('templates, %s', (_name, lantern) => {
  it('use only known resource types, properties and enum values, with every required property', () => {
    for (const template of templatesOf(lantern)) {
      expect(checkTemplate(template.toJSON(), spec)).toEqual([]);
    }
  });
});

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
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
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
