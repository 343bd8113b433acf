import type {
  GenerationConfiguration,
  KnowledgeBaseVectorSearchConfiguration,
  OrchestrationConfiguration,
  RetrievalFilter,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { RagSettings } from '../chat/ports.ts';
import type { BedrockRagOptions, KnowledgeBaseConfigurer } from './bedrock-rag.ts';

/**
 * The knowledge-base configuration a turn's answer settings ask for: the caller's model, filter,
 * reranking, prompts, inference settings and query decomposition where it has them, the adapter's
 * options otherwise. Members stay out unless set, so a turn without settings sends what Lantern
 * always sent. Passed to `BedrockRag` as `configure` by the functions that answer with profiles.
 */
export const configureFromSettings: KnowledgeBaseConfigurer = (settings, options) => {
  const generation = generationConfiguration(settings, options.guardrail);
  const orchestration = orchestrationConfiguration(settings);
  return {
    knowledgeBaseId: options.knowledgeBaseId,
    modelArn: settings.modelArn ?? options.modelArn,
    retrievalConfiguration: { vectorSearchConfiguration: vectorSearch(settings, options) },
    ...(generation ? { generationConfiguration: generation } : {}),
    ...(orchestration ? { orchestrationConfiguration: orchestration } : {}),
  };
};

function vectorSearch(
  settings: RagSettings,
  options: BedrockRagOptions,
): KnowledgeBaseVectorSearchConfiguration {
  const { filter, reranking } = settings;
  return {
    numberOfResults: settings.numberOfResults ?? options.numberOfResults ?? 5,
    // The SDK types filter values as documents; ours are the JSON the grammar allows.
    ...(filter ? { filter: filter as RetrievalFilter } : {}),
    ...(reranking
      ? {
          rerankingConfiguration: {
            type: 'BEDROCK_RERANKING_MODEL',
            bedrockRerankingConfiguration: {
              modelConfiguration: { modelArn: reranking.modelArn },
              ...(reranking.numberOfRerankedResults === undefined
                ? {}
                : { numberOfRerankedResults: reranking.numberOfRerankedResults }),
            },
          },
        }
      : {}),
  };
}
function generationConfiguration(
  settings: RagSettings,
  guardrail: BedrockRagOptions['guardrail'],
): GenerationConfiguration | undefined {
  const inference = settings.inference;
  const configuration: GenerationConfiguration = {
    ...(settings.generationPrompt
      ? { promptTemplate: { textPromptTemplate: settings.generationPrompt } }
      : {}),
    ...(inference && Object.keys(inference).length > 0
      ? {
          inferenceConfig: {
            textInferenceConfig: {
              ...(inference.temperature === undefined ? {} : { temperature: inference.temperature }),
              ...(inference.topP === undefined ? {} : { topP: inference.topP }),
              ...(inference.maxTokens === undefined ? {} : { maxTokens: inference.maxTokens }),
              ...(inference.stopSequences === undefined
                ? {}
                : { stopSequences: [...inference.stopSequences] }),
            },
          },
        }
      : {}),
    ...(guardrail ? { guardrailConfiguration: guardrail } : {}),
  };
  return Object.keys(configuration).length > 0 ? configuration : undefined;
}

function orchestrationConfiguration(settings: RagSettings): OrchestrationConfiguration | undefined {
  const configuration: OrchestrationConfiguration = {
    ...(settings.orchestrationPrompt
      ? { promptTemplate: { textPromptTemplate: settings.orchestrationPrompt } }
      : {}),
    ...(settings.queryDecomposition
      ? { queryTransformationConfiguration: { type: 'QUERY_DECOMPOSITION' } }
      : {}),
  };
  return Object.keys(configuration).length > 0 ? configuration : undefined;
}
