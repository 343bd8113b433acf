/**
 * One knowledge base: its data sources (local folders standing for S3 buckets), the chunks
 * ingested from them, and retrieval over those chunks.
 */
import { createHash } from 'node:crypto';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { analyze, nameTerms, normalizeTerm, tokenize } from './analyzer.ts';
import { chunkText } from './chunker.ts';
import { listDocumentFiles, loadDocument } from './documents.ts';
import { isFollowUp } from './follow-up.ts';
import { type Coverage, coverage, focus, isRelevant, type QueryConcept } from './relevance.ts';
import { SearchIndex } from './search-index.ts';
import { splitSentences } from './sentences.ts';
import { synonymsOf } from './synonyms.ts';

export interface DataSourceConfig {
  readonly dataSourceId: string;
  readonly type: 'S3';
  readonly folder: string;
  readonly bucketName: string;
}

export interface KnowledgeBaseChunk {
  readonly id: string;
  readonly text: string;
  readonly title: string;
  readonly sourceUri: string;
  readonly dataSourceId: string;
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
  /** How much of the current question this chunk covers. */
  readonly coverage: Coverage;
  /** Whether the chunk clears the relevance threshold. */
  readonly relevant: boolean;
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
}

/** Earlier questions count for less the further back they are: 0.5, then 0.25, then 0.125. */
const HISTORY_WEIGHTS = [0.5, 0.25, 0.125] as const;
/** A synonym found in a chunk counts for less than the word the user wrote. */
const SYNONYM_WEIGHT = 0.6;
/** How many index hits are re-ranked; more than any numberOfResults a caller sensibly asks for. */
const CANDIDATES = 100;

export class KnowledgeBase {
  readonly id: string;
  readonly dataSources: readonly DataSourceConfig[];
  readonly #index = new SearchIndex();
  readonly #chunks = new Map<string, KnowledgeBaseChunk>();
  /** Per chunk: the analysed title, then each sentence, for proximity ranking. */
  readonly #units = new Map<string, readonly ReadonlySet<string>[]>();
  /** Keyed by source URI, so re-ingestion can replace exactly a document's own chunks. */
  readonly #documents = new Map<string, IngestedDocument>();

  constructor(id: string, dataSources: readonly DataSourceConfig[]) {
    this.id = id;
    this.dataSources = dataSources;
  }

  get documentCount(): number {
    return this.#documents.size;
  }

  get chunkCount(): number {
    return this.#chunks.size;
  }

  /** Lists every data source's files first, so progress can report a total. */
  async listFiles(): Promise<{ source: DataSourceConfig; relativePath: string }[]> {
    const files: { source: DataSourceConfig; relativePath: string }[] = [];
    for (const source of this.dataSources) {
      for (const relativePath of await listDocumentFiles(source.folder)) files.push({ source, relativePath });
    }
    return files;
  }

