import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  type AnswerProfile,
  type AnswerSettings,
  AnswerSettingsError,
  normalizedSettingsJson,
  readAnswerSettings,
  type UsagePlanTier,
  unsupportedProfileCondition,
  type VectorStore,
} from '../../config/answer-settings.ts';
import { checkModel } from './model-check.ts';
import { fromRepoRoot } from './paths.ts';
import { checkRerankModel } from './rerank-models.ts';
import { SettingsError, type UsagePlanSettings } from './settings.ts';

/** Where the chat functions find the settings file on Lambda: next to the handler, in the task root. */
export const BUNDLED_SETTINGS_NAME = 'answer-settings.json';
export const LAMBDA_SETTINGS_PATH = `/var/task/${BUNDLED_SETTINGS_NAME}`;
/** slack-worker's preset: the defaults as Bedrock's configuration (`defaultAnswerPreset`). */
export const BUNDLED_PRESET_NAME = 'slack-answer-preset.json';
export const LAMBDA_PRESET_PATH = `/var/task/${BUNDLED_PRESET_NAME}`;

/** The answer settings the app deploys, with what synth found worth a warning. */
export interface DeployedAnswerSettings {
  readonly settings: AnswerSettings;
  /** The file as the functions read it (see {@link normalizedSettingsJson}). */
  readonly json: string;
  readonly warnings: readonly string[];
  /** `-c vectorStore`, which the chat functions get as `VECTOR_STORE` to judge request filters. */
  readonly vectorStore: VectorStore;
}

export interface AnswerSettingsOptions {
  /** The generation model the stack deploys: the defaults' allow-list when the file gives none. */
  readonly defaultModel: string;
  readonly region: string;
  readonly today: Date;
  /** Where the knowledge base keeps its vectors: a profile's filter must hold only conditions it can evaluate. */
  readonly vectorStore: VectorStore;
}

/**
 * Reads `-c profiles=FILE` (relative to the project root) with the same validation the functions
 * and `npm start -- --profiles` apply, then judges what only the deployment knows: each allowed
 * model in this region (end of life, inference-profile geography) and each rerank model's regions.
 * Any problem is a SettingsError naming the file and the JSON path, so `cdk synth` stops there.
 */
export function readDeployedAnswerSettings(
  file: string,
  options: AnswerSettingsOptions,
): DeployedAnswerSettings {
  const path = isAbsolute(file) ? file : resolve(fromRepoRoot('.'), file);
  let settings: AnswerSettings;
  try {
    settings = readAnswerSettings(path, { defaultModel: options.defaultModel, today: options.today });
  } catch (error) {
    if (error instanceof AnswerSettingsError) {
      throw new SettingsError(`Context "profiles": ${error.message}`, { cause: error });
    }
    throw error;
  }
  const unsupported = unsupportedProfileCondition(settings, options.vectorStore);
  if (unsupported) {
    throw new SettingsError(
      `Context "profiles": ${path}: ${unsupported.message}; or deploy with -c vectorStore=opensearch-serverless`,
    );
  }
  const warnings = new Set<string>();
  for (const profile of allProfiles(settings)) {
    for (const model of profile.models) {
      const verdict = checkModel({
        reference: model,
        contextKey: 'profiles',
        role: 'generation',
        isDefault: false,
        region: options.region,
        today: options.today,
      });
      for (const warning of verdict.warnings) warnings.add(warning);
    }
    if (profile.reranking) {
      for (const warning of checkRerankModel(profile.name, profile.reranking.modelId, options.region)) {
        warnings.add(warning);
      }
    }
  }
  return {
    settings,
    json: normalizedSettingsJson(settings),
    warnings: [...warnings],
    vectorStore: options.vectorStore,
  };
}

/** The defaults, then each profile. */
export function allProfiles(settings: AnswerSettings): readonly AnswerProfile[] {
  return [settings.defaults, ...settings.profiles];
}

/** Every generation model a request may be answered with, once each, the defaults' first. */
export function allowedModels(settings: AnswerSettings): string[] {
  return [...new Set(allProfiles(settings).flatMap((profile) => profile.models))];
}

/** Every rerank model a profile uses, once each. */
export function rerankModels(settings: AnswerSettings): string[] {
  return [
    ...new Set(
      allProfiles(settings).flatMap((profile) => (profile.reranking ? [profile.reranking.modelId] : [])),
    ),
  ];
}

/**
 * The default usage plan: `defaults.usagePlan` from the file when it has one (a missing monthly
 * quota is the context's), else the context's `apiRateLimit`, `apiBurstLimit`, `apiMonthlyQuota`.
 * Both at once would leave the operator guessing which applies, so that is refused.
 */
export function defaultUsagePlan(
  settings: AnswerSettings,
  fromContext: UsagePlanSettings,
  contextGiven: boolean,
): UsagePlanSettings {
  const tier = settings.defaults.usagePlan;
  if (!tier) return fromContext;
  if (contextGiven) {
    throw new SettingsError(
      'Context "apiRateLimit", "apiBurstLimit" and "apiMonthlyQuota" cannot be given with a profiles file whose defaults set a usagePlan: set the default plan in one place',
    );
  }
  return {
    rateLimit: tier.rateLimit,
    burstLimit: tier.burstLimit,
    monthlyQuota: tier.monthlyQuota ?? fromContext.monthlyQuota,
  };
}

/**
 * A profile's own usage-plan tier, or undefined when its key belongs in the default plan: no tier,
 * or the same limits (a plan's limits apply to each of its keys separately, so sharing it is the same).
 */
export function profileTier(
  profile: AnswerProfile,
  defaultPlan: UsagePlanSettings,
): UsagePlanTier | undefined {
  const tier = profile.usagePlan;
  if (!tier) return undefined;
  const same =
    tier.rateLimit === defaultPlan.rateLimit &&
    tier.burstLimit === defaultPlan.burstLimit &&
    (tier.monthlyQuota ?? defaultPlan.monthlyQuota) === defaultPlan.monthlyQuota;
  return same ? undefined : tier;
}

/**
 * Writes the normalized settings where the bundling hook copies them from: a folder of the cloud
 * assembly, under the content's digest, so a changed file changes the functions' bundles (and so
 * their code) and an unchanged one leaves them alone.
 */
export function stageSettingsFile(outdir: string, json: string): string {
  const digest = createHash('sha256').update(json).digest('hex').slice(0, 16);
  const dir = join(outdir, 'lantern-answer-settings');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${digest}.json`);
  writeFileSync(path, json);
  return path;
}
