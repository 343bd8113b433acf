/**
 * MD5, the digest S3 gives a single-part object as its ETag: comparing it with a local file's tells
 * an unchanged document without downloading it, and `Content-MD5` lets S3 refuse a corrupted upload.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function md5Hex(content: string | Uint8Array): string {
  return createHash('md5').update(content).digest('hex');
}

export function md5Base64(content: string | Uint8Array): string {
  return createHash('md5').update(content).digest('base64');
}

/** A file's MD5 in hex, streamed so a large PDF is never held whole. */
export async function md5OfFile(path: string): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
  return md5.digest('hex');
}
