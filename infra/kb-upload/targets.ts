/**
 * Where `kb:upload` puts documents: an S3 bucket (the documents bucket Bedrock's data source reads)
 * or a local folder (what `npm start -- --docs DIR` ingests). Both are listed, written and pruned
 * the same way, so the plan and the summary are the same for the two.
 */
import type { Dirent } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  DeleteObjectsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { md5Base64, md5OfFile } from './md5.ts';
import type { RemoteObject } from './plan.ts';

export interface UploadTarget {
  /** `s3://bucket/prefix` or the folder's path, for the summary. */
  readonly description: string;
  list(prefix: string): Promise<RemoteObject[]>;
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}

/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export function s3Target(client: S3Client, bucket: string, prefix: string): UploadTarget {
  return {
    description: `s3://${bucket}/${prefix}`,
    async list(listPrefix) {
      const objects: RemoteObject[] = [];
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: listPrefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key) objects.push({ key: object.Key, ...(object.ETag ? { etag: object.ETag } : {}) });
        }
      }
      return objects;
    },
    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          // S3 refuses the object if it arrived other than read, and the ETag it keeps is this MD5.
          ContentMD5: md5Base64(body),
        }),
      );
    },
    async delete(keys) {
      for (let at = 0; at < keys.length; at += DELETE_BATCH) {
        const batch = keys.slice(at, at + DELETE_BATCH);
        const { Errors } = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = Errors?.[0];
        if (failed) {
          throw new TargetError(
            `S3 did not delete ${Errors?.length} object(s), such as ${failed.Key}: ${failed.Code} ${failed.Message ?? ''}`.trim(),
          );
        }
      }
    },
  };
}

/** A folder standing for the bucket: keys are paths below it; hidden entries are never touched. */
export function folderTarget(folder: string): UploadTarget {
  return {
    description: folder,
    async list(prefix) {
      let entries: Dirent[];
      try {
        entries = await readdir(folder, { withFileTypes: true, recursive: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const objects: RemoteObject[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const key = relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/');
        if (!key.startsWith(prefix) || key.split('/').some((part) => part.startsWith('.'))) continue;
        objects.push({ key, etag: await md5OfFile(join(folder, key)) });
      }
      return objects;
    },
    async put(key, body) {
      const path = join(folder, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
    async delete(keys) {
      for (const key of keys) await rm(join(folder, key), { force: true });
    },
  };
}
