/**
 * Reads a data-source folder into plain-text documents. The folder stands for an S3 bucket, so
 * every supported file below it (recursively) is one object; hidden files and folders are skipped
 * the way a sync tool would skip `.git`. Nothing outside the folder is ever read: a symbolic link
 * whose target (after every link in the chain) lies outside it is refused, so a link to
 * `/etc/passwd` cannot end up quoted in an answer.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import type { DocumentText } from './document-text.ts';
import { splitFrontMatter } from './front-matter.ts';
import { htmlToDocumentText } from './html-text.ts';
import { markdownToDocumentText } from './markdown-text.ts';
import { type DocumentMetadata, textValue } from './metadata.ts';
import { plainTextToDocumentText } from './plain-text.ts';
import { titleOf } from './title.ts';

export type DocumentFormat = 'markdown' | 'html' | 'text';

const FORMATS: Readonly<Record<string, DocumentFormat>> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'text',
  '.text': 'text',
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
}

export const OUTSIDE_FILE_REASON = 'is a link to a file outside the data source folder; it is not read.';
export const OUTSIDE_FOLDER_REASON =
  'is a link to a folder outside the data source folder; nothing in it is ingested.';

/**
 * Lists the supported files below `folder`. Symbolic links named like documents are listed, and
 * so is anything else named like one (a folder called `guide.md`): reading it fails (a link
 * leading outside the folder included), and the ingestion job reports why instead of silently
 * leaving it out. Links to folders are never walked: one leading outside is refused with its
 * reason, and one staying inside is not needed, its documents are listed where they really are.
 */
export async function listDocuments(folder: string): Promise<DocumentListing> {
  const root = await realpath(folder);
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files: string[] = [];
  const refused: RefusedEntry[] = [];
  for (const entry of entries) {
    const path = relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    if (extname(entry.name).toLowerCase() in FORMATS) files.push(path);
    else if (entry.isSymbolicLink() && (await isFolderOutside(root, join(folder, path)))) {
      refused.push({ relativePath: path, reason: OUTSIDE_FOLDER_REASON });
    }
  }
  const byPath = (a: { relativePath: string }, b: { relativePath: string }) =>
    a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;
  return { files: files.sort(), refused: refused.sort(byPath) };
}

/** A link (or chain of links) whose final target is a folder outside `root`. */
async function isFolderOutside(root: string, path: string): Promise<boolean> {
  const target = await realpath(path).catch(() => undefined);
  if (target === undefined || isInside(root, target)) return false;
  return stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
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
  const format = FORMATS[extname(relativePath).toLowerCase()] ?? 'text';
  const raw = content.replace(/^\uFEFF/, '');
  const front = format === 'markdown' ? splitFrontMatter(raw) : { metadata: {}, body: raw };
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
