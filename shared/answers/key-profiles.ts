import { ConfigError } from '../environment-schemas.ts';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A variable holding a JSON object of strings (`API_KEY_PROFILES`, `MODEL_ARNS`); empty when unset,
 * a ConfigError naming the variable (never its value) when it is not one.
 */
export function parseStringMap(env: Env, name: 'API_KEY_PROFILES' | 'MODEL_ARNS'): Map<string, string> {
  const raw = env[name];
  if (!raw) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`Invalid answer configuration: ${name} must be a JSON object`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid answer configuration: ${name} must be a JSON object`);
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (!key || typeof value !== 'string' || !value) {
      throw new ConfigError(
        `Invalid answer configuration: ${name} must map non-empty strings to non-empty strings (see "${key}")`,
      );
    }
  }
  return new Map(entries as [string, string][]);
}

let cached: ReadonlyMap<string, string> | undefined;

/**
 * `API_KEY_PROFILES` alone, for a function that needs only which profile a key has (the visitor-token
 * route), without the settings file. Reads `process.env` once, like `getAnswerEnvironment`.
 */
export function getKeyProfiles(): ReadonlyMap<string, string> {
  cached ??= parseStringMap(process.env, 'API_KEY_PROFILES');
  return cached;
}
