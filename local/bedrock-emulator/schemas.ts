/**
 * The request members the operations read, typed. The router has already checked every request
 * against its operation's input shape in AWS's model (protocol/validate-request.ts), so these are
 * plain types, not a second set of rules.
 */
import type { RetrievalFilter } from './retrieval/metadata-filter.ts';

export interface RerankingMetadataConfiguration {
  readonly selectionMode: 'SELECTIVE' | 'ALL';
  readonly selectiveModeConfiguration?: {
    readonly fieldsToInclude?: readonly { readonly fieldName: string }[];
    readonly fieldsToExclude?: readonly { readonly fieldName: string }[];
  };
}

export interface VectorSearchConfiguration {
  readonly numberOfResults?: number;
  /** Checked against the knowledge base's vector store by search-type.ts; the search is lexical either way. */
  readonly overrideSearchType?: 'HYBRID' | 'SEMANTIC';
  /** `RetrievalFilter`: checked further and applied by retrieval/metadata-filter.ts. */
  readonly filter?: RetrievalFilter;
  readonly rerankingConfiguration?: {
    readonly type: 'BEDROCK_RERANKING_MODEL';
    readonly bedrockRerankingConfiguration?: {
      readonly modelConfiguration: { readonly modelArn: string };
      readonly numberOfRerankedResults?: number;
      readonly metadataConfiguration?: RerankingMetadataConfiguration;
    };
  };
}

interface RetrievalConfiguration {
  readonly vectorSearchConfiguration?: VectorSearchConfiguration;
}

export interface TextInferenceConfig {
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly stopSequences?: readonly string[];
}

export interface PromptTemplate {
  readonly textPromptTemplate?: string;
}

export interface GenerationConfiguration {
  readonly guardrailConfiguration?: { readonly guardrailId: string; readonly guardrailVersion: string };
  readonly promptTemplate?: PromptTemplate;
  readonly inferenceConfig?: { readonly textInferenceConfig?: TextInferenceConfig };
  readonly additionalModelRequestFields?: Readonly<Record<string, unknown>>;
}

export interface OrchestrationConfiguration {
  readonly promptTemplate?: PromptTemplate;
  readonly inferenceConfig?: { readonly textInferenceConfig?: TextInferenceConfig };
  readonly queryTransformationConfiguration?: { readonly type: 'QUERY_DECOMPOSITION' };
  readonly additionalModelRequestFields?: Readonly<Record<string, unknown>>;
}

export interface RetrieveRequest {
  readonly knowledgeBaseId: string;
  readonly retrievalQuery: { readonly text: string };
  readonly retrievalConfiguration?: RetrievalConfiguration;
}

export interface RetrieveAndGenerateRequest {
  readonly input: { readonly text: string };
  readonly sessionId?: string;
  readonly retrieveAndGenerateConfiguration?: {
    readonly type: 'KNOWLEDGE_BASE' | 'EXTERNAL_SOURCES';
    readonly knowledgeBaseConfiguration?: {
      readonly knowledgeBaseId: string;
      readonly modelArn: string;
      readonly retrievalConfiguration?: RetrievalConfiguration;
      readonly generationConfiguration?: GenerationConfiguration;
      readonly orchestrationConfiguration?: OrchestrationConfiguration;
    };
  };
}

export interface StartIngestionJobRequest {
  readonly clientToken?: string;
  readonly description?: string;
}

export interface RerankRequest {
  readonly queries: readonly { readonly type: 'TEXT'; readonly textQuery: { readonly text?: string } }[];
  readonly sources: readonly {
    readonly type: 'INLINE';
    readonly inlineDocumentSource: {
      readonly type: 'TEXT' | 'JSON';
      readonly textDocument?: { readonly text?: string };
      readonly jsonDocument?: unknown;
    };
  }[];
  readonly rerankingConfiguration: {
    readonly type: 'BEDROCK_RERANKING_MODEL';
    readonly bedrockRerankingConfiguration: {
      readonly modelConfiguration: { readonly modelArn: string };
      readonly numberOfResults?: number;
    };
  };
  readonly nextToken?: string;
}
