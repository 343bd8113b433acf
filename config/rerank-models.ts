/**
 * The rerank models Bedrock offers and where, read by the answer settings (which models a profile
 * may name), the CDK app and preflight (is it offered in the stack's region) and the Bedrock
 * emulator (which models `Rerank` and reranked retrieval accept). Rerank models have no
 * cross-Region inference: a model reranks only in the regions listed here.
 */

/** What AWS documents about a Bedrock rerank model: where it is offered, and its first-use step. */
export interface RerankModelFacts {
  readonly name: string;
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
 * AWS's "Supported Regions and models for reranking" table. Amazon Rerank 1.0 is not offered in
 * us-east-1 at all, which surprises operators who pick the default region.
 */
export const RERANK_MODELS = {
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
} as const satisfies Readonly<Record<string, RerankModelFacts>>;

export type RerankModelId = keyof typeof RERANK_MODELS;

export const RERANK_MODEL_IDS = Object.keys(RERANK_MODELS) as readonly RerankModelId[];

/** The facts of a rerank model id, when AWS documents it. */
export function rerankModel(modelId: string): RerankModelFacts | undefined {
  return Object.hasOwn(RERANK_MODELS, modelId) ? RERANK_MODELS[modelId as RerankModelId] : undefined;
}

/** The rerank models AWS documents in `region`. */
export function rerankModelsIn(region: string): string[] {
  return RERANK_MODEL_IDS.filter((modelId) =>
    (RERANK_MODELS[modelId].regions as readonly string[]).includes(region),
  );
}
