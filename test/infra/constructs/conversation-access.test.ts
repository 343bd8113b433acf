import { describe, expect, it } from 'vitest';
import { ConversationAccess } from '../../../infra/constructs/conversation-access.ts';
import { LanternGuardrail } from '../../../infra/constructs/guardrail.ts';
import { foundationModelArn, resolveGenerationModel } from '../../../infra/lib/bedrock-arns.ts';
import {
  constructStack,
  lanternFunction,
  onlyResource,
  sessionsTable,
  Template,
} from '../support/construct-stack.ts';
import { grantsByAction, statementsOfRole } from '../support/lantern-app.ts';

const KNOWLEDGE_BASE_ARN = 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678';

function build(options: { readonly model: string; readonly guardrail?: boolean }) {
  const stack = constructStack();
  const table = sessionsTable(stack);
  const model = resolveGenerationModel(stack, options.model);
  const guardrail = options.guardrail ? new LanternGuardrail(stack, 'Guardrail') : undefined;
  const access = new ConversationAccess(stack, 'Conversation', {
    table,
    knowledgeBaseArn: KNOWLEDGE_BASE_ARN,
    model,
    guardrail,
  });
  const answering = lanternFunction(stack, 'Answering');
  // Built but never granted: the policy must not reach it.
  lanternFunction(stack, 'Bystander');
  access.grantTo(answering);
  const template = Template.fromStack(stack);
  const grantsOf = (fnId: string) => {
    const { properties } = onlyResource(template, 'AWS::Lambda::Function', { Description: fnId });
    const role = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return grantsByAction(statementsOfRole(template, role));
  };
  return { stack, table, model, access, template, grantsOf };
}

describe('ConversationAccess', () => {
  describe('with a foundation model and no guardrail', () => {
    const { stack, table, model, access, template, grantsOf } = build({ model: 'amazon.nova-lite-v1:0' });

    it('grants the table, the knowledge base, the model and RetrieveAndGenerate to the functions it is given', () => {
      const grants = grantsOf('Answering');
      const tableArn = stack.resolve(table.tableArn);
      for (const action of ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'DeleteItem']) {
        expect(grants.get(`dynamodb:${action}`), action).toEqual([tableArn]);
      }
      expect(grants.get('bedrock:Retrieve')).toEqual([KNOWLEDGE_BASE_ARN]);
      expect(grants.get('bedrock:InvokeModel')).toEqual([stack.resolve(model.modelArn)]);
      expect(grants.get('bedrock:InvokeModelWithResponseStream')).toEqual([stack.resolve(model.modelArn)]);
      expect(grants.get('bedrock:RetrieveAndGenerate')).toEqual(['*']);
      expect(grants.has('bedrock:GetInferenceProfile')).toBe(false);
      expect(grants.has('bedrock:ApplyGuardrail')).toBe(false);
    });

    it('grants nothing to a function it was not given', () => {
      expect([...grantsOf('Bystander').keys()].filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    });

    it('publishes no guardrail version and sets no guardrail variables', () => {
      template.resourceCountIs('AWS::Bedrock::GuardrailVersion', 0);
      expect(access.environment).toEqual({});
      expect(access.guardrailVersion).toBeUndefined();
    });
  });

  describe('with an inference profile and a guardrail', () => {
    const { stack, model, access, template, grantsOf } = build({
      model: 'us.amazon.nova-lite-v1:0',
      guardrail: true,
    });

    it("allows the profile's model in every region only through the profile", () => {
      const grants = grantsOf('Answering');
      expect(grants.get('bedrock:GetInferenceProfile')).toEqual([stack.resolve(model.modelArn)]);
      const through = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .find((statement) => statement.Sid === 'GenerateThroughTheInferenceProfile');
      expect(model.routedFoundationModelArns).toHaveLength(1);
      expect(through).toMatchObject({
        Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        // One ARN (the model in any region), which IAM writes as a string rather than a list.
        Resource: stack.resolve(model.routedFoundationModelArns[0]),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': stack.resolve(model.modelArn) } },
      });
    });

    it('publishes a guardrail version named after the policy digest, and names it in the variables', () => {
      // The guardrail construct publishes its own version too; this one is the construct's.
      const version = access.guardrailVersion;
      if (!version) throw new Error('No guardrail version');
      const id = stack.getLogicalId(version);
      const properties = template.toJSON().Resources[id].Properties;
      expect(properties.Description).toMatch(/^Lantern guardrail policy [0-9a-f]{12}$/);
      expect(stack.resolve(access.environment.GUARDRAIL_VERSION)).toEqual({ 'Fn::GetAtt': [id, 'Version'] });
      expect(stack.resolve(access.environment.GUARDRAIL_ID)).toEqual(properties.GuardrailIdentifier);
    });

    it('lets the functions it is given apply the guardrail', () => {
      expect(grantsOf('Answering').get('bedrock:ApplyGuardrail')).toHaveLength(1);
      expect(grantsOf('Bystander').has('bedrock:ApplyGuardrail')).toBe(false);
    });
  });

  describe("with the answer profiles' models and a rerank model", () => {
    const stack = constructStack();
    const lite = resolveGenerationModel(stack, 'us.amazon.nova-lite-v1:0');
    const pro = resolveGenerationModel(stack, 'eu.amazon.nova-pro-v1:0');
    const micro = resolveGenerationModel(stack, 'amazon.nova-micro-v1:0');
    const access = new ConversationAccess(stack, 'Conversation', {
      table: sessionsTable(stack),
      knowledgeBaseArn: KNOWLEDGE_BASE_ARN,
      model: lite,
      additionalModels: [micro, pro, lite],
      rerankModelIds: ['cohere.rerank-v3-5:0', 'cohere.rerank-v3-5:0'],
    });
    const answering = lanternFunction(stack, 'Answering');
    access.grantTo(answering);
    const template = Template.fromStack(stack);
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const sid = (name: string) => statements.find((statement) => statement.Sid === name);

    it("grants each model once, and each inference profile's models only through that profile", () => {
      expect(sid('GenerateWithTheModel')?.Resource).toEqual(
        [lite, micro, pro].map((model) => stack.resolve(model.modelArn)),
      );
      expect(sid('ReadTheInferenceProfile')?.Resource).toEqual(
        [lite, pro].map((model) => stack.resolve(model.modelArn)),
      );
      for (const [name, model] of [
        ['GenerateThroughTheInferenceProfile', lite],
        ['GenerateThroughTheInferenceProfile2', pro],
      ] as const) {
        expect(sid(name)).toMatchObject({
          Resource: stack.resolve(model.routedFoundationModelArns[0]),
          Condition: { StringEquals: { 'bedrock:InferenceProfileArn': stack.resolve(model.modelArn) } },
        });
      }
    });

    it('lets the answering roles rerank, with the rerank model in the region only', () => {
      expect(sid('Rerank')).toMatchObject({ Action: 'bedrock:Rerank', Resource: '*' });
      expect(sid('InvokeTheRerankModels')).toMatchObject({
        Action: 'bedrock:InvokeModel',
        Resource: stack.resolve(foundationModelArn(stack, 'cohere.rerank-v3-5:0')),
      });
    });
  });
});
