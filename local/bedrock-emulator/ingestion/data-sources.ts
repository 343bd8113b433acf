/**
 * Data sources as the emulator reads them: a folder standing for an S3 bucket, or a folder of
 * exported Confluence pages with a `pages.json` manifest giving each page its URL and title.
 * Scanning lists a data source's documents with a content hash each, so an ingestion job re-indexes
 * only what changed, as Bedrock does. Nothing outside a data source's folder is read: entries that
 * lead out of it through links are rejected with the reason (see documents.ts).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { MAX_FILE_BYTES, SIDECAR_SUFFIX } from '../../../config/document-formats.ts';
import {
  documentFromText,
  isInside,
  listDocuments,
  OUTSIDE_FILE_REASON,
  OUTSIDE_FOLDER_REASON,
  type SourceDocument,
} from './documents.ts';
import type { DocumentMetadata } from './metadata.ts';
import { parseSidecar } from './sidecar.ts';

interface DataSourceBase {
  readonly dataSourceId: string;
  /**
   * Files larger than this fail (with the reason) without being read.
   * @default MAX_FILE_BYTES (50 MB, Bedrock's limit)
   */
  readonly maxDocumentBytes?: number;
}

export interface S3DataSourceConfig extends DataSourceBase {
  readonly type: 'S3';
  /** A local folder standing for the bucket: documents get `s3://<bucketName>/<relative path>` URIs. */
  readonly folder: string;
  readonly bucketName: string;
}

export interface ConfluenceDataSourceConfig extends DataSourceBase {
  readonly type: 'CONFLUENCE';
  /**
   * A folder of exported pages (Markdown, HTML or text) and `pages.json`:
   * `{"hostUrl"?: "https://x.atlassian.net", "pages": [{"file", "url", "title"?}]}`. A page URL may be
   * relative to `hostUrl`. References to its chunks carry `confluenceLocation.url`.
   */
  readonly folder: string;
  /** The Confluence site GetDataSource reports; default: the manifest's `hostUrl`. */
  readonly hostUrl?: string;
}

export type DataSourceConfig = S3DataSourceConfig | ConfluenceDataSourceConfig;

export type LocationType = DataSourceConfig['type'];

export const CONFLUENCE_MANIFEST = 'pages.json';

/** One document ready to chunk and index. */
export interface PreparedDocument {
  /** `s3://bucket/key`, or the Confluence page URL. */
  readonly sourceUri: string;
  readonly locationType: LocationType;
  readonly title: string;
  /** The title is the document's first sentence: it is not indexed as a title. */
  readonly titleFromFirstSentence?: boolean;
  readonly text: string;
  /** Which lines of `text` are headings. */
  readonly headingLines?: readonly number[];
  readonly metadata?: DocumentMetadata;
}

/** A document found in a data source: where it is, what it holds (as a hash), and how to read it. */
export interface ScannedDocument {
  readonly relativePath: string;
  readonly sourceUri: string;
  /** SHA-256 of the raw bytes (and, for Confluence, the page's URL and title). */
  readonly contentHash: string;
  /** SHA-256 of its `.metadata.json`, when it has one. */
  readonly sidecarHash?: string;
  load(): Promise<PreparedDocument>;
}

/** A file the scan set aside, and why. */
export interface SetAside {
  readonly relativePath: string;
  /** The URI it would have (absent when it has none, e.g. a page missing from `pages.json`). */
  readonly sourceUri?: string;
  /** One line naming the file and the reason. */
  readonly reason: string;
}

export interface DataSourceScan {
  readonly documents: readonly ScannedDocument[];
  /**
   * Files that cannot be ingested: unreadable, binary, over the size cap, links leading outside the
   * folder, or (Confluence) without a URL. They count as failed documents and keep whatever they had indexed before.
   */
  readonly rejected: readonly SetAside[];
  /** Files with nothing to ingest (empty): counted as skipped; an earlier version leaves the index. */
  readonly skipped: readonly SetAside[];
  /**
   * The URIs of S3 objects of a type Bedrock does not ingest: scanned, then ignored, and named in
   * the job's `failureReasons` (see sync.ts).
   */
  readonly ignored: readonly string[];
  /** How many `.metadata.json` files beside the listed documents were read (valid or not). */
  readonly metadataScanned: number;
}

/** The data source cannot be read at all: the whole ingestion job fails. */
export class DataSourceUnavailableError extends Error {
  override readonly name = 'DataSourceUnavailableError';
}

