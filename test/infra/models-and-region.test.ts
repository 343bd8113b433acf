import { App } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { composeLanternApp } from '../../infra/lantern-app.ts';
import { readRegion } from '../../infra/lib/settings.ts';
import {
  CONFLUENCE_CONTEXT,
  statementsOfRole,
  templatesOf,
  unbundledSynthesizer,
} from './support/lantern-app.ts';

const synth = unbundledSynthesizer();
const chatModelArn = (context: Record<string, unknown>) => {
  const t = synth(context).statelessTemplate;
  const chat = Object.values(t.findResources('AWS::Lambda::Function')).find((fn) =>
    String(fn.Properties.Description).startsWith('POST /v1/chat:'),
  );
  return JSON.stringify(chat?.Properties.Environment.Variables.MODEL_ARN);
};
/** Composes without synthesizing: enough to see what the settings check says. */
const compose = (context: Record<string, unknown>) =>
  composeLanternApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }));

describe('models that exist', () => {
  it('fails synthesis for a model past its end-of-life date, naming the model and the date', () => {
    expect(() => compose({ region: 'us-east-1', model: 'anthropic.claude-3-5-haiku-20241022-v1:0' })).toThrow(
      /Claude 3\.5 Haiku .*reached its end of life on 2026-06-19.*Choose an Active model/,
    );
    expect(() =>
      compose({ region: 'us-east-1', model: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' }),
    ).toThrow(/end of life/);
  });

  it('fails synthesis for a generation model that knowledge bases do not generate with', () => {
    expect(() => compose({ region: 'us-east-1', model: 'amazon.titan-embed-text-v2:0' })).toThrow(
      /Titan Text Embeddings V2 .*is not a model knowledge bases generate answers with/,
    );
  });

  it('still deploys a model past its end of life where AWS documents it is served', () => {
    expect(() =>
      compose({ region: 'ca-central-1', model: 'anthropic.claude-3-haiku-20240307-v1:0' }),
    ).not.toThrow();
  });

  it('warns, without failing, for a Legacy model and for one the dated file does not know', () => {
    const legacy = synth({ model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' });
    Annotations.fromStack(legacy.stateless).hasWarning(
      '*',
      Match.stringLikeRegexp('Claude Sonnet 4\\.5 .*is Legacy on Bedrock'),
    );
    const unknown = synth({ model: 'meta.llama3-1-8b-instruct-v1:0' });
    Annotations.fromStack(unknown.stateless).hasWarning(
      '*',
      Match.stringLikeRegexp('has no facts about meta\\.llama3-1-8b-instruct-v1:0'),
    );
  });

  it('names the third-party first-use steps for an Anthropic model, and none for the default', () => {
    const haiku = synth({ model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
    Annotations.fromStack(haiku.stateless).hasWarning(
      '*',
      Match.stringLikeRegexp("Anthropic's use-case form"),
    );
    const defaults = synth();
    Annotations.fromStack(defaults.stateless).hasNoWarning('*', Match.stringLikeRegexp('lantern:'));
    expect(Annotations.fromStack(defaults.stateless).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('region', () => {
  it('must be chosen: context first, then AWS_REGION, then a CDK_DEFAULT_REGION that is not the CLI fallback', () => {
    const node = (context: Record<string, unknown> = {}) => new App({ context }).node;
    expect(readRegion(node({ region: 'eu-west-1' }), { AWS_REGION: 'us-west-2' })).toBe('eu-west-1');
    expect(readRegion(node(), { AWS_REGION: 'us-west-2', CDK_DEFAULT_REGION: 'us-east-1' })).toBe(
      'us-west-2',
    );
    expect(readRegion(node(), { AWS_DEFAULT_REGION: 'ap-southeast-2' })).toBe('ap-southeast-2');
    expect(readRegion(node(), { CDK_DEFAULT_REGION: 'eu-central-1' })).toBe('eu-central-1');
    expect(() => readRegion(node(), {})).toThrow(/No region chosen.*-c region=/);
    expect(() => readRegion(node(), { CDK_DEFAULT_REGION: 'us-east-1' })).toThrow(
      /CDK CLI also sets when no region is configured/,
    );
    expect(() => readRegion(node({ region: 'Europe' }), {})).toThrow(
      /Context "region" must be an AWS region code/,
    );
  });

  it('builds both stacks for the chosen region, so no Bedrock ARN is left to AWS::Region', () => {
    const lantern = synth({ region: 'eu-west-1' });
    expect([lantern.stateful.region, lantern.stateless.region]).toEqual(['eu-west-1', 'eu-west-1']);
    for (const template of templatesOf(lantern)) {
      expect(JSON.stringify(template.toJSON())).not.toMatch(/:bedrock:","?\{"Ref":"AWS::Region"\}/);
    }
  });

  it("moves the default model to the region's inference profile, and refuses a profile the region cannot call", () => {
    expect(chatModelArn({})).toContain(':bedrock:us-east-1:');
    expect(chatModelArn({})).toContain(':inference-profile/us.amazon.nova-lite-v1:0');
    expect(chatModelArn({ region: 'eu-west-1' })).toContain(':bedrock:eu-west-1:');
    expect(chatModelArn({ region: 'eu-west-1' })).toContain(':inference-profile/eu.amazon.nova-lite-v1:0');
    expect(() => compose({ region: 'eu-west-1', model: 'us.amazon.nova-lite-v1:0' })).toThrow(
      /US inference profile, which callers in eu-west-1 cannot use\. Use -c model=eu\.amazon\.nova-lite-v1:0/,
    );
    // A region outside the US, Europe and Asia Pacific calls none of their profiles, the default's included.
    expect(() => compose({ region: 'ca-central-1', model: 'us.amazon.nova-lite-v1:0' })).toThrow(
      /US inference profile, which callers in ca-central-1 cannot use\. Pick a model with a global profile, or one offered in ca-central-1 itself/,
    );
    expect(() => compose({ region: 'sa-east-1' })).toThrow(/callers in sa-east-1 cannot use/);
  });
});

describe('Confluence secret under a customer-managed key', () => {
  it('lets the knowledge-base role decrypt with that key, only through Secrets Manager', () => {
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const t = synth({ ...CONFLUENCE_CONTEXT, confluenceKmsKeyArn: keyArn }).statefulTemplate;
    const [roleId] = Object.entries(t.findResources('AWS::IAM::Role')).find(([, role]) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('bedrock.amazonaws.com'),
    ) ?? [''];
    const decrypt = statementsOfRole(t, roleId).find((s) => s.Sid === 'DecryptTheConfluenceCredentials');
    expect(decrypt).toEqual({
      Sid: 'DecryptTheConfluenceCredentials',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
    });
    const without = synth(CONFLUENCE_CONTEXT).statefulTemplate;
    expect(JSON.stringify(without.toJSON())).not.toContain('kms:Decrypt');
  });

  it('refuses a key without a Confluence source', () => {
    expect(() =>
      compose({ region: 'us-east-1', confluenceKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/abc' }),
    ).toThrow(/need "confluenceHostUrl" and "confluenceSecretArn"/);
  });
});
