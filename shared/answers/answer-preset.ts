import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { configureFromSettings } from '../aws/bedrock-rag-settings.ts';
import type { ConfigurationPreset } from '../aws/configuration-preset.ts';
import type { AnswerEnvironment } from './answer-environment.ts';
import { defaultRetrieval } from './chat-answering.ts';

/**
 * What the chat functions send Bedrock for a turn of the default profile, as a function that
 * answers every turn so (slack-worker) is given it: the model as its `MODEL_ARN`, the rest as its
 * preset. Built with the chat functions' own code, so Slack answers exactly as the API does.
 */
export function defaultAnswerPreset(answers: AnswerEnvironment): {
  readonly modelArn: string;
  readonly preset: ConfigurationPreset;
} {
  const {
    knowledgeBaseId: _filledInByTheFunction,
    modelArn,
    ...preset
  } = configureFromSettings(defaultRetrieval(answers), {
    knowledgeBaseId: '',
    modelArn: answers.defaultModelArn,
    numberOfResults: knowledgeBaseSettings.numberOfResults,
  });
  return { modelArn: modelArn ?? answers.defaultModelArn, preset };
}
