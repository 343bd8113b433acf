import { readFileSync } from 'node:fs';
import type { KnowledgeBaseRetrieveAndGenerateConfiguration } from '@aws-sdk/client-bedrock-agent-runtime';
import { ConfigError } from '../environment-schemas.ts';
import type { KnowledgeBaseConfigurer } from './bedrock-rag.ts';

/**
 * Bedrock's knowledge-base configuration for every turn of a path that answers with the deployment's
 * defaults (Slack), worked out where the answer settings are read in full (synth, the local stack):
 * the function bundles none of the settings code, and adds only its knowledge base, model and guardrail.
 */
export type ConfigurationPreset = Omit<
  KnowledgeBaseRetrieveAndGenerateConfiguration,
  'knowledgeBaseId' | 'modelArn'
>;

export function presetConfigurer(preset: ConfigurationPreset): KnowledgeBaseConfigurer {
  return (_settings, { knowledgeBaseId, modelArn, guardrail }) => {
    const generation = {
      ...preset.generationConfiguration,
      ...(guardrail ? { guardrailConfiguration: guardrail } : {}),
    };
    return {
      ...preset,
      knowledgeBaseId,
      modelArn,
      ...(Object.keys(generation).length > 0 ? { generationConfiguration: generation } : {}),
    };
  };
}

/** The preset synth bundled with the function; read as synth wrote it, like the answer settings file. */
export function readConfigurationPreset(file: string): ConfigurationPreset {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ConfigurationPreset;
  } catch (error) {
    throw new ConfigError(
      `Invalid Slack configuration: SLACK_ANSWER_PRESET_FILE ${file} cannot be read as JSON`,
      {
        cause: error,
      },
    );
  }
}
