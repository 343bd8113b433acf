/**
 * The request members the operations read, typed. The router has already checked every request
 * against its operation's input shape in AWS's model (protocol/validate-request.ts), so these are
 * plain types, not a second set of rules.
 */

interface RetrievalConfiguration {
  readonly vectorSearchConfiguration?: { readonly numberOfResults?: number };
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
      readonly generationConfiguration?: {
        readonly guardrailConfiguration?: { readonly guardrailId: string; readonly guardrailVersion: string };
      };
    };
  };
}

export interface StartIngestionJobRequest {
  readonly clientToken?: string;
  readonly description?: string;
}
