/**
 * Answer settings: the attributes a deployment lets requests filter on, the deployment's default
 * answer profile and one profile per tenant (API key). One JSON file, read by the CDK app (usage
 * plans, IAM, the file bundled next to the chat functions), by `npm start -- --profiles FILE` and by
 * the chat functions at cold start. The grammar, the filter checks and the reader live in
 * `answer-settings-core.ts` (what the chat functions bundle); this module adds the dated model facts
 * of `bedrock-models.json`, so synth and start refuse a profile naming an unknown, non-generation or
 * end-of-life model.
 */
import {
  type AnswerSettings,
  type ModelCheck,
  parseAnswerSettingsWith,
  readAnswerSettingsWith,
} from './answer-settings-core.ts';
import { lifecycleOn, lookupModel } from './bedrock-models.ts';

export * from './answer-settings-core.ts';

export interface AnswerSettingsContext {
  /** The deployment's generation model: the defaults' allow-list when the file gives none. */
  readonly defaultModel: string;
  /** The day model lifecycles are judged on; today when absent. */
  readonly today?: Date | string;
}

/** A model a profile may allow: one `bedrock-models.json` has facts for, that generates, and is not past its end of life. */
export function modelFacts(today: Date | string = new Date()): ModelCheck {
  return (id) => {
    const facts = lookupModel(id);
    if (!facts) return `${id} is not a model config/bedrock-models.json has facts for (unknown model)`;
    if (facts.knowledgeBaseGeneration === false) {
      return `${id} (${facts.name}) is not a knowledge-base generation model`;
    }
    if (lifecycleOn(facts, today) === 'EOL') {
      return `${id} (${facts.name}) is past its end of life (${facts.endOfLifeDate ?? 'EOL'})`;
    }
    return undefined;
  };
}

/**
 * Validates a parsed settings file. `context.source` names the file in messages; every problem is
 * an AnswerSettingsError naming the file and the JSON path.
 */
export function parseAnswerSettings(
  json: unknown,
  context: AnswerSettingsContext & { readonly source: string },
): AnswerSettings {
  return parseAnswerSettingsWith(json, context, modelFacts(context.today));
}

/** Reads and validates a settings file (JSON). */
export function readAnswerSettings(path: string, context: AnswerSettingsContext): AnswerSettings {
  return readAnswerSettingsWith(path, context, modelFacts(context.today));
}
