/**
 * What `kb:upload` does to a target (a bucket prefix or a folder): which documents and metadata
 * files to put, which objects to delete, what is unchanged and what is skipped, and why. Pure: it
 * compares the scanned folder with the target's listing by MD5 (an S3 ETag is the MD5 of an object
 * put in one part without SSE-KMS, as Lantern's documents bucket is).
 */
import type { FilterableAttribute } from '../../config/answer-settings.ts';
import {
  hasFrontMatter,
  isSidecar,
  isSupported,
  MAX_FILE_BYTES,
  SIDECAR_SUFFIX,
  SUPPORTED_EXTENSIONS,
} from '../../config/document-formats.ts';
import { contentTypeOf } from './formats.ts';
import { FrontMatterError, readFrontMatter } from './front-matter.ts';
import { md5Hex } from './md5.ts';
import type { UrlOptions } from './public-url.ts';
import { buildSidecar } from './sidecar.ts';

/** A file of the folder being uploaded. */
export interface LocalFile {
  /** Below the folder, with `/` separators. */
  readonly relativePath: string;
  readonly size: number;
  /** Hex MD5 of the content; absent for a file that will not be uploaded (too large, unsupported). */
  readonly md5?: string;
  /** The content as text, for Markdown pages (front matter) and metadata files. */
  readonly text?: string;
}

/** A file the scan refused before planning (a symbolic link), with why. */
export interface Skip {
  readonly relativePath: string;
  readonly reason: string;
}

export interface RemoteObject {
  readonly key: string;
  /** Hex MD5 for a single-part upload; quotes allowed. */
  readonly etag?: string;
}

export interface PlanOptions {
  /** Key prefix, empty or ending in `/`. */
  readonly prefix: string;
  /** Delete objects under the prefix that the folder no longer has. */
  readonly deleteMissing: boolean;
  readonly declared: readonly FilterableAttribute[];
  readonly url: UrlOptions;
}

export type PutKind = 'document' | 'metadata';

export interface PlannedPut {
  readonly key: string;
  readonly relativePath: string;
  readonly kind: PutKind;
  readonly change: 'new' | 'replace';
  readonly contentType: string;
  /** A metadata file's text; a document is read from the folder when it is put. */
  readonly body?: string;
}

export interface PlannedDelete {
  readonly key: string;
}

export interface UploadPlan {
  readonly puts: readonly PlannedPut[];
  readonly deletes: readonly PlannedDelete[];
  /** Documents whose content and metadata the target already has. */
  readonly unchanged: readonly string[];
  readonly skipped: readonly Skip[];
  /** Each uploaded or unchanged document's metadata attributes, for the summary and tests. */
  readonly metadata: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed ? `${trimmed}/` : '';
}