  /** (Re)ingests one document, replacing any chunks it had before. */
  async ingestFile(source: DataSourceConfig, relativePath: string): Promise<number> {
    const document = await loadDocument(source.folder, relativePath);
    const sourceUri = `s3://${source.bucketName}/${relativePath}`;
    this.removeDocument(sourceUri);
    const pieces = chunkText(document.text, knowledgeBaseSettings.chunking);
    const chunkIds = pieces.map((piece, i) => {
      const chunk: KnowledgeBaseChunk = {
        id: chunkId(source.dataSourceId, sourceUri, i),
        text: piece.text,
        title: document.title,
        sourceUri,
        dataSourceId: source.dataSourceId,
      };
      this.#chunks.set(chunk.id, chunk);
      const titleTerms = analyze(chunk.title);
      this.#units.set(chunk.id, [
        new Set(titleTerms),
        ...splitSentences(chunk.text).map((sentence) => new Set(analyze(sentence.text))),
      ]);
      this.#index.add({ id: chunk.id, title: chunk.title, text: chunk.text });
      return chunk.id;
    });
    this.#documents.set(sourceUri, { dataSourceId: source.dataSourceId, chunkIds });
    return chunkIds.length;
  }

  removeDocument(sourceUri: string): void {
    const previous = this.#documents.get(sourceUri);
    if (previous === undefined) return;
    for (const id of previous.chunkIds) {
      this.#index.remove(id);
      this.#chunks.delete(id);
      this.#units.delete(id);
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

  /**
   * What each word of the query is worth when picking sentences to answer with: its IDF, times
   * its weight (earlier turns and synonyms count for less).
   */
  termWeights(query: RetrievalQuery): Map<string, number> {
    const question = toConcepts(query.text, 1, this.#index);
    const concepts = withHistory(question, query.history ?? [], HISTORY_WEIGHTS, this.#index);
    const weights = new Map<string, number>();
    for (const [term, weight] of searchWeights(concepts)) weights.set(term, weight * this.#index.idf(term));
    return weights;
  }

  /**
   * Ranks chunks for a question. Candidates come from BM25 over the question and (at lower
   * weights) earlier questions of the session, so "and how do I remove it?" still finds the Pack
   * article asked about before. They are re-ranked by how much of the query they cover overall
   * and within a single sentence, so a chunk that answers the question in one place beats one
   * that repeats a single word or scatters the words across paragraphs.
   */
  retrieve(query: RetrievalQuery, numberOfResults: number): RetrievedChunk[] {
    const history = query.history ?? [];
    const question = toConcepts(query.text, 1, this.#index);
    const concepts = withHistory(question, history, HISTORY_WEIGHTS, this.#index);
    // A follow-up is judged together with the question it follows, at full weight: "and how do I
    // undo that?" is about starring docs even though "undo" appears nowhere.
    const followUp = history.length > 0 && (question.length === 0 || isFollowUp(query.text));
    const judged = followUp ? withHistory(question, history.slice(-1), [1], this.#index) : question;
    const stats = this.#index;

    const hits = this.#index.search(searchWeights(concepts), CANDIDATES);
    const ranked = hits.map((hit) => {
      const terms = this.#index.termsOf(hit.id);
      const overall = coverage(concepts, terms, stats).share;
      const near = focus(concepts, this.#units.get(hit.id) ?? [], stats);
      return {
        hit,
        overall,
        // BM25 finds candidates; coverage and (squared, so it decides close calls) focus
        // prefer the chunk that answers in one place over the overview that mentions everything.
        rank: hit.score * (0.25 + overall) * (0.05 + near) ** 2,
        judgement: coverage(judged, terms, stats),
      };
    });
    ranked.sort((a, b) => b.rank - a.rank);
    const best = ranked[0]?.rank || 1;

    return ranked.slice(0, numberOfResults).flatMap(({ hit, overall, rank, judgement }) => {
      const chunk = this.#chunks.get(hit.id);
      if (chunk === undefined) return [];
      // Reported scores blend absolute coverage with the position relative to the best hit.
      const score = Number((0.7 * overall + 0.3 * (rank / best)).toFixed(4));
      return [{ chunk, score, coverage: judgement, relevant: isRelevant(judgement) }];
    });
  }
}

/** The content words of a text as concepts: each with its synonyms, or its spelling fixed. */
function toConcepts(text: string, weight: number, index: SearchIndex): QueryConcept[] {
  const names = new Set(nameTerms(text));
  const concepts = new Map<string, QueryConcept>();
  for (const token of tokenize(text)) {
    const term = normalizeTerm(token);
    if (term === null || concepts.has(term)) continue;
    const corrected = index.isKnown(term) ? undefined : index.correct(token);
    const alternatives = corrected === undefined ? synonymsOf(term) : [corrected, ...synonymsOf(corrected)];
    concepts.set(term, { terms: [term, ...alternatives], weight, isName: names.has(term) });
  }
  return [...concepts.values()];
}

/** Earlier questions join the query at lower weights, unless the current one already has the word. */
function withHistory(
  question: readonly QueryConcept[],
  history: readonly string[],
  weights: readonly number[],
  index: SearchIndex,
): QueryConcept[] {
  const concepts = [...question];
  const seen = new Set(question.map((concept) => concept.terms[0]));
  const recentFirst = [...history].reverse();
  weights.forEach((weight, i) => {
    for (const concept of toConcepts(recentFirst[i] ?? '', weight, index)) {
      if (seen.has(concept.terms[0])) continue;
      seen.add(concept.terms[0]);
      concepts.push(concept);
    }
  });
  return concepts;
}

/** Synonyms are searched for, at a discount against the word the user wrote. */
function searchWeights(concepts: readonly QueryConcept[]): Map<string, number> {
  const weights = new Map<string, number>();
  for (const concept of concepts) {
    concept.terms.forEach((term, i) => {
      const weight = concept.weight * (i === 0 ? 1 : SYNONYM_WEIGHT);
      weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    });
  }
  return weights;
}

/**
 * Deterministic per data source, document and position: re-ingesting a document reuses its ids,
 * and a later ingestion job can account for chunks per document. Bedrock's ids are opaque too.
 */
function chunkId(dataSourceId: string, sourceUri: string, index: number): string {
  const digest = createHash('sha256').update(`${dataSourceId}\n${sourceUri}`).digest('hex').slice(0, 24);
  return `${digest}:${index}`;
}

export async function ingestAll(
  knowledgeBases: readonly KnowledgeBase[],
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestResult> {
  const work = [];
  for (const kb of knowledgeBases) for (const file of await kb.listFiles()) work.push({ kb, ...file });
  let done = 0;
  for (const { kb, source, relativePath } of work) {
    await kb.ingestFile(source, relativePath);
    done += 1;
    onProgress?.({ done, total: work.length, file: relativePath });
  }
  // Documents deleted from a folder since the last ingestion leave the index too.
  for (const kb of knowledgeBases) {
    for (const source of kb.dataSources) {
      const present = new Set(
        work
          .filter((w) => w.kb === kb && w.source === source)
          .map((w) => `s3://${source.bucketName}/${w.relativePath}`),
      );
      for (const uri of kb.documentUris(source.dataSourceId)) if (!present.has(uri)) kb.removeDocument(uri);
    }
  }
  return {
    documents: knowledgeBases.reduce((sum, kb) => sum + kb.documentCount, 0),
    chunks: knowledgeBases.reduce((sum, kb) => sum + kb.chunkCount, 0),
  };
}
