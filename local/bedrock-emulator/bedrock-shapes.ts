/**
 * How a retrieved chunk looks on the wire: the `content`, `location` and `metadata` members
 * shared by Retrieve's `retrievalResults` and RetrieveAndGenerate's `retrievedReferences`.
 */
import type { KnowledgeBaseChunk } from './knowledge-base.ts';

export interface ChunkShape {
  readonly content: { readonly type: 'TEXT'; readonly text: string };
  readonly location:
    | { readonly type: 'S3'; readonly s3Location: { readonly uri: string } }
    | { readonly type: 'CONFLUENCE'; readonly confluenceLocation: { readonly url: string } };
  /**
   * Bedrock's own keys (the chunk id URL-encoded, an S3 object's modality `TEXT`) and the document's
   * metadata attributes (front matter, sidecar), and a Confluence page's title. An S3 object gets no title its metadata does not give (the captured S3
   * results without a sidecar carry only `x-amz-bedrock-kb-*` keys), so callers fall back to the
   * object's name, as on AWS.
   */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export function chunkShape(chunk: KnowledgeBaseChunk): ChunkShape {
  return {
    content: { type: 'TEXT', text: chunk.text },
    location:
      chunk.locationType === 'CONFLUENCE'
        ? { type: 'CONFLUENCE', confluenceLocation: { url: chunk.sourceUri } }
        : { type: 'S3', s3Location: { uri: chunk.sourceUri } },
    metadata: {
      ...chunk.metadata,
      'x-amz-bedrock-kb-source-uri': chunk.sourceUri,
      // Recorded S3 references (RetrieveAndGenerate, 2025) say what kind of file the chunk came from.
      ...(chunk.locationType === 'CONFLUENCE' ? {} : { 'x-amz-bedrock-kb-source-file-modality': 'TEXT' }),
      // URL-encoded, as every recorded reference carries it ('1%3A0%3A…').
      'x-amz-bedrock-kb-chunk-id': encodeURIComponent(chunk.id),
      'x-amz-bedrock-kb-data-source-id': chunk.dataSourceId,
      // The Confluence connector knows each page's title; an S3 object has none of its own.
      ...(chunk.locationType === 'CONFLUENCE' ? { title: chunk.title } : {}),
    },
  };
}
