/**
 * One knowledge base: its data sources (local folders standing for S3 buckets), the chunks
 * ingested from them, and retrieval over those chunks.
 */
import { createHash } from 'node:crypto';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { analyze } from './analyzer.ts';
import { chunkText } from './chunker.ts';
import { listDocumentFiles, loadDocument } from './documents.ts';
import { type Coverage, coverage, focus, isRelevant } from './relevance.ts';
import { SearchIndex } from './search-index.ts';
import { splitSentences } from './sentences.ts';

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
      this.#units.set(chunk.id, [
        new Set(analyze(chunk.title)),
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
   * Ranks chunks for a question. Candidates come from BM25 over the question and (at lower
   * weights) earlier questions of the session, so "and how do I remove it?" still finds the Pack
   * article asked about before. They are then re-ranked by how much of the query they cover, so
   * a chunk that answers every part of the question beats one that repeats a single word.
   */
  retrieve(query: RetrievalQuery, numberOfResults: number): RetrievedChunk[] {
    const questionTerms = analyze(query.text);
    const weights = queryWeights(questionTerms, query.history ?? []);
    // A follow-up made only of stop words ("and then?") is judged on the conversation instead.
    const judgedTerms = questionTerms.length > 0 ? questionTerms : [...weights.keys()];
    const idf = (term: string) => this.#index.idf(term);

    const hits = this.#index.search(weights, CANDIDATES);
    const ranked = hits.map((hit) => {
      const terms = this.#index.termsOf(hit.id);
      const weighted = weightedShare(weights, terms, idf);
      const near = focus(weights, this.#units.get(hit.id) ?? [], idf);
      const E1 = Number(process.env.E1 ?? 1), E2 = Number(process.env.E2 ?? 1), O = Number(process.env.O ?? 0.5);
      const rank = hit.score ** E1 * (0.25 + weighted) * (O + near) ** E2;
      if (process.env.KB_DEBUG) console.log('   ', hit.id.slice(-4), this.#chunks.get(hit.id)?.sourceUri.split('/').pop(), 'bm25', hit.score.toFixed(2), 'w', weighted.toFixed(2), 'near', near.toFixed(2), 'rank', rank.toFixed(2));
      return { hit, rank, weighted, judged: coverage(judgedTerms, terms, idf) };
    });
    ranked.sort((a, b) => b.rank - a.rank);
    const best = ranked[0]?.rank ?? 1;

    return ranked.slice(0, numberOfResults).flatMap(({ hit, rank, weighted, judged }) => {
      const chunk = this.#chunks.get(hit.id);
      if (chunk === undefined) return [];
      // Reported scores blend absolute coverage with the position relative to the best hit.
      const score = Number((0.7 * weighted + 0.3 * (rank / best)).toFixed(4));
      return [{ chunk, score, coverage: judged, relevant: isRelevant(judged) }];
    });
  }
}

function queryWeights(questionTerms: readonly string[], history: readonly string[]): Map<string, number> {
  const weights = new Map<string, number>();
  const recentFirst = [...history].reverse();
  HISTORY_WEIGHTS.forEach((weight, i) => {
    const earlier = recentFirst[i];
    if (earlier === undefined) return;
    for (const term of analyze(earlier)) weights.set(term, Math.max(weights.get(term) ?? 0, weight));
  });
  for (const term of questionTerms) weights.set(term, 1);
  return weights;
}

function weightedShare(
  weights: ReadonlyMap<string, number>,
  terms: ReadonlySet<string>,
  idf: (term: string) => number,
): number {
  let total = 0;
  let matched = 0;
  for (const [term, weight] of weights) {
    const w = weight * idf(term);
    total += w;
    if (terms.has(term)) matched += w;
  }
  return total === 0 ? 0 : matched / total;
}

/**
 * Stable across re-ingestion of an unchanged document, so a later ingestion job can tell which
 * chunks changed. Bedrock's own ids are opaque strings too.
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
