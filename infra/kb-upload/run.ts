/** `kb:upload`'s steps: scan the folder, list the target, plan, then (unless a dry run) apply. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilterableAttribute } from '../../config/answer-settings.ts';
import { isSidecar } from '../../config/document-formats.ts';
import { normalisePrefix, planUpload, type UploadPlan } from './plan.ts';
import type { UrlOptions } from './public-url.ts';
import { scanFolder } from './scan.ts';
import type { UploadTarget } from './targets.ts';

export interface RunOptions {
  readonly source: string;
  readonly prefix: string | undefined;
  readonly declared: readonly FilterableAttribute[];
  readonly url: UrlOptions;
  readonly dryRun: boolean;
  readonly deleteMissing: boolean;
}

/** Puts and deletes in flight at once: enough to hide S3's latency, few enough to stay polite. */
const CONCURRENCY = 8;

export async function runUpload(options: RunOptions, target: UploadTarget): Promise<UploadPlan> {
  const prefix = normalisePrefix(options.prefix);
  const folder = await scanFolder(options.source);
  const remote = await target.list(prefix);
  const plan = planUpload(folder.files, folder.refused, remote, {
    prefix,
    deleteMissing: options.deleteMissing,
    declared: options.declared,
    url: options.url,
  });
  if (options.dryRun) return plan;
  // Metadata files first: when S3 reports a document (and a sync starts), its attributes are there.
  const metadataFirst = [...plan.puts].sort(
    (a, b) => Number(a.kind === 'document') - Number(b.kind === 'document'),
  );
  await inBatches(metadataFirst, async (put) => {
    const body =
      put.body !== undefined
        ? Buffer.from(put.body, 'utf8')
        : await readFile(join(options.source, put.relativePath));
    await target.put(put.key, body, put.contentType);
  });
  // Documents before their metadata files: a document is never left without its attributes.
  const documents = plan.deletes.filter((d) => !isSidecar(d.key)).map((d) => d.key);
  const sidecars = plan.deletes.filter((d) => isSidecar(d.key)).map((d) => d.key);
  if (documents.length > 0) await target.delete(documents);
  if (sidecars.length > 0) await target.delete(sidecars);
  return plan;
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let at = 0; at < items.length; at += CONCURRENCY) {
    await Promise.all(items.slice(at, at + CONCURRENCY).map(work));
  }
}
