import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ConfigurationPreset,
  presetConfigurer,
  readConfigurationPreset,
} from '../../../shared/aws/configuration-preset.ts';
import { ConfigError } from '../../../shared/config.ts';
import { tempDir } from '../../helpers/local-stack.ts';

const options = { knowledgeBaseId: 'KB12345678', modelArn: 'amazon.nova-pro-v1:0' };
const guardrail = { guardrailId: 'abc123', guardrailVersion: '2' };
const preset: ConfigurationPreset = {
  retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 7 } },
  generationConfiguration: { promptTemplate: { textPromptTemplate: 'Answer.\n$search_results$' } },
};

describe('a configuration preset', () => {
  it("is sent with the function's knowledge base and model, whatever the turn's settings", () => {
    expect(presetConfigurer(preset)({ numberOfResults: 2, modelArn: 'other' }, options)).toEqual({
      knowledgeBaseId: 'KB12345678',
      modelArn: 'amazon.nova-pro-v1:0',
      ...preset,
    });
  });

  it("adds the function's guardrail to the preset's generation settings, or alone when it has none", () => {
    expect(presetConfigurer(preset)({}, { ...options, guardrail }).generationConfiguration).toEqual({
      promptTemplate: { textPromptTemplate: 'Answer.\n$search_results$' },
      guardrailConfiguration: guardrail,
    });
    const retrievalOnly = { retrievalConfiguration: preset.retrievalConfiguration };
    expect(presetConfigurer(retrievalOnly)({}, { ...options, guardrail }).generationConfiguration).toEqual({
      guardrailConfiguration: guardrail,
    });
    expect(presetConfigurer(retrievalOnly)({}, options)).not.toHaveProperty('generationConfiguration');
  });

  it('is read as synth wrote it; a file that is not JSON stops the cold start naming the variable', () => {
    const dir = tempDir('preset');
    const good = join(dir, 'preset.json');
    writeFileSync(good, JSON.stringify(preset));
    expect(readConfigurationPreset(good)).toEqual(preset);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"retrievalConfiguration":');
    expect(() => readConfigurationPreset(bad)).toThrow(ConfigError);
    expect(() => readConfigurationPreset(bad)).toThrow(
      /SLACK_ANSWER_PRESET_FILE .*bad\.json cannot be read as JSON/,
    );
    expect(() => readConfigurationPreset(join(dir, 'missing.json'))).toThrow(/missing\.json cannot be read/);
  });
});
