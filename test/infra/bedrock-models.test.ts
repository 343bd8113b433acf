import { describe, expect, it } from 'vitest';
import { bedrockModels, lifecycleOn, lookupModel, parseModelReference } from '../../config/bedrock-models.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';

const haiku35 = 'anthropic.claude-3-5-haiku-20241022-v1:0';

describe('the dated Bedrock model file', () => {
  it('cites an AWS or provider page for every model and holds each id once', () => {
    const ids = bedrockModels.models.map((model) => model.modelId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const model of bedrockModels.models) {
      expect(model.source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|platform\.claude\.com)\//);
      for (const profile of model.inferenceProfiles) expect(profile.endsWith(`.${model.modelId}`)).toBe(true);
    }
    expect(bedrockModels.checkedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('finds a model by bare id, inference profile id and foundation-model or profile ARN', () => {
    expect(lookupModel(haiku35)?.modelId).toBe(haiku35);
    expect(lookupModel(`us.${haiku35}`)?.modelId).toBe(haiku35);
    expect(lookupModel(`arn:aws:bedrock:us-east-1::foundation-model/${haiku35}`)?.modelId).toBe(haiku35);
    expect(
      lookupModel(
        'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      )?.modelId,
    ).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(lookupModel('arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123')).toBe(
      undefined,
    );
    expect(lookupModel('example.unknown-model-v1:0')).toBe(undefined);
  });

  it('takes a reference apart into kind, model, profile and geography', () => {
    expect(parseModelReference('eu.amazon.nova-lite-v1:0')).toEqual({
      kind: 'inference-profile',
      profileId: 'eu.amazon.nova-lite-v1:0',
      geography: 'eu',
      modelId: 'amazon.nova-lite-v1:0',
    });
    expect(parseModelReference('arn:aws:bedrock:us-west-2:111122223333:provisioned-model/abc')).toEqual({
      kind: 'provisioned-model',
      region: 'us-west-2',
    });
  });

  it('says EOL once the end-of-life day has come, Legacy the day before', () => {
    const model = lookupModel(haiku35);
    if (!model) throw new Error('missing');
    expect(model.endOfLifeDate).toBe('2026-06-19');
    expect(lifecycleOn(model, '2026-06-18')).toBe('LEGACY');
    expect(lifecycleOn(model, '2026-06-19')).toBe('EOL');
    expect(lifecycleOn(model, new Date('2026-12-07T00:00:00Z'))).toBe('EOL');
  });

  it('keeps a model alive where AWS documents it is still served after its end of life', () => {
    const model = lookupModel('anthropic.claude-3-haiku-20240307-v1:0');
    if (!model) throw new Error('missing');
    expect(lifecycleOn(model, '2026-12-07', 'us-east-1')).toBe('EOL');
    expect(lifecycleOn(model, '2026-12-07', 'ca-central-1')).toBe('LEGACY');
  });

  it('names an Active default model that AWS lists for knowledge-base generation, through an inference profile', () => {
    const reference = parseModelReference(knowledgeBaseSettings.generationModelId);
    expect(reference.kind).toBe('inference-profile');
    const model = lookupModel(knowledgeBaseSettings.generationModelId);
    expect(model?.inferenceProfiles).toContain(knowledgeBaseSettings.generationModelId);
    expect(model && lifecycleOn(model, bedrockModels.checkedOn)).toBe('ACTIVE');
    expect(model?.knowledgeBaseGeneration).toBe(true);
  });
});
