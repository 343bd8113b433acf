/**
 * Knowledge-base settings shared by the CDK app (`infra/`) and the local Bedrock emulator
 * (`local/bedrock-emulator`), so local retrieval chunks documents exactly as the deployed
 * knowledge base does.
 */
export const knowledgeBaseSettings = {
  /** Bedrock `FIXED_SIZE` chunking: maxTokens per chunk and the overlap between neighbours. */
  chunking: { strategy: 'FIXED_SIZE', maxTokens: 300, overlapPercentage: 20 },
  /** How many passages RetrieveAndGenerate hands to the generator. */
  numberOfResults: 5,
  /** The knowledge base's reply when nothing relevant was retrieved (Bedrock's own wording). */
  noAnswerText: 'Sorry, I am unable to assist you with this request.',
  /** Embedding model and its dimension, used on AWS for the S3 Vectors index. */
  embedding: { modelId: 'amazon.titan-embed-text-v2:0', dimensions: 1024 },
  /**
   * Default generation model for RetrieveAndGenerate on AWS: Amazon Nova Lite through its US
   * cross-Region inference profile. Active, listed for knowledge-base generation, and Amazon's own,
   * so no Marketplace subscription or Anthropic use-case form stands between a fresh account and the
   * first answer (`config/bedrock-models.json` holds the facts and their pages). Outside the US the
   * CDK app picks the profile of the stack's geography (`eu.amazon.nova-lite-v1:0`).
   */
  generationModelId: 'us.amazon.nova-lite-v1:0',
} as const;

export type KnowledgeBaseSettings = typeof knowledgeBaseSettings;
