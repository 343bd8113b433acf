/**
 * Data sources as the emulator reads them: a folder standing for an S3 bucket, or a folder of
 * exported Confluence pages with a `pages.json` manifest giving each page its URL and title.
 * Scanning lists a data source's documents with a content hash each, so an ingestion job re-indexes
 * only what changed, as Bedrock does.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { listDocumentFiles, loadDocument } from './documents.ts';

export interface S3DataSourceConfig {
  readonly dataSourceId: string;
  readonly type: 'S3';
  /** A local folder standing for the bucket: documents get `s3://<bucketName>/<relative path>` URIs. */
  readonly folder: string;
  readonly bucketName: string;
}

export interface ConfluenceDataSourceConfig {
  readonly dataSourceId: string;
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
}

/** A document found in a data source: where it is, what it holds (as a hash), and how to read it. */
export interface ScannedDocument {
  readonly relativePath: string;
  readonly sourceUri: string;
  /** SHA-256 of the raw bytes (and, for Confluence, the page's URL and title). */
  readonly contentHash: string;
  load(): Promise<PreparedDocument>;
}

export interface DataSourceScan {
  readonly documents: readonly ScannedDocument[];
  /** Files found that cannot be ingested, with the reason (they count as failed documents). */
  readonly rejected: readonly { readonly relativePath: string; readonly reason: string }[];
}

/** The data source cannot be read at all: the whole ingestion job fails. */
export class DataSourceUnavailableError extends Error {
  override readonly name = 'DataSourceUnavailableError';
}

/** Lists a data source's documents and hashes their content, without chunking anything. */
export async function scanDataSource(source: DataSourceConfig): Promise<DataSourceScan> {
  const isFolder = await stat(source.folder).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new DataSourceUnavailableError(
      source.type === 'S3'
        ? `The S3 bucket ${source.bucketName} (local folder ${source.folder}) does not exist or cannot be read.`
        : `The Confluence export folder ${source.folder} does not exist or cannot be read.`,
    );
  }
  return source.type === 'S3' ? scanS3(source) : scanConfluence(source);
}

async function scanS3(source: S3DataSourceConfig): Promise<DataSourceScan> {
  const documents: ScannedDocument[] = [];
  for (const relativePath of await listDocumentFiles(source.folder)) {
    const raw = await readIfPresent(join(source.folder, relativePath));
    // Deleted between listing and reading: it is simply not there any more.
    if (raw === undefined) continue;
    const sourceUri = `s3://${source.bucketName}/${relativePath}`;
    documents.push({
      relativePath,
      sourceUri,
      contentHash: sha256(raw),
      load: async () => {
        const document = await loadDocument(source.folder, relativePath);
        return {
          sourceUri,
          locationType: 'S3',
          title: document.title,
          ...(document.titleFromFirstSentence ? { titleFromFirstSentence: true } : {}),
          text: document.text,
        };
      },
    });
  }
  return { documents, rejected: [] };
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

async function scanConfluence(source: ConfluenceDataSourceConfig): Promise<DataSourceScan> {
  const manifest = await readManifest(source.folder);
  const base = manifest.hostUrl ?? source.hostUrl;
  const pages = new Map(manifest.pages.map((page) => [page.file.replace(/^\.\//, ''), page]));
  const documents: ScannedDocument[] = [];
  const rejected: { relativePath: string; reason: string }[] = [];
  const urls = new Set<string>();
  for (const relativePath of await listDocumentFiles(source.folder)) {
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
    const raw = await readIfPresent(join(source.folder, relativePath));
    if (raw === undefined) continue;
    documents.push({
      relativePath,
      sourceUri: url,
      contentHash: sha256(Buffer.concat([raw, Buffer.from(`\n${url}\n${page.title ?? ''}`)])),
      load: async () => {
        const document = await loadDocument(source.folder, relativePath);
        const title = page.title ?? document.title;
        return {
          sourceUri: url,
          locationType: 'CONFLUENCE',
          title,
          ...(page.title === undefined && document.titleFromFirstSentence
            ? { titleFromFirstSentence: true }
            : {}),
          text: document.text,
        };
      },
    });
  }
  return { documents, rejected };
}

/** The Confluence site of a data source, for GetDataSource. */
export async function confluenceHostUrl(source: ConfluenceDataSourceConfig): Promise<string> {
  if (source.hostUrl !== undefined) return source.hostUrl;
  const manifest = await readManifest(source.folder).catch(() => undefined);
  return manifest?.hostUrl ?? 'https://confluence.invalid';
}

async function readManifest(folder: string): Promise<z.infer<typeof manifestSchema>> {
  const raw = await readIfPresent(join(folder, CONFLUENCE_MANIFEST));
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

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
