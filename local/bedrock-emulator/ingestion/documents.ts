/**
 * Reads a data-source folder into plain-text documents. The folder stands for an S3 bucket, so
 * every file below it (recursively) is one object; hidden files and folders are skipped the way a
 * sync tool would skip `.git`. Only the file types Bedrock ingests are documents
 * (`config/document-formats.ts`, shared with `kb:upload`); front matter is read only where
 * `kb:upload` turns it into a metadata file. Nothing outside the folder is ever read: a symbolic link
 * whose target (after every link in the chain) lies outside it is refused, so a link to
 * `/etc/passwd` cannot end up quoted in an answer.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import {
  hasFrontMatter,
  isSidecar,
  type SupportedExtension,
  supportedExtensionOf,
} from '../../../config/document-formats.ts';
import type { DocumentText } from './document-text.ts';
import { splitFrontMatter } from './front-matter.ts';
import { htmlToDocumentText } from './html-text.ts';
import { markdownToDocumentText } from './markdown-text.ts';
import { type DocumentMetadata, textValue } from './metadata.ts';
import { plainTextToDocumentText } from './plain-text.ts';
import { titleOf } from './title.ts';

export type DocumentFormat = 'markdown' | 'html' | 'text';

/**
 * The Bedrock file types the emulator can read. The others Bedrock ingests (PDF, Word, Excel, CSV)
 * it cannot parse: they are listed as unreadable, so a job says so instead of dropping them.
 */
const FORMATS: Readonly<Partial<Record<SupportedExtension, DocumentFormat>>> = {
  '.md': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'text',
};

const formatOf = (path: string): DocumentFormat | undefined => {
  const extension = supportedExtensionOf(path);
  return extension === undefined ? undefined : FORMATS[extension];
};

export interface SourceDocument {
  /** Path below the folder, with `/` separators (it becomes the S3 key). */
  readonly relativePath: string;
  readonly format: DocumentFormat;
  readonly title: string;
  /** The title is the document's first sentence, not a heading, `<title>` or file name. */
  readonly titleFromFirstSentence?: boolean;
  /** Extracted text, one block per line. */
  readonly text: string;
  /** Which lines of `text` are headings. */
  readonly headingLines: readonly number[];
  /** Front matter's keys, overridden by the `.metadata.json` sidecar's (as Bedrock reads it). */
  readonly metadata: DocumentMetadata;
}

/** An entry of the folder that is not listed as a document, and why (one line, no path). */
export interface RefusedEntry {
  readonly relativePath: string;
  readonly reason: string;
}

export interface DocumentListing {
  /** Paths below the folder with `/` separators, sorted so ingestion order (and chunk ids) are stable. */
  readonly files: readonly string[];
  /** Links to folders outside the data source folder: their documents are not ingested. */
  readonly refused: readonly RefusedEntry[];
  /** Files of a type Bedrock does not ingest (metadata files aside), sorted. */
  readonly unsupported: readonly string[];
  /** Files of a type Bedrock ingests but the emulator cannot read (PDF, Word, Excel, CSV), sorted. */
  readonly unreadable: readonly string[];
}

export const OUTSIDE_FILE_REASON = 'is a link to a file outside the data source folder; it is not read.';
export const OUTSIDE_FOLDER_REASON =
  'is a link to a folder outside the data source folder; nothing in it is ingested.';

/**
 * Lists the files below `folder` the emulator reads as documents, and sets aside the others: those
 * of a type Bedrock does not ingest, and those Bedrock ingests but the emulator cannot read.
 * Symbolic links named like documents are listed, and so is anything else named like one (a
 * folder called `guide.md`): reading it fails (a link leading outside the folder included), and
 * the ingestion job reports why instead of silently leaving it out. Links to folders are never walked: one leading outside is refused with its
 * reason, and one staying inside is not needed, its documents are listed where they really are.
 */
export async function listDocuments(folder: string): Promise<DocumentListing> {
  const root = await realpath(folder);
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files: string[] = [];
  const refused: RefusedEntry[] = [];
  const unsupported: string[] = [];
  const unreadable: string[] = [];
  for (const entry of entries) {
    const path = relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    if (formatOf(entry.name) !== undefined) {
      files.push(path);
      continue;
    }
    const link = entry.isSymbolicLink() ? await linkTarget(root, join(folder, path)) : undefined;
    if (link?.folder && !link.inside) refused.push({ relativePath: path, reason: OUTSIDE_FOLDER_REASON });
    // Only files are objects (a link to one outside is not followed, even to name it), and a
    // metadata file belongs to its document.
    const file = link === undefined ? entry.isFile() : !link.folder && link.inside;
    if (!file || isSidecar(path)) continue;
    if (supportedExtensionOf(path) === undefined) unsupported.push(path);
    else unreadable.push(path);
  }
  const byPath = (a: { relativePath: string }, b: { relativePath: string }) =>
    a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
  return {
    files: files.sort(),
    refused: refused.sort(byPath),
    unsupported: unsupported.sort(),
    unreadable: unreadable.sort(),
  };
}

/** Where a link (or chain of links) finally leads: a folder or not, inside `root` or not; undefined if nowhere. */
async function linkTarget(
  root: string,
  path: string,
): Promise<{ folder: boolean; inside: boolean } | undefined> {
  const target = await realpath(path).catch(() => undefined);
  if (target === undefined) return undefined;
  const folder = await stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return { folder, inside: isInside(root, target) };
}

/** Whether the real path `target` is `root` or below it (both already resolved by realpath). */
export function isInside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path === '' || (!isAbsolute(path) && path !== '..' && !path.startsWith(`..${sep}`));
}

/**
 * A document from its file's text (already read), its format told by the file name, and the
 * attributes of its sidecar, if it has one. A title in the metadata is the document's title.
 */
export function documentFromText(
  relativePath: string,
  content: string,
  sidecar: DocumentMetadata = {},
): SourceDocument {
  const format = formatOf(relativePath) ?? 'text';
  const raw = content.replace(/^\uFEFF/, '');
  const front = hasFrontMatter(relativePath) ? splitFrontMatter(raw) : { metadata: {}, body: raw };
  const metadata = { ...front.metadata, ...sidecar };
  const extracted = extractText(format, front.body);
  const named = textValue(metadata, 'title');
  const { title, fromFirstSentence } =
    named === undefined ? titleOf(extracted, relativePath) : { title: named, fromFirstSentence: false };
  return {
    relativePath,
    format,
    title,
    ...(fromFirstSentence ? { titleFromFirstSentence: true } : {}),
    text: extracted.lines.join('\n'),
    headingLines: extracted.headingLines ?? [],
    metadata,
  };
}

function extractText(format: DocumentFormat, raw: string): DocumentText {
  switch (format) {
    case 'markdown':
      return markdownToDocumentText(raw);
    case 'html':
      return htmlToDocumentText(raw);
    case 'text':
      return plainTextToDocumentText(raw);
  }
}
