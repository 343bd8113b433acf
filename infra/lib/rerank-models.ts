import {
  RERANK_MODEL_IDS,
  RERANK_MODELS_SOURCE,
  rerankModel,
  rerankModelsIn,
} from '../../config/rerank-models.ts';
import { SettingsError } from './settings.ts';

/**
 * Judges a profile's rerank model against the region: fails synth (SettingsError) when AWS documents
 * the model but not in this region, since every reranked answer would then fail; returns warnings
 * for a model Lantern has no facts about (`npm run preflight -- --profiles FILE` asks the account)
 * and for a Marketplace model's first-use step.
 */
export function checkRerankModel(profile: string, modelId: string, region: string): string[] {
  const facts = rerankModel(modelId);
  if (!facts) {
    return [
      `Profile "${profile}": Lantern has no facts about rerank model ${modelId} (it knows ${RERANK_MODEL_IDS.join(', ')}); its region is not checked. Run npm run preflight -- --profiles FILE before deploying.`,
    ];
  }
  if (!facts.regions.includes(region)) {
    throw new SettingsError(
      `Profile "${profile}": ${facts.name} (${modelId}) is not offered for reranking in ${region}; AWS lists ${facts.regions.join(', ')} (${RERANK_MODELS_SOURCE.url}, read ${RERANK_MODELS_SOURCE.checkedOn}). ${
        rerankModelsIn(region).length > 0
          ? `In ${region} use ${rerankModelsIn(region).join(' or ')}, or deploy to one of those regions.`
          : `No rerank model is offered in ${region}: turn reranking off for this profile or deploy to one of those regions.`
      }`,
    );
  }
  if (facts.marketplace) {
    return [
      `Profile "${profile}": ${facts.name} is a third-party model sold through AWS Marketplace: before the first reranked answer the account needs its subscription, started by the first invocation of someone allowed aws-marketplace:Subscribe. See docs/deploy.md.`,
    ];
  }
  return [];
}
