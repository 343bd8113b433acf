/**
 * One knowledge base: its data sources, the chunks ingested from them, and retrieval over them.
 * Ingestion (ingestion/) turns files into documents; this file cuts them into chunks and keeps
 * them; retrieval (retrieval/) ranks them for a question.
 */
import { createHash } from 'node:crypto';
import type { VectorStore } from '../../config/answer-settings-core.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import type { DataSourceConfig, LocationType, PreparedDocument } from './ingestion/data-sources.ts';
import { type DocumentMetadata, textValue } from './ingestion/metadata.ts';
import { chunkSections } from './ingestion/sections.ts';
import { ChunkIndex } from './retrieval/chunk-index.ts';
import { planQuery, type QueryPlan } from './retrieval/query-plan.ts';
import { rankChunks } from './retrieval/rank.ts';
import type { Judgement } from './retrieval/relevance.ts';

export type { DataSourceConfig } from './ingestion/data-sources.ts';
export { ingestAll } from './ingestion/sync.ts';

export interface KnowledgeBaseChunk {
  readonly id: string;
  readonly text: string;
  readonly title: string;
  /** The headings opening the chunk's section, outermost first. */
  readonly headings?: readonly string[];
  readonly sourceUri: string;
  readonly dataSourceId: string;
  /** Set for Confluence pages (`sourceUri` is then the page URL); absent means S3. */
  readonly locationType?: Exclude<LocationType, 'S3'>;
  /** The document's metadata attributes (front matter, `.metadata.json`). */
  readonly metadata?: DocumentMetadata;
}

export interface RetrievalQuery {
  readonly text: string;
  /** Earlier user questions in the same session, oldest first. */
  readonly history?: readonly string[];
}

export interface RetrievedChunk {
  readonly chunk: KnowledgeBaseChunk;
  /** 0..1, higher is better; what Retrieve reports as `score`. */
  readonly score: number;
  /** Worth answering from (see retrieval/rank.ts). */
  readonly relevant: boolean;
  /** How much of the question it covers (see retrieval/relevance.ts). */
  readonly judgement: Judgement;
}

export interface IngestProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

export interface IngestResult {
  readonly documents: number;
  readonly chunks: number;
}

interface IngestedDocument {
  readonly dataSourceId: string;
  readonly chunkIds: readonly string[];
  /** The content hash it was ingested with: a sync skips the document while it is unchanged. */
  readonly contentHash?: string;
  /** The hash of the `.metadata.json` it was ingested with, if it had one. */
  readonly sidecarHash?: string;
}

export class KnowledgeBase {
  readonly id: string;
  readonly dataSources: readonly DataSourceConfig[];
  readonly #index = new ChunkIndex();
  readonly #chunks = new Map<string, KnowledgeBaseChunk>();
  /** What a metadata filter may see of each chunk (shared by a document's chunks). */
  readonly #filterableOf = new Map<string, DocumentMetadata>();
  /** Keyed by source URI, so re-ingestion can replace exactly a document's own chunks. */
  readonly #documents = new Map<string, IngestedDocument>();

  /** Keys the vector store keeps unfilterable (S3 Vectors' non-filterable metadata): no filter sees them. */
  readonly #nonFilterable: ReadonlySet<string>;

  /** Where the vectors are kept: bounds the filter operators a request may use. */
  readonly vectorStore: VectorStore;

  constructor(
    id: string,
    dataSources: readonly DataSourceConfig[],
    store: {
      readonly nonFilterableMetadataKeys?: readonly string[];
      readonly vectorStore?: VectorStore;
    } = {},
  ) {
    this.id = id;
    this.dataSources = dataSources;
    this.#nonFilterable = new Set(store.nonFilterableMetadataKeys ?? []);
    this.vectorStore = store.vectorStore ?? 'opensearch-serverless';
  }

  get documentCount(): number {
    return this.#documents.size;
  }

  get chunkCount(): number {
    return this.#chunks.size;
  }

