/**
 * What a Bedrock knowledge base ingests from an S3 data source: the file types and the size per
 * file (Bedrock user guide, "Prerequisites for your Amazon Bedrock knowledge base data"), and the
 * name of a document's metadata file. `kb:upload` publishes only these, and the Bedrock emulator
 * ingests only these, so a folder behaves the same offline and once uploaded.
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

export type SupportedExtension = (typeof SUPPORTED_EXTENSIONS)[number];

/** Bedrock's quota per source file: 50 MB. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

/** Bedrock's name for a document's metadata file: `<file>.metadata.json` beside it. */
export const SIDECAR_SUFFIX = '.metadata.json';

/** The file's extension, lower-cased, when Bedrock ingests that type; otherwise undefined. */
export function supportedExtensionOf(path: string): SupportedExtension | undefined {
  const extension = extname(path).toLowerCase();
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)
    ? (extension as SupportedExtension)
    : undefined;
}

export function isSupported(path: string): boolean {
  return supportedExtensionOf(path) !== undefined;
}

export function isSidecar(path: string): boolean {
  return path.endsWith(SIDECAR_SUFFIX);
}

/**
 * Only Markdown pages open with front matter, as static site generators write them: `kb:upload`
 * turns it into a metadata file for these alone, and the emulator reads it for these alone.
 */
export function hasFrontMatter(path: string): boolean {
  return extname(path).toLowerCase() === '.md';
}
