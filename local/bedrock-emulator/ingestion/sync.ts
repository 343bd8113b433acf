/**
 * Incremental ingestion of a data source into a knowledge base, the work an ingestion job does:
 * documents whose content hash is unchanged are skipped, new and modified ones are (re)chunked and
 * replace exactly their own chunks, and documents gone from the source leave the index with all of
 * their chunks. Boot ingestion (`emulator.ingest()`) and StartIngestionJob both come through here.
 *
 * The index keeps serving while a sync runs, and is updated document by document: each document's
 * old chunks are swapped for its new ones synchronously (no query can run in between), so there is
 * no moment where a document is missing or has both versions; queries between two documents see
 * some documents new and the others still old.
 *
 * Bad files never fail the job: an empty file (or one with no text) is skipped, counted in
 * `numberOfDocumentsSkipped`, and an earlier version of it leaves the index; an unreadable, binary
 * or oversized file counts in `numberOfDocumentsFailed` and keeps what it had indexed before (as on
 * Bedrock). Either way its reason goes to the job's `failureReasons`. An object of a type Bedrock
 * does not ingest is scanned and ignored: counted in no other statistic, and named in
 * `failureReasons` with Bedrock's words ("Ignored 1 files as their file format was not supported."),
 * the way a real job reports the files it ignores while it still completes.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { IngestProgress, IngestResult, KnowledgeBase } from '../knowledge-base.ts';
import { type DataSourceConfig, type DataSourceScan, scanDataSource } from './data-sources.ts';

/** Bedrock's counters for one job: the model's `IngestionJobStatistics`. */
export interface SyncStatistics {
  numberOfDocumentsScanned: number;
  /** `.metadata.json` files read beside the documents: new, changed and unchanged. */
  numberOfMetadataDocumentsScanned: number;
  numberOfNewDocumentsIndexed: number;
  numberOfModifiedDocumentsIndexed: number;
  /** Metadata files changed, or gone, since the document was last indexed with them (new ones are not). */
  numberOfMetadataDocumentsModified: number;
  numberOfDocumentsDeleted: number;
  numberOfDocumentsFailed: number;
  /** Files with nothing to ingest (empty, or no text once markup is removed). */
  numberOfDocumentsSkipped: number;
}

export const emptyStatistics = (): SyncStatistics => ({
  numberOfDocumentsScanned: 0,
  numberOfMetadataDocumentsScanned: 0,
  numberOfNewDocumentsIndexed: 0,
  numberOfModifiedDocumentsIndexed: 0,
  numberOfMetadataDocumentsModified: 0,
  numberOfDocumentsDeleted: 0,
  numberOfDocumentsFailed: 0,
  numberOfDocumentsSkipped: 0,
});

export interface SyncHooks {
  /** Called after each document with the running statistics; may wait (job pacing). */
  onDocument?(relativePath: string, statistics: Readonly<SyncStatistics>): void | Promise<void>;
  /** Checked between documents: true stops the sync where it is (StopIngestionJob). */
  shouldStop?(): boolean;
}

export interface SyncOutcome {
  readonly statistics: SyncStatistics;
  /** One line per document that failed, then per document skipped, for the job's `failureReasons`. */
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
  const skips: string[] = [];
  const outcome = (stopped: boolean): SyncOutcome => ({
    statistics,
    failures: [...failures, ...skips],
    stopped,
  });
  const before = new Set(kb.documentUris(source.dataSourceId));
  const present = new Set<string>();

  for (const { sourceUri, reason } of scan.rejected) {
    statistics.numberOfDocumentsScanned += 1;
    statistics.numberOfDocumentsFailed += 1;
    failures.push(reason);
    // A file that cannot be read keeps whatever it had indexed before, as on Bedrock.
    if (sourceUri !== undefined) present.add(sourceUri);
  }
  statistics.numberOfDocumentsScanned += scan.ignored.length;
  statistics.numberOfMetadataDocumentsScanned += scan.metadataScanned;
  failures.push(...ignoredReasons(scan.ignored));
  for (const { reason } of scan.skipped) {
    statistics.numberOfDocumentsScanned += 1;
    statistics.numberOfDocumentsSkipped += 1;
    skips.push(reason);
  }
  for (const document of scan.documents) {
    if (hooks.shouldStop?.()) return outcome(true);
    statistics.numberOfDocumentsScanned += 1;
    present.add(document.sourceUri);
    const known = before.has(document.sourceUri);
    const previousSidecar = known ? kb.sidecarHashOf(document.sourceUri) : undefined;
    if (!known || kb.contentHashOf(document.sourceUri) !== document.contentHash) {
      try {
        const prepared = await document.load();
        if (prepared.text.trim().length === 0) {
          statistics.numberOfDocumentsSkipped += 1;
          skips.push(`${document.relativePath}: it has no text to index.`);
          present.delete(document.sourceUri);
        } else {
          kb.ingestDocument(source.dataSourceId, prepared, {
            contentHash: document.contentHash,
            ...(document.sidecarHash === undefined ? {} : { sidecarHash: document.sidecarHash }),
          });
          if (known) statistics.numberOfModifiedDocumentsIndexed += 1;
          else statistics.numberOfNewDocumentsIndexed += 1;
        }
      } catch (error) {
        // A document that cannot be read keeps whatever it had indexed before, as on Bedrock.
        statistics.numberOfDocumentsFailed += 1;
        failures.push(`${document.relativePath}: ${error instanceof Error ? error.message : String(error)}`);
      }
      // Let queries (and GetIngestionJob) in between documents, as a background job would.
      await nextTurn();
    }
    // A document left with no text is removed below, which counts its metadata file then.
    if (
      previousSidecar !== undefined &&
      previousSidecar !== document.sidecarHash &&
      present.has(document.sourceUri)
    )
      statistics.numberOfMetadataDocumentsModified += 1;
    await hooks.onDocument?.(document.relativePath, statistics);
  }
  if (hooks.shouldStop?.()) return outcome(true);
  for (const uri of before) {
    if (present.has(uri)) continue;
    // A document gone from the source takes its metadata file with it.
    if (kb.sidecarHashOf(uri) !== undefined) statistics.numberOfMetadataDocumentsModified += 1;
    kb.removeDocument(uri);
    statistics.numberOfDocumentsDeleted += 1;
  }
  return outcome(false);
}

/** Bedrock's limit on one line of `failureReasons` (IngestionJob in its API model). */
const MAX_REASON_LENGTH = 2048;

/**
 * Bedrock's lines for objects it ignored as of an unsupported type, as many to a line as fit in
 * one `failureReasons` entry.
 */
function ignoredReasons(uris: readonly string[]): string[] {
  const line = (group: readonly string[]) =>
    `Ignored ${group.length} files as their file format was not supported. [Files: ${group.join(', ')}]`;
  const lines: string[] = [];
  let group: string[] = [];
  for (const uri of uris) {
    if (group.length > 0 && line([...group, uri]).length > MAX_REASON_LENGTH) {
      lines.push(line(group));
      group = [];
    }
    group.push(uri);
  }
  if (group.length > 0) lines.push(line(group));
  return lines;
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
