import { readFileSync } from 'node:fs';
import {
  type AnswerSettings,
  AnswerSettingsError,
  builtInAnswerSettings,
  functionAnswerSettings,
  VECTOR_STORES,
  type VectorStore,
} from '../../config/answer-settings-core.ts';
import { ConfigError } from '../environment-schemas.ts';
import { parseStringMap } from './key-profiles.ts';

/**
 * The chat functions' answer settings, from `ANSWER_SETTINGS_FILE`, `API_KEY_PROFILES`, `MODEL_ARNS`
 * and `VECTOR_STORE` (config/environment.ts). All are optional: without them every caller gets the
 * defaults, which send Bedrock what Lantern always sent.
 */
export interface AnswerEnvironment {
  readonly settings: AnswerSettings;
  /** API key id → profile name. */
  readonly keyProfiles: ReadonlyMap<string, string>;
  /** Model id → what to send as `modelArn`. */
  readonly modelArns: ReadonlyMap<string, string>;
  /** `MODEL_ARN`: the deployment's default model, as the settings' defaults name it when the file does not. */
  readonly defaultModelArn: string;
  /** `AWS_REGION`, for the rerank model's ARN. */
  readonly region: string;
  /** `VECTOR_STORE`: where the knowledge base keeps its vectors, which bounds what a filter may hold. */
  readonly vectorStore?: VectorStore;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the answer variables; a bad value is a ConfigError at cold start naming the variable. The
 * settings file is the one synth bundled or npm start wrote after checking the operator's in full,
 * so it is read as such (`functionAnswerSettings`); model lifecycles are not judged again, so a
 * model reaching its end of life fails its own requests rather than every cold start.
 */
export function parseAnswerEnvironment(env: Env): AnswerEnvironment {
  const defaultModelArn = env.MODEL_ARN ?? '';
  const region = env.AWS_REGION || 'us-east-1';
  let settings: AnswerSettings;
  const file = env.ANSWER_SETTINGS_FILE;
  try {
    settings = file
      ? functionAnswerSettings(readFileSync(file, 'utf8'), file)
      : builtInAnswerSettings(defaultModelArn);
  } catch (error) {
    const problem = error instanceof AnswerSettingsError ? error.message : `${file}: cannot be read`;
    throw new ConfigError(`Invalid answer configuration: ANSWER_SETTINGS_FILE ${problem}`, { cause: error });
  }
  const keyProfiles = parseStringMap(env, 'API_KEY_PROFILES');
  const profileNames = new Set(settings.profiles.map((profile) => profile.name));
  for (const [keyId, profile] of keyProfiles) {
    if (!profileNames.has(profile)) {
      throw new ConfigError(
        `Invalid answer configuration: API_KEY_PROFILES maps key ${keyId} to "${profile}", which the settings file does not define (profiles: ${[...profileNames].join(', ') || 'none'})`,
      );
    }
  }
  const vectorStore = env.VECTOR_STORE || undefined;
  if (vectorStore !== undefined && !(VECTOR_STORES as readonly string[]).includes(vectorStore)) {
    throw new ConfigError(
      `Invalid answer configuration: VECTOR_STORE must be ${VECTOR_STORES.join(' or ')}, not ${vectorStore}`,
    );
  }
  return {
    settings,
    keyProfiles,
    modelArns: parseStringMap(env, 'MODEL_ARNS'),
    defaultModelArn,
    region,
    ...(vectorStore ? { vectorStore: vectorStore as VectorStore } : {}),
  };
}

let cached: AnswerEnvironment | undefined;

/**
 * Reads `process.env` once: one of the few configuration getters that may
 * (test/shared/environment-readers.test.ts), kept apart so only the chat functions parse these.
 */
export function getAnswerEnvironment(): AnswerEnvironment {
  cached ??= parseAnswerEnvironment(process.env);
  return cached;
}