export function planUpload(
  files: readonly LocalFile[],
  refused: readonly Skip[],
  remote: readonly RemoteObject[],
  options: PlanOptions,
): UploadPlan {
  // A key ending in `/` is a console-made folder marker, not a document.
  const objects = remote.filter((object) => !object.key.endsWith('/'));
  const remoteMd5 = new Map(objects.map((object) => [object.key, etagMd5(object.etag)]));
  const handWritten = new Map(
    files.filter((file) => isSidecar(file.relativePath)).map((file) => [file.relativePath, file]),
  );
  const puts: PlannedPut[] = [];
  const unchanged: string[] = [];
  const skipped: Skip[] = [...refused];
  const metadata = new Map<string, Readonly<Record<string, unknown>>>();
  /** Keys the target keeps: what is uploaded, and what a skipped local file still stands for. */
  const kept = new Set<string>();
  const documents = new Set(
    files.filter((file) => !isSidecar(file.relativePath)).map((file) => file.relativePath),
  );

  for (const file of files) {
    const key = `${options.prefix}${file.relativePath}`;
    if (isSidecar(file.relativePath)) {
      const document = file.relativePath.slice(0, -SIDECAR_SUFFIX.length);
      if (!documents.has(document)) {
        skipped.push({
          relativePath: file.relativePath,
          reason: 'is a metadata file without its document beside it',
        });
      }
      continue;
    }
    const skip = (reason: string) => {
      skipped.push({ relativePath: file.relativePath, reason });
      kept.add(key).add(`${key}${SIDECAR_SUFFIX}`);
    };
    if (!isSupported(file.relativePath)) {
      skip(`is not a format Bedrock knowledge bases read (${SUPPORTED_EXTENSIONS.join(' ')})`);
      continue;
    }
    if (file.size > MAX_FILE_BYTES) {
      skip(
        `is ${file.size.toLocaleString('en')} bytes; Bedrock reads files of at most 50 MB (${MAX_FILE_BYTES.toLocaleString('en')} bytes)`,
      );
      continue;
    }
    let frontMatter: Readonly<Record<string, unknown>> = {};
    if (hasFrontMatter(file.relativePath)) {
      try {
        frontMatter = readFrontMatter(file.text ?? '');
      } catch (error) {
        if (!(error instanceof FrontMatterError)) throw error;
        skip(error.message);
        continue;
      }
    }
    const hand = handWritten.get(`${file.relativePath}${SIDECAR_SUFFIX}`);
    const sidecar = buildSidecar({
      relativePath: file.relativePath,
      frontMatter,
      ...(hand?.text === undefined ? {} : { handWritten: hand.text }),
      declared: options.declared,
      url: options.url,
    });
    if (!sidecar.ok) {
      skip(sidecar.reason);
      continue;
    }
    metadata.set(file.relativePath, sidecar.attributes);
    kept.add(key);
    let same = putIfChanged(puts, remoteMd5, {
      key,
      relativePath: file.relativePath,
      kind: 'document',
      contentType: contentTypeOf(file.relativePath),
      md5: file.md5 ?? '',
    });
    if (sidecar.json !== undefined) {
      const sidecarKey = `${key}${SIDECAR_SUFFIX}`;
      kept.add(sidecarKey);
      same =
        putIfChanged(puts, remoteMd5, {
          key: sidecarKey,
          relativePath: file.relativePath,
          kind: 'metadata',
          contentType: contentTypeOf(SIDECAR_SUFFIX),
          md5: md5Hex(sidecar.json),
          body: sidecar.json,
        }) && same;
    } else if (remoteMd5.has(`${key}${SIDECAR_SUFFIX}`)) {
      same = false;
    }
    if (same) unchanged.push(file.relativePath);
  }

  const deletes = options.deleteMissing
    ? objects
        .filter((object) => object.key.startsWith(options.prefix) && !kept.has(object.key))
        .map((object) => ({ key: object.key }))
    : objects
        // A metadata file that no longer applies goes even with --no-delete: the document it
        // described is still uploaded, and Bedrock would keep filtering it by stale attributes.
        .filter((object) => isStaleSidecar(object.key, options.prefix, kept, metadata))
        .map((object) => ({ key: object.key }));
  return {
    puts,
    deletes,
    unchanged,
    skipped: skipped.sort((a, b) => a.relativePath.localeCompare(b.relativePath)),
    metadata,
  };
}

function isStaleSidecar(
  key: string,
  prefix: string,
  kept: ReadonlySet<string>,
  metadata: ReadonlyMap<string, unknown>,
): boolean {
  if (!key.startsWith(prefix) || !isSidecar(key) || kept.has(key)) return false;
  return metadata.has(key.slice(prefix.length, -SIDECAR_SUFFIX.length));
}

/** Adds a put unless the target already holds this content; true when it does. */
function putIfChanged(
  puts: PlannedPut[],
  remoteMd5: ReadonlyMap<string, string | undefined>,
  put: Omit<PlannedPut, 'change'> & { readonly md5: string },
): boolean {
  const { md5, ...rest } = put;
  if (!remoteMd5.has(put.key)) {
    puts.push({ ...rest, change: 'new' });
    return false;
  }
  if (remoteMd5.get(put.key) === md5) return true;
  puts.push({ ...rest, change: 'replace' });
  return false;
}

function etagMd5(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}