/** Lists a data source's documents and hashes their content, without chunking anything. */
export async function scanDataSource(source: DataSourceConfig): Promise<DataSourceScan> {
  // Resolved once per scan: the folder may have been replaced since the last one.
  const root = await realpath(source.folder).catch(() => undefined);
  const isFolder =
    root !== undefined &&
    (await stat(root).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (root === undefined || !isFolder) {
    throw new DataSourceUnavailableError(
      source.type === 'S3'
        ? `The S3 bucket ${source.bucketName} (local folder ${source.folder}) does not exist or cannot be read.`
        : `The Confluence export folder ${source.folder} does not exist or cannot be read.`,
    );
  }
  return source.type === 'S3' ? scanS3(source, root) : scanConfluence(source, root);
}

async function scanS3(source: S3DataSourceConfig, root: string): Promise<DataSourceScan> {
  const { files, refused, unsupported, unreadable } = await listDocuments(source.folder);
  const uriOf = (relativePath: string) => `s3://${source.bucketName}/${relativePath}`;
  const scan = await scanFiles(source, root, files, (relativePath) => ({
    sourceUri: uriOf(relativePath),
    hashSuffix: '',
    prepare: (document) => ({
      sourceUri: uriOf(relativePath),
      locationType: 'S3',
      title: document.title,
      ...(document.titleFromFirstSentence ? { titleFromFirstSentence: true } : {}),
      text: document.text,
      headingLines: document.headingLines,
      metadata: document.metadata,
    }),
  }));
  const cannotRead = unreadable.map((relativePath) => ({
    relativePath,
    sourceUri: uriOf(relativePath),
    reason: `${relativePath}: the emulator cannot read ${extname(relativePath).toLowerCase()} files (Bedrock ingests them); it is not indexed locally.`,
  }));
  // Bedrock scans the metadata file of a document the emulator cannot read as well.
  const sidecarsBesideUnread = await Promise.all(
    unreadable.map((path) =>
      stat(join(source.folder, `${path}${SIDECAR_SUFFIX}`)).then(
        (found) => found.isFile(),
        () => false,
      ),
    ),
  );
  return {
    ...scan,
    rejected: [...refusedFolders(refused), ...scan.rejected, ...cannotRead],
    ignored: unsupported.map(uriOf),
    metadataScanned: scan.metadataScanned + sidecarsBesideUnread.filter(Boolean).length,
  };
}

function refusedFolders(refused: readonly { relativePath: string; reason: string }[]): SetAside[] {
  return refused.map(({ relativePath, reason }) => ({ relativePath, reason: `${relativePath}: ${reason}` }));
}

const manifestSchema = z.object({
  hostUrl: z.url().optional(),
  pages: z.array(
    z.object({
      file: z.string().min(1),
      url: z.string().min(1),
      title: z.string().min(1).optional(),
    }),
  ),
});

async function scanConfluence(source: ConfluenceDataSourceConfig, root: string): Promise<DataSourceScan> {
  const manifest = await readManifest(source.folder);
  const base = manifest.hostUrl ?? source.hostUrl;
  const pages = new Map(manifest.pages.map((page) => [page.file.replace(/^\.\//, ''), page]));
  const { files, refused } = await listDocuments(source.folder);
  const rejected: SetAside[] = refusedFolders(refused);
  const urls = new Set<string>();
  const listed = new Map<string, { url: string; title?: string }>();
  for (const relativePath of files) {
    const page = pages.get(relativePath);
    if (page === undefined) {
      rejected.push({ relativePath, reason: `${relativePath} is not listed in ${CONFLUENCE_MANIFEST}.` });
      continue;
    }
    const url = resolveUrl(page.url, base);
    if (url === undefined || urls.has(url)) {
      rejected.push({
        relativePath,
        reason:
          url === undefined
            ? `${relativePath}: page URL ${page.url} is not absolute and ${CONFLUENCE_MANIFEST} has no hostUrl.`
            : `${relativePath}: page URL ${url} is used by another page.`,
      });
      continue;
    }
    urls.add(url);
    listed.set(relativePath, { url, ...(page.title === undefined ? {} : { title: page.title }) });
  }
  const scan = await scanFiles(source, root, [...listed.keys()], (relativePath) => {
    const { url, title } = listed.get(relativePath) ?? { url: '' };
    return {
      sourceUri: url,
      hashSuffix: `\n${url}\n${title ?? ''}`,
      prepare: (document) => ({
        sourceUri: url,
        locationType: 'CONFLUENCE',
        title: title ?? document.title,
        ...(title === undefined && document.titleFromFirstSentence ? { titleFromFirstSentence: true } : {}),
        text: document.text,
        headingLines: document.headingLines,
        metadata: document.metadata,
      }),
    };
  });
  // A Confluence export holds pages only: its other files are no content of the site.
  return { ...scan, rejected: [...rejected, ...scan.rejected] };
}

/** How many files are read at once while scanning. */
const READ_CONCURRENCY = 16;
/**
 * File contents a scan keeps for the ingestion that follows (so a new or changed document is read
 * once, and indexed as it was hashed); past this, documents are read again when ingested.
 */
const RETAINED_BYTES = 256 * 1024 * 1024;
/** A text with more than this share of invalid UTF-8 sequences is not text. */
const MAX_INVALID_UTF8_SHARE = 0.01;

interface FileTarget {
  readonly sourceUri: string;
  /** Hashed after the bytes (Confluence: the page's URL and title). */
  readonly hashSuffix: string;
  prepare(document: SourceDocument): PreparedDocument;
}

/**
 * Reads and hashes the files (a bounded number at once), sorting them into documents, rejected
 * files (unreadable, binary, too large) and skipped ones (empty). Listing order is kept.
 */
async function scanFiles(
  source: DataSourceConfig,
  root: string,
  files: readonly string[],
  target: (relativePath: string) => FileTarget,
): Promise<DataSourceScan> {
  const maxBytes = source.maxDocumentBytes ?? MAX_FILE_BYTES;
  const results: (ScannedDocument | { rejected: SetAside } | { skipped: SetAside } | undefined)[] = [];
  let retained = 0;
  let metadataScanned = 0;
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const relativePath = files[index] as string;
      const { sourceUri, hashSuffix, prepare } = target(relativePath);
      const read = await readDocumentFile(root, source.folder, relativePath, maxBytes);
      if (read.kind === 'gone') continue; // deleted between listing and reading
      if (read.kind === 'failed') {
        results[index] = { rejected: { relativePath, sourceUri, reason: `${relativePath}: ${read.reason}` } };
        continue;
      }
      const sidecar = await readSidecar(root, source.folder, relativePath, maxBytes);
      if (sidecar.kind !== 'absent') metadataScanned += 1;
      if (sidecar.kind === 'failed') {
        results[index] = {
          rejected: { relativePath, sourceUri, reason: `${relativePath}: ${sidecar.reason}` },
        };
        continue;
      }
      if (read.text.trim().length === 0) {
        results[index] = {
          skipped: { relativePath, sourceUri, reason: `${relativePath}: the file is empty.` },
        };
        continue;
      }
      let text: string | undefined = read.text;
      // A changed sidecar changes the document's metadata: it is re-ingested as modified.
      const sidecarRaw = sidecar.kind === 'read' ? sidecar.raw : Buffer.alloc(0);
      const contentHash = sha256(Buffer.concat([read.raw, Buffer.from(hashSuffix), sidecarRaw]));
      const keep = retained + read.raw.length <= RETAINED_BYTES;
      if (keep) retained += read.raw.length;
      else text = undefined;
      results[index] = {
        relativePath,
        sourceUri,
        contentHash,
        ...(sidecar.kind === 'read' ? { sidecarHash: sha256(sidecar.raw) } : {}),
        load: async () => {
          let content = text;
          text = undefined;
          if (content === undefined) {
            const again = await readDocumentFile(root, source.folder, relativePath, maxBytes);
            if (again.kind !== 'text') {
              throw new Error(
                again.kind === 'failed' ? again.reason : 'the file disappeared while ingesting.',
              );
            }
            content = again.text;
          }
          return prepare(
            documentFromText(relativePath, content, sidecar.kind === 'read' ? sidecar.metadata : {}),
          );
        },
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  const documents: ScannedDocument[] = [];
  const rejected: SetAside[] = [];
  const skipped: SetAside[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if ('rejected' in result) rejected.push(result.rejected);
    else if ('skipped' in result) skipped.push(result.skipped);
    else documents.push(result);
  }
  return { documents, rejected, skipped, ignored: [], metadataScanned };
}

/** A document's `.metadata.json` sidecar: absent, read, or unreadable (the document fails). */
async function readSidecar(
  root: string,
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<
  | { kind: 'absent' }
  | { kind: 'read'; raw: Buffer; metadata: DocumentMetadata }
  | { kind: 'failed'; reason: string }
> {
  const read = await readDocumentFile(root, folder, `${relativePath}${SIDECAR_SUFFIX}`, maxBytes);
  if (read.kind === 'gone') return { kind: 'absent' };
  if (read.kind === 'failed') return { kind: 'failed', reason: `its metadata file ${read.reason}` };
  try {
    return { kind: 'read', raw: read.raw, metadata: parseSidecar(read.text) };
  } catch (error) {
    return { kind: 'failed', reason: (error as Error).message };
  }
}

type FileRead =
  | { readonly kind: 'text'; readonly raw: Buffer; readonly text: string }
  | { readonly kind: 'gone' }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Reads one document file as UTF-8 text, or says why it cannot be ingested: it leads outside the
 * folder's real path `root` through links, cannot be opened (permissions, a dangling link), is not
 * a regular file, is over `maxBytes` (checked before reading, so a huge file is never loaded), or
 * is binary (NUL bytes, or mostly invalid UTF-8).
 */
async function readDocumentFile(
  root: string,
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<FileRead> {
  const path = join(folder, relativePath);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    const real = await realpath(path);
    if (!isInside(root, real)) {
      const folderTarget = await stat(real).then(
        (s) => s.isDirectory(),
        () => false,
      );
      return { kind: 'failed', reason: folderTarget ? OUTSIDE_FOLDER_REASON : OUTSIDE_FILE_REASON };
    }
    // The checked path itself, not following a link swapped in since the check.
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // A link whose target is missing is there, and broken; a missing file was just deleted.
      const link = await lstat(path).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      return link
        ? { kind: 'failed', reason: 'cannot be read: it is a link to a file that does not exist.' }
        : { kind: 'gone' };
    }
    if (code === 'EACCES' || code === 'EPERM')
      return { kind: 'failed', reason: 'cannot be read: permission denied.' };
    if (code === 'ELOOP')
      return { kind: 'failed', reason: 'cannot be read: too many levels of symbolic links.' };
    return { kind: 'failed', reason: `cannot be read (${code ?? String(error)}).` };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { kind: 'failed', reason: 'is a folder, not a file.' };
    if (!info.isFile()) return { kind: 'failed', reason: 'is not a regular file.' };
    if (info.size > maxBytes) {
      return {
        kind: 'failed',
        reason: `is ${formatBytes(info.size)}, over the ${formatBytes(maxBytes)} limit for one document.`,
      };
    }
    const raw = Buffer.allocUnsafe(info.size);
    let length = 0;
    while (length < raw.length) {
      const { bytesRead } = await handle.read(raw, length, raw.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const bytes = raw.subarray(0, length);
    if (bytes.includes(0)) return { kind: 'failed', reason: 'is binary (it has NUL bytes), not text.' };
    const text = bytes.toString('utf8');
    const invalid = countInvalid(bytes, text);
    if (invalid > 0 && invalid > MAX_INVALID_UTF8_SHARE * text.length) {
      return { kind: 'failed', reason: `is not UTF-8 text (${invalid} invalid byte sequences).` };
    }
    return { kind: 'text', raw: bytes, text };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return { kind: 'failed', reason: 'is a folder, not a file.' };
    return {
      kind: 'failed',
      reason: `cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`,
    };
  } finally {
    await handle.close();
  }
}

/** Replacement characters the decoding introduced (those written in the file itself not counted). */
function countInvalid(bytes: Buffer, text: string): number {
  let replaced = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) replaced += 1;
  if (replaced === 0) return 0;
  // U+FFFD written in the file is EF BF BD.
  let written = 0;
  for (let i = bytes.indexOf('\uFFFD'); i !== -1; i = bytes.indexOf('\uFFFD', i + 1)) written += 1;
  return replaced - written;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** The Confluence site of a data source, for GetDataSource. */
export async function confluenceHostUrl(source: ConfluenceDataSourceConfig): Promise<string> {
  if (source.hostUrl !== undefined) return source.hostUrl;
  const manifest = await readManifest(source.folder).catch(() => undefined);
  return manifest?.hostUrl ?? 'https://confluence.invalid';
}

async function readManifest(folder: string): Promise<z.infer<typeof manifestSchema>> {
  const raw = await readIfPresent(folder, CONFLUENCE_MANIFEST);
  if (raw === undefined) {
    throw new DataSourceUnavailableError(
      `The Confluence export ${folder} has no ${CONFLUENCE_MANIFEST} naming its pages' URLs.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new DataSourceUnavailableError(`${CONFLUENCE_MANIFEST} in ${folder} is not valid JSON.`, {
      cause: error,
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new DataSourceUnavailableError(
      `${CONFLUENCE_MANIFEST} in ${folder} is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

function resolveUrl(url: string, base: string | undefined): string | undefined {
  try {
    return new URL(url, base).toString();
  } catch {
    return undefined;
  }
}

/** A file of the folder, unless missing; one that leads outside the folder through links is not read. */
async function readIfPresent(folder: string, name: string): Promise<Buffer | undefined> {
  try {
    const real = await realpath(join(folder, name));
    if (!isInside(await realpath(folder), real)) {
      throw new DataSourceUnavailableError(`${name} in ${folder} ${OUTSIDE_FILE_REASON}`);
    }
    return await readFile(real);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
