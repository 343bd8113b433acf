/**
 * `vectorSearchConfiguration.overrideSearchType` against the knowledge base's vector store. The
 * model (KnowledgeBaseVectorSearchConfiguration) offers HYBRID on an OpenSearch Serverless store with
 * a filterable text field and says "For other vector store configurations, only SEMANTIC search is
 * available"; a knowledge base on S3 Vectors answers HYBRID with this ValidationException, naming
 * the knowledge base as the index (public reports of Retrieve on S3 Vectors). The emulator's search
 * is the same lexical one whichever type is asked for.
 */
import { validationError } from './errors.ts';
import type { KnowledgeBase } from './knowledge-base.ts';
import type { VectorSearchConfiguration } from './schemas.ts';

export function assertSearchType(
  configuration: VectorSearchConfiguration | null | undefined,
  kb: KnowledgeBase,
): void {
  if (configuration?.overrideSearchType === 'HYBRID' && kb.vectorStore === 's3-vectors') {
    throw validationError(`HYBRID search type is not supported for search operation on index ${kb.id}`);
  }
}
