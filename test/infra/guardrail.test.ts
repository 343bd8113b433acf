import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { type GuardrailPolicy, guardrailPolicy } from '../../config/guardrail.ts';
import { LanternGuardrail } from '../../infra/constructs/guardrail.ts';

function synthesize(policy?: GuardrailPolicy) {
  const app = new App();
  const stack = new Stack(app, 'GuardrailTest');
  const guardrail = new LanternGuardrail(stack, 'Guardrail', policy === undefined ? {} : { policy });
  const role = new Role(stack, 'Caller', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  guardrail.grantApply(role);
  return { stack, guardrail, template: Template.fromStack(stack) };
}

const { stack, guardrail, template } = synthesize();

function guardrailProperties(t: Template = template): Record<string, unknown> {
  const resources = Object.values(t.findResources('AWS::Bedrock::Guardrail'));
  expect(resources).toHaveLength(1);
  return resources[0]?.Properties as Record<string, unknown>;
}

describe('LanternGuardrail', () => {
  it('names the guardrail and carries both blocked messages', () => {
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: 'lantern-support-guardrail',
      Description: guardrailPolicy.description,
      BlockedInputMessaging: guardrailPolicy.blockedInputMessaging,
      BlockedOutputsMessaging: guardrailPolicy.blockedOutputsMessaging,
    });
  });

  it('anonymizes PII in input and blocks card numbers in output, entity by entity', () => {
    const entities = (guardrailProperties().SensitiveInformationPolicyConfig as Record<string, unknown>)
      .PiiEntitiesConfig;
    expect(entities).toEqual(
      guardrailPolicy.sensitiveInformationPolicyConfig.piiEntitiesConfig.map((entity) => ({
        Type: entity.type,
        Action: entity.action,
        InputAction: entity.inputAction,
        OutputAction: entity.outputAction,
      })),
    );
    expect(entities).toEqual(
      expect.arrayContaining(
        ['EMAIL', 'PHONE', 'US_SOCIAL_SECURITY_NUMBER', 'IP_ADDRESS', 'AWS_ACCESS_KEY'].map((type) =>
          expect.objectContaining({ Type: type, InputAction: 'ANONYMIZE' }),
        ),
      ),
    );
    expect(entities).toContainEqual({
      Type: 'CREDIT_DEBIT_CARD_NUMBER',
      Action: 'ANONYMIZE',
      InputAction: 'ANONYMIZE',
      OutputAction: 'BLOCK',
    });
  });

  it('filters prompt attacks at HIGH on input and NONE on output, as AWS requires', () => {
    const filters = (guardrailProperties().ContentPolicyConfig as Record<string, unknown>).FiltersConfig;
    expect(filters).toContainEqual({ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' });
    expect(filters).toEqual(
      guardrailPolicy.contentPolicyConfig.filtersConfig.map((filter) => ({
        Type: filter.type,
        InputStrength: filter.inputStrength,
        OutputStrength: filter.outputStrength,
      })),
    );
    expect((filters as { Type: string }[]).map((filter) => filter.Type).sort()).toEqual(
      ['HATE', 'INSULTS', 'MISCONDUCT', 'PROMPT_ATTACK', 'SEXUAL', 'VIOLENCE'].sort(),
    );
  });

  it('denies the investment-advice topic with its definition and examples', () => {
    const [topic] = guardrailPolicy.topicPolicyConfig.topicsConfig;
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      TopicPolicyConfig: {
        TopicsConfig: [
          {
            Name: 'Investment advice',
            Type: 'DENY',
            Definition: topic.definition,
            Examples: [...topic.examples],
          },
        ],
      },
    });
  });

  it('blocks the managed profanity list and the custom words', () => {
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      WordPolicyConfig: {
        ManagedWordListsConfig: [{ Type: 'PROFANITY' }],
        WordsConfig: guardrailPolicy.wordPolicyConfig.wordsConfig.map((word) => ({ Text: word.text })),
      },
    });
  });

  it('leaves contextual grounding out unless asked, since AWS does not support it for chatbots', () => {
    expect(guardrailProperties()).not.toHaveProperty('ContextualGroundingPolicyConfig');
  });

  it('sets the contextual grounding thresholds when asked', () => {
    const stack = new Stack(new App(), 'GroundedGuardrail');
    new LanternGuardrail(stack, 'Guardrail', { contextualGrounding: true });
    Template.fromStack(stack).hasResourceProperties('AWS::Bedrock::Guardrail', {
      ContextualGroundingPolicyConfig: {
        FiltersConfig: [
          { Type: 'GROUNDING', Threshold: 0.7 },
          { Type: 'RELEVANCE', Threshold: 0.5 },
        ],
      },
    });
  });

  it('publishes a numbered version of the guardrail and exposes its id, ARN and version', () => {
    const guardrailLogicalId = Object.keys(template.findResources('AWS::Bedrock::Guardrail'))[0];
    template.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [guardrailLogicalId, 'GuardrailId'] },
      Description: Match.stringLikeRegexp('^Lantern guardrail policy [0-9a-f]{12}$'),
    });
    const versionLogicalId = Object.keys(template.findResources('AWS::Bedrock::GuardrailVersion'))[0];
    expect(stack.resolve(guardrail.guardrailId)).toEqual({
      'Fn::GetAtt': [guardrailLogicalId, 'GuardrailId'],
    });
    expect(stack.resolve(guardrail.guardrailArn)).toEqual({
      'Fn::GetAtt': [guardrailLogicalId, 'GuardrailArn'],
    });
    expect(stack.resolve(guardrail.guardrailVersion)).toEqual({
      'Fn::GetAtt': [versionLogicalId, 'Version'],
    });
  });

  it('publishes a new version when the policy changes', () => {
    const versionDescription = (t: Template) =>
      Object.values(t.findResources('AWS::Bedrock::GuardrailVersion'))[0]?.Properties.Description;
    const changed = synthesize({ ...guardrailPolicy, blockedOutputsMessaging: 'Something else.' });
    expect(versionDescription(changed.template)).not.toEqual(versionDescription(template));
    expect(versionDescription(synthesize().template)).toEqual(versionDescription(template));
  });

  it('grants bedrock:ApplyGuardrail on this guardrail only', () => {
    const guardrailLogicalId = Object.keys(template.findResources('AWS::Bedrock::Guardrail'))[0];
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'bedrock:ApplyGuardrail',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [guardrailLogicalId, 'GuardrailArn'] },
          },
        ],
      },
    });
  });
});
