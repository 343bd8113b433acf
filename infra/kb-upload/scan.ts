/**
 * Reads the folder to upload: every regular file below it, recursively, with its size and MD5
 * (streamed, so a large PDF is never held whole), and the text of Markdown pages and metadata
 * files. Hidden files and folders are left out, as a sync tool leaves out `.git`; symbolic links
 * are refused, so nothing outside the folder is ever published.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { hasFrontMatter, isSidecar, isSupported, MAX_FILE_BYTES } from '../../config/document-formats.ts';
import { md5OfFile } from './md5.ts';
import type { LocalFile, Skip } from './plan.ts';

export interface ScannedFolder {
  readonly files: readonly LocalFile[];
  readonly refused: readonly Skip[];
}

export async function scanFolder(folder: string): Promise<ScannedFolder> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const files: LocalFile[] = [];
  const refused: Skip[] = [];
  for (const entry of entries) {
    const relativePath = relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (relativePath.split('/').some((part) => part.startsWith('.'))) continue;
    if (entry.isSymbolicLink()) {
      refused.push({
        relativePath,
        reason: 'is a symbolic link; kb:upload publishes only files inside the folder',
      });
      continue;
    }
    if (!entry.isFile()) continue;
    files.push(await readLocalFile(folder, relativePath));
  }
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return { files, refused };
}

async function readLocalFile(folder: string, relativePath: string): Promise<LocalFile> {
  const path = join(folder, relativePath);
  const { size } = await stat(path);
  // Files that will be skipped are not read: a large video would only cost time.
  if (!(isSupported(relativePath) || isSidecar(relativePath)) || size > MAX_FILE_BYTES)
    return { relativePath, size };
  const withText = hasFrontMatter(relativePath) || isSidecar(relativePath);
  return {
    relativePath,
    size,
    md5: await md5OfFile(path),
    ...(withText ? { text: await readFile(path, 'utf8') } : {}),
  };
}
