/**
 * A request's `vectorSearchConfiguration` applied to one knowledge base: how many chunks, which
 * documents may answer (the metadata filter, applied before ranking), and an optional second pass
 * by a rerank model that reorders them and keeps `numberOfRerankedResults`.
 */

import type { VectorStore } from '../../../config/answer-settings-core.ts';
import { validationError } from '../errors.ts';
import type { DocumentMetadata } from '../ingestion/metadata.ts';
import {
  chunkAttributes,
  type KnowledgeBase,
  type KnowledgeBaseChunk,
  type RetrievalQuery,
  type RetrievedChunk,
} from '../knowledge-base.ts';
import type { RerankingMetadataConfiguration, VectorSearchConfiguration } from '../schemas.ts';
import { assertValidFilter, matchesFilter } from './metadata-filter.ts';
import type { QueryPlan } from './query-plan.ts';
import { isRelevant } from './relevance.ts';
import { type RerankDocument, rerank } from './rerank.ts';
import { assertRerankModel } from './rerank-models.ts';

export interface VectorSearch {
  readonly numberOfResults: number;
  /** Set when the request filters on metadata. */
  readonly accept?: (attributes: DocumentMetadata) => boolean;
  readonly rerank?: {
    readonly numberOfRerankedResults?: number;
    /** What the reranker reads of a chunk: its content and the metadata chosen for reranking. */
    readonly documentOf: (chunk: KnowledgeBaseChunk) => RerankDocument;
  };
}

/**
 * Reads and checks the configuration (`path`: where it sits in the request, for error messages;
 * `region`: where the request was signed, for the rerank model; `store`: for the filter's operators).
 */
export function readVectorSearch(
  configuration: VectorSearchConfiguration | undefined,
  defaultNumberOfResults: number,
  path: string,
  region: string,
  store: VectorStore,
): VectorSearch {
  const filter = configuration?.filter ?? undefined;
  if (filter !== undefined) assertValidFilter(filter, `${path}.filter`, store);
  const search: VectorSearch = {
    numberOfResults: configuration?.numberOfResults ?? defaultNumberOfResults,
    ...(filter && { accept: (attributes: DocumentMetadata) => matchesFilter(filter, attributes) }),
  };
  const reranking = configuration?.rerankingConfiguration;
  if (reranking === undefined || reranking === null) return search;
  const bedrock = reranking.bedrockRerankingConfiguration;
  if (bedrock === undefined || bedrock === null) {
    throw validationError(
      `1 validation error detected: Value at '${path}.rerankingConfiguration.bedrockRerankingConfiguration' failed to satisfy constraint: Member must not be null`,
    );
  }
  assertRerankModel(bedrock.modelConfiguration.modelArn, region);
  const fields = metadataFields(bedrock.metadataConfiguration);
  const { numberOfRerankedResults } = bedrock;
  const rerank = {
    ...(numberOfRerankedResults === undefined ? {} : { numberOfRerankedResults }),
    documentOf: (chunk: KnowledgeBaseChunk) => rerankDocument(chunk, fields),
  };
  return { ...search, rerank };
}

export interface SearchOutcome {
  /** Best first: by the reranker's score when reranking (then `score` is that score), else the ranker's. */
  readonly results: readonly RetrievedChunk[];
  /** The first stage's best hit is worth answering from (the relevance gate of generation). */
  readonly answerable: boolean;
}

/**
 * Runs the search: filtered ranking, then the rerank pass if configured. Reranked chunks are worth
 * answering from when they cover the question (the relevance test without the first stage's "ranks
 * close to the best" clause: the reranker's order replaces the first stage's).
 */
export function runVectorSearch(
  kb: KnowledgeBase,
  query: RetrievalQuery | QueryPlan,
  questionText: string,
  search: VectorSearch,
): SearchOutcome {
  const plan = 'terms' in query ? query : kb.plan(query);
  const ranked = kb.retrieve(plan, search.numberOfResults, search.accept);
  const answerable = ranked[0]?.relevant === true;
  if (search.rerank === undefined) return { results: ranked, answerable };
  const { documentOf, numberOfRerankedResults } = search.rerank;
  const order = rerank(
    questionText,
    ranked.map((result) => documentOf(result.chunk)),
  ).slice(0, numberOfRerankedResults ?? ranked.length);
  const results = order.flatMap(({ index, relevanceScore }) => {
    const result = ranked[index];
    return result ? [{ ...result, score: relevanceScore, relevant: isRelevant(plan, result.judgement) }] : [];
  });
  return { results, answerable };
}

/** Which metadata the reranker reads: none unless configured (ALL, or SELECTIVE include/exclude). */
function metadataFields(configuration?: RerankingMetadataConfiguration): (name: string) => boolean {
  if (configuration === undefined) return () => false;
  if (configuration.selectionMode === 'ALL') return () => true;
  const selective = configuration.selectiveModeConfiguration;
  const include = selective?.fieldsToInclude;
  const listed = new Set((include ?? selective?.fieldsToExclude ?? []).map((field) => field.fieldName));
  return (name) => listed.has(name) === (include !== undefined);
}

function rerankDocument(chunk: KnowledgeBaseChunk, reads: (name: string) => boolean): RerankDocument {
  const chosen = Object.entries(chunkAttributes(chunk)).filter(([name]) => reads(name));
  if (chosen.length === 0) return chunk.text;
  const lines = chosen.map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
  return { text: chunk.text, metadata: lines.join('\n') };
}