  /**
   * Indexes one document, replacing any chunks it had before (so a shorter new version leaves no
   * stale chunk). `contentHash` lets a later sync skip the document while it is unchanged;
   * `sidecarHash` tells it whether the document's metadata file changed.
   */
  ingestDocument(
    dataSourceId: string,
    document: PreparedDocument,
    hashes: { readonly contentHash?: string; readonly sidecarHash?: string } = {},
  ): number {
    const { sourceUri } = document;
    this.removeDocument(sourceUri);
    const pieces = chunkSections(document.text, document.headingLines ?? [], knowledgeBaseSettings.chunking);
    const idPrefix = chunkIdPrefix(dataSourceId, sourceUri);
    // A title made of the first sentence is in the text already: it names nothing more.
    const indexedTitle = document.titleFromFirstSentence ? '' : document.title;
    const metadata = document.metadata ?? {};
    const description = textValue(metadata, 'description') ?? '';
    let filterable: DocumentMetadata | undefined;
    const chunkIds = pieces.map((piece, i) => {
      const chunk: KnowledgeBaseChunk = {
        id: `${idPrefix}:${i}`,
        text: piece.text,
        title: document.title,
        ...(piece.headings.length > 0 ? { headings: piece.headings } : {}),
        sourceUri,
        dataSourceId,
        ...(document.locationType === 'S3' ? {} : { locationType: document.locationType }),
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      };
      this.#chunks.set(chunk.id, chunk);
      // Every chunk of a document shows a filter the same attributes: computed once, not per query.
      filterable ??= this.#filterable(chunk);
      this.#filterableOf.set(chunk.id, filterable);
      const headings = piece.headings.join('\n');
      this.#index.add({ id: chunk.id, title: indexedTitle, headings, description, body: piece.text });
      return chunk.id;
    });
    const { contentHash, sidecarHash } = hashes;
    this.#documents.set(sourceUri, {
      dataSourceId,
      chunkIds,
      ...(contentHash ? { contentHash } : {}),
      ...(sidecarHash ? { sidecarHash } : {}),
    });
    return chunkIds.length;
  }

  /** The content hash a document was last ingested with, if any. */
  contentHashOf(sourceUri: string): string | undefined {
    return this.#documents.get(sourceUri)?.contentHash;
  }

  /** The hash of the metadata file a document was last ingested with, if it had one. */
  sidecarHashOf(sourceUri: string): string | undefined {
    return this.#documents.get(sourceUri)?.sidecarHash;
  }

  removeDocument(sourceUri: string): void {
    const previous = this.#documents.get(sourceUri);
    if (previous === undefined) return;
    for (const id of previous.chunkIds) {
      this.#index.remove(id);
      this.#chunks.delete(id);
      this.#filterableOf.delete(id);
    }
    this.#documents.delete(sourceUri);
  }

  /** Source URIs currently ingested from one data source (for sync: what disappeared). */
  documentUris(dataSourceId: string): string[] {
    return [...this.#documents].filter(([, doc]) => doc.dataSourceId === dataSourceId).map(([uri]) => uri);
  }

  idf(term: string): number {
    return this.#index.idf(term);
  }

  /** The question analysed once, for ranking and for the generator. */
  plan(query: RetrievalQuery): QueryPlan {
    return planQuery(query.text, query.history ?? [], this.#index);
  }

  /**
   * Ranks chunks for a question (see retrieval/). With `accept` (a metadata filter, given what a
   * filter may see of a chunk), only accepted chunks are ranked at all, so the best
   * `numberOfResults` of them come back.
   */
  retrieve(
    query: RetrievalQuery | QueryPlan,
    numberOfResults: number,
    accept?: (attributes: DocumentMetadata) => boolean,
  ): RetrievedChunk[] {
    const plan = 'terms' in query ? query : this.plan(query);
    const accepted =
      accept &&
      ((id: string) => {
        const attributes = this.#filterableOf.get(id);
        return attributes !== undefined && accept(attributes);
      });
    return rankChunks(plan, this.#index, numberOfResults, accepted).flatMap(({ id, ...ranked }) => {
      const chunk = this.#chunks.get(id);
      return chunk === undefined ? [] : [{ chunk, ...ranked }];
    });
  }

  /** What a metadata filter sees of a chunk: its attributes but the store's non-filterable ones. */
  #filterable(chunk: KnowledgeBaseChunk): DocumentMetadata {
    const attributes = chunkAttributes(chunk);
    if (this.#nonFilterable.size === 0) return attributes;
    return Object.fromEntries(Object.entries(attributes).filter(([key]) => !this.#nonFilterable.has(key)));
  }
}

/**
 * A chunk's metadata: its document's attributes and the two Bedrock adds to every chunk that a
 * filter may name (the source URI and the data source id).
 */
export function chunkAttributes(chunk: KnowledgeBaseChunk): DocumentMetadata {
  return {
    ...chunk.metadata,
    'x-amz-bedrock-kb-source-uri': chunk.sourceUri,
    'x-amz-bedrock-kb-data-source-id': chunk.dataSourceId,
  };
}

/**
 * Deterministic per data source, document and position: re-ingesting a document reuses its ids,
 * and a later ingestion job can account for chunks per document. Bedrock's ids are opaque too.
 */
function chunkIdPrefix(dataSourceId: string, sourceUri: string): string {
  return createHash('sha256').update(`${dataSourceId}\n${sourceUri}`).digest('hex').slice(0, 24);
}
