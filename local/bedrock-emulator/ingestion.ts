/**
 * Incremental ingestion of a data source into a knowledge base, the work an ingestion job does:
 * documents whose content hash is unchanged are skipped, new and modified ones are (re)chunked and
 * replace exactly their own chunks, and documents gone from the source leave the index with all of
 * their chunks. Boot ingestion (`emulator.ingest()`) and StartIngestionJob both come through here.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type DataSourceConfig, type DataSourceScan, scanDataSource } from './data-sources.ts';
import type { IngestProgress, IngestResult, KnowledgeBase } from './knowledge-base.ts';

/** Bedrock's document counters for one job (the metadata counters are always 0 here). */
export interface SyncStatistics {
  numberOfDocumentsScanned: number;
  numberOfNewDocumentsIndexed: number;
  numberOfModifiedDocumentsIndexed: number;
  numberOfDocumentsDeleted: number;
  numberOfDocumentsFailed: number;
}

export const emptyStatistics = (): SyncStatistics => ({
  numberOfDocumentsScanned: 0,
  numberOfNewDocumentsIndexed: 0,
  numberOfModifiedDocumentsIndexed: 0,
  numberOfDocumentsDeleted: 0,
  numberOfDocumentsFailed: 0,
});

export interface SyncHooks {
  /** Called after each document with the running statistics; may wait (job pacing). */
  onDocument?(relativePath: string, statistics: Readonly<SyncStatistics>): void | Promise<void>;
  /** Checked between documents: true stops the sync where it is (StopIngestionJob). */
  shouldStop?(): boolean;
}

export interface SyncOutcome {
  readonly statistics: SyncStatistics;
  /** One line per document that failed, for the job's `failureReasons`. */
  readonly failures: readonly string[];
  readonly stopped: boolean;
}

/** Scans a data source and applies the differences to the knowledge base. */
export async function syncDataSource(
  kb: KnowledgeBase,
  source: DataSourceConfig,
  hooks: SyncHooks = {},
): Promise<SyncOutcome> {
  return applyScan(kb, source, await scanDataSource(source), hooks);
}

/** Applies a scan: index what is new or changed, drop what disappeared, skip the rest. */
export async function applyScan(
  kb: KnowledgeBase,
  source: DataSourceConfig,
  scan: DataSourceScan,
  hooks: SyncHooks = {},
): Promise<SyncOutcome> {
  const statistics = emptyStatistics();
  const failures: string[] = [];
  const before = new Set(kb.documentUris(source.dataSourceId));
  const present = new Set<string>();

  for (const { reason } of scan.rejected) {
    statistics.numberOfDocumentsScanned += 1;
    statistics.numberOfDocumentsFailed += 1;
    failures.push(reason);
  }
  for (const document of scan.documents) {
    if (hooks.shouldStop?.()) return { statistics, failures, stopped: true };
    statistics.numberOfDocumentsScanned += 1;
    present.add(document.sourceUri);
    const known = before.has(document.sourceUri);
    if (!known || kb.contentHashOf(document.sourceUri) !== document.contentHash) {
      try {
        kb.ingestDocument(source.dataSourceId, await document.load(), document.contentHash);
        if (known) statistics.numberOfModifiedDocumentsIndexed += 1;
        else statistics.numberOfNewDocumentsIndexed += 1;
      } catch (error) {
        // A document that cannot be read keeps whatever it had indexed before, as on Bedrock.
        statistics.numberOfDocumentsFailed += 1;
        failures.push(`${document.relativePath}: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Let queries (and GetIngestionJob) in between documents, as a background job would.
      await nextTurn();
    }
    await hooks.onDocument?.(document.relativePath, statistics);
  }
  if (hooks.shouldStop?.()) return { statistics, failures, stopped: true };
  for (const uri of before) {
    if (present.has(uri)) continue;
    kb.removeDocument(uri);
    statistics.numberOfDocumentsDeleted += 1;
  }
  return { statistics, failures, stopped: false };
}

/**
 * Ingests every data source of the given knowledge bases incrementally, reporting progress over all
 * of their documents (every source is scanned first, so the total is known from the start).
 */
export async function ingestAll(
  knowledgeBases: readonly KnowledgeBase[],
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestResult> {
  const work: { kb: KnowledgeBase; source: DataSourceConfig; scan: DataSourceScan }[] = [];
  for (const kb of knowledgeBases) {
    for (const source of kb.dataSources) work.push({ kb, source, scan: await scanDataSource(source) });
  }
  const total = work.reduce((sum, w) => sum + w.scan.documents.length, 0);
  let done = 0;
  for (const { kb, source, scan } of work) {
    await applyScan(kb, source, scan, {
      onDocument: (file) => {
        done += 1;
        onProgress?.({ done, total, file });
      },
    });
  }
  return totals(knowledgeBases);
}

export function totals(knowledgeBases: readonly KnowledgeBase[]): IngestResult {
  return {
    documents: knowledgeBases.reduce((sum, kb) => sum + kb.documentCount, 0),
    chunks: knowledgeBases.reduce((sum, kb) => sum + kb.chunkCount, 0),
  };
}
