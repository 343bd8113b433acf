/**
 * What Bedrock knowledge bases ingest from an S3 data source: the file types and the size per file
 * (Bedrock user guide, "Prerequisites for your Amazon Bedrock knowledge base data"). A file outside
 * them would only fail the ingestion job, so `kb:upload` skips it with the reason instead.
 */
import { extname } from 'node:path';

export const SUPPORTED_EXTENSIONS = [
  '.txt',
  '.md',
  '.html',
  '.htm',
  '.doc',
  '.docx',
  '.csv',
  '.xls',
  '.xlsx',
  '.pdf',
] as const;

/** Bedrock's quota per source file: 50 MB. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Bedrock's name for a document's metadata file: `<file>.metadata.json` beside it. */
export const SIDECAR_SUFFIX = '.metadata.json';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.csv': 'text/csv; charset=utf-8',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
};

export function isSupported(path: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

export function isSidecar(path: string): boolean {
  return path.endsWith(SIDECAR_SUFFIX);
}

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Only Markdown pages open with front matter, as static site generators write them. */
export function hasFrontMatter(path: string): boolean {
  return extname(path).toLowerCase() === '.md';
}
