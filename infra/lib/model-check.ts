import {
  type BedrockModelFacts,
  bedrockModels,
  callableFrom,
  lifecycleOn,
  lookupModel,
  parseModelReference,
  regionGeography,
} from '../../config/bedrock-models.ts';
import { SettingsError } from './settings.ts';

/** What the app deploys for one model setting, and what an operator should be told about it. */
export interface ModelVerdict {
  /** The reference to deploy: the setting, or the default moved to the region's geography. */
  readonly reference: string;
  /** Facts from `config/bedrock-models.json`, when it has any. */
  readonly facts?: BedrockModelFacts;
  /** Synth warnings (Legacy model, no facts, a first-use step). */
  readonly warnings: readonly string[];
}

export interface ModelCheckOptions {
  /** The model setting. */
  readonly reference: string;
  /** Which setting it came from, for messages (`model`, `embeddingModel`). */
  readonly contextKey: string;
  /** What the knowledge base does with the model: generate answers, or embed documents. */
  readonly role: 'generation' | 'embedding';
  /** The setting was not given: the app may pick the default's profile for the region. */
  readonly isDefault: boolean;
  readonly region: string;
  /** The day the lifecycle is judged on. */
  readonly today: Date | string;
}

/**
 * Judges a model setting against the dated model file: fails synth (SettingsError) for a model past
 * its end of life in this region, a generation model knowledge bases do not generate with, or a
 * geographic inference profile the region cannot call, and returns warnings for a Legacy model, one the file has no facts about, or a first-use step. The
 * default model's profile is swapped for the region's geography when the file lists one.
 */
export function checkModel(options: ModelCheckOptions): ModelVerdict {
  const { contextKey, region, today } = options;
  let reference = options.reference;
  const parsed = parseModelReference(reference);
  const geography = regionGeography(region);
  const warnings: string[] = [];
  const facts = lookupModel(reference);

  if (!callableFrom(parsed, region)) {
    const local = geography && facts?.inferenceProfiles.find((id) => id.startsWith(`${geography}.`));
    if (options.isDefault && local) {
      reference = local;
    } else {
      throw new SettingsError(
        `Context "${contextKey}": ${reference} is a ${parsed.geography?.toUpperCase()} inference profile, which callers in ${region} cannot use. ${
          local
            ? `Use -c ${contextKey}=${local}.`
            : `Pick a model with a ${geography ? `${geography} or ` : ''}global profile, or one offered in ${region} itself (config/bedrock-models.json lists the known ones).`
        }`,
      );
    }
  }

  if (!facts) {
    if (parsed.modelId !== undefined) {
      warnings.push(
        `config/bedrock-models.json (checked ${bedrockModels.checkedOn}) has no facts about ${parsed.modelId}: its lifecycle, end-of-life date and first-use steps are not checked. Run npm run preflight, and add the model with its AWS model card.`,
      );
    }
    return { reference, warnings };
  }

  const status = lifecycleOn(facts, today, region);
  if (status === 'EOL') {
    throw new SettingsError(
      `Context "${contextKey}": ${facts.name} (${facts.modelId}) reached its end of life${
        facts.endOfLifeDate ? ` on ${facts.endOfLifeDate}` : ''
      }; Bedrock refuses requests to it, so every call would fail. Choose an Active model (config/bedrock-models.json lists them; source: ${facts.source}).`,
    );
  }
  if (options.role === 'generation' && facts.knowledgeBaseGeneration === false) {
    throw new SettingsError(
      `Context "${contextKey}": ${facts.name} (${facts.modelId}) is not a model knowledge bases generate answers with; RetrieveAndGenerate refuses it. Choose one config/bedrock-models.json marks for knowledge-base generation (source: ${facts.source}).`,
    );
  }
  if (status === 'LEGACY') {
    warnings.push(
      `${facts.name} (${facts.modelId}) is Legacy on Bedrock${
        facts.endOfLifeDate ? `, end of life on ${facts.endOfLifeDate}` : ''
      }: new accounts may be refused it and it will stop answering. Move to an Active model (source: ${facts.source}).`,
    );
  }
  if (facts.firstUseForm || facts.marketplace) {
    warnings.push(
      `${facts.name} is a third-party model: before the first call the account needs ${[
        facts.firstUseForm ? "Anthropic's use-case form (Bedrock console, once per account)" : undefined,
        facts.marketplace
          ? 'its Marketplace subscription, started by the first invocation of someone allowed aws-marketplace:Subscribe'
          : undefined,
      ]
        .filter(Boolean)
        .join(' and ')}; the functions are not granted Marketplace actions. See docs/deploy.md.`,
    );
  }
  return { reference, facts, warnings };
}
