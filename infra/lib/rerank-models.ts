import { SettingsError } from './settings.ts';

/** What AWS documents about a Bedrock rerank model: where it is offered, and its first-use step. */
export interface RerankModelFacts {
  readonly name: string;
  /** Regions where the model reranks in the region itself (no cross-Region inference for rerank models). */
  readonly regions: readonly string[];
  /** Sold through AWS Marketplace: the account subscribes on the first invocation. */
  readonly marketplace: boolean;
}

/** Where the regions below come from, with the day they were read. */
export const RERANK_MODELS_SOURCE = {
  url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html',
  checkedOn: '2026-12-07',
} as const;

/**
 * The rerank models Bedrock offers to knowledge bases, from AWS's "Supported Regions and models for
 * reranking" table. Amazon Rerank 1.0 is not offered in us-east-1 at all, which surprises operators
 * who pick the default region, so synth checks the region rather than leave it to the first answer.
 */
export const RERANK_MODELS: Readonly<Record<string, RerankModelFacts>> = {
  'amazon.rerank-v1:0': {
    name: 'Amazon Rerank 1.0',
    regions: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-west-2'],
    marketplace: false,
  },
  'cohere.rerank-v3-5:0': {
    name: 'Cohere Rerank 3.5',
    regions: ['ap-northeast-1', 'ca-central-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
    marketplace: true,
  },
};

/**
 * Judges a profile's rerank model against the region: fails synth (SettingsError) when AWS documents
 * the model but not in this region, since every reranked answer would then fail; returns warnings
 * for a model Lantern has no facts about (`npm run preflight -- --profiles FILE` asks the account)
 * and for a Marketplace model's first-use step.
 */
export function checkRerankModel(profile: string, modelId: string, region: string): string[] {
  const facts = RERANK_MODELS[modelId];
  if (!facts) {
    return [
      `Profile "${profile}": Lantern has no facts about rerank model ${modelId} (it knows ${Object.keys(RERANK_MODELS).join(', ')}); its region is not checked. Run npm run preflight -- --profiles FILE before deploying.`,
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

/** The rerank models AWS documents in `region`. */
export function rerankModelsIn(region: string): string[] {
  return Object.entries(RERANK_MODELS)
    .filter(([, facts]) => facts.regions.includes(region))
    .map(([modelId]) => modelId);
}
