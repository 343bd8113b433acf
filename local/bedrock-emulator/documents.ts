/**
 * Reads a data-source folder into plain-text documents. The folder stands for an S3 bucket, so
 * every supported file below it (recursively) is one object; hidden files and folders are skipped
 * the way a sync tool would skip `.git`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { DocumentText } from './document-text.ts';
import { htmlToDocumentText } from './html-text.ts';
import { markdownToDocumentText } from './markdown-text.ts';
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
}

/**
 * Lists the supported files below `folder`, sorted so ingestion order (and chunk ids) are stable.
 * Symbolic links are listed (and followed when read), and so is anything else named like a
 * document (a folder called `guide.md`): reading it fails, and the ingestion job reports why
 * instead of silently leaving it out.
 */
export async function listDocumentFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => extname(entry.name).toLowerCase() in FORMATS)
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

export async function loadDocument(folder: string, relativePath: string): Promise<SourceDocument> {
  return documentFromText(relativePath, await readFile(join(folder, relativePath), 'utf8'));
}

/** A document from its file's text (already read), its format told by the file name. */
export function documentFromText(relativePath: string, content: string): SourceDocument {
  const format = FORMATS[extname(relativePath).toLowerCase()] ?? 'text';
  const raw = content.replace(/^\uFEFF/, '');
  const extracted = extractText(format, raw);
  const { title, fromFirstSentence } = titleOf(extracted, relativePath);
  return {
    relativePath,
    format,
    title,
    ...(fromFirstSentence ? { titleFromFirstSentence: true } : {}),
    text: extracted.lines.join('\n'),
  };
}

export function extractText(format: DocumentFormat, raw: string): DocumentText {
  switch (format) {
    case 'markdown':
      return markdownToDocumentText(raw);
    case 'html':
      return htmlToDocumentText(raw);
    case 'text':
      return plainTextToDocumentText(raw);
  }
}
