import { existsSync, type FSWatcher, statSync, watch } from 'node:fs';
import { basename, join, sep } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../gateway/proxy-event.ts';
import { s3ObjectEvent, sqsRecord } from './s3-events.ts';

export type SyncQueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface DocsWatcherOptions {
  /** The `--docs` folder: it stands for the S3 bucket `bucketName`. */
  readonly folder: string;
  readonly bucketName: string;
  /** kb-sync, invoked the way Lambda's SQS event source mapping would. */
  readonly handler: SyncQueueHandler;
  /** Quiet time after the last change before the batch is sent (the SQS batching window on AWS). */
  readonly debounceMs: number;
  /** A batch is sent at the latest this long after its first change, even if changes keep coming. */
  readonly maxWaitMs?: number;
  /** Before a record kb-sync handed back is delivered again (the visibility timeout). @default 2 s */
  readonly retryDelayMs?: number;
  /** Deliveries before a record is dropped with a message (the redrive policy). @default 5 */
  readonly maxReceiveCount?: number;
  /** kb-sync's timeout, for its Lambda context. @default 5 minutes */
  readonly timeoutMs?: number;
  /**
   * How often the watcher checks that its folder is still the one it watches (a folder removed or
   * replaced under it may send no event), and the longest pause between looks for a missing folder.
   * @default 1 s
   */
  readonly checkIntervalMs?: number;
  /** Where the watcher says what it does (watch lost, waiting, re-attached). @default stderr */
  readonly log?: (message: string) => void;
  /** After each kb-sync invocation: how many changes it carried and how many it handed back. */
  readonly onBatch?: (batch: {
    readonly records: number;
    readonly failed: number;
    readonly ms: number;
  }) => void;
}

/** The first look for a missing folder; later looks back off up to `checkIntervalMs`. */
const FIRST_LOOK_MS = 50;

/**
 * Locally, what S3 → EventBridge → SQS → kb-sync is on AWS: watches the documents folder
 * (recursively), collects changed paths until the folder has been quiet for `debounceMs`, and
 * invokes kb-sync with an SQS event whose records carry EventBridge `Object Created`/`Object
 * Deleted` events. One invocation at a time; records kb-sync hands back (partial batch failure)
 * are delivered again after `retryDelayMs`. Editor swap and temporary files are ignored.
 *
 * The watch is on the folder itself (its inode), so it ends when the folder is moved away, removed
 * or replaced by a new one at the same path — which editors, `git` tools and sync scripts do. The
 * watcher notices (an event on the folder itself, an error, or a periodic check finding another
 * folder or none), waits for a folder to be at the path again (polling, backing off up to
 * `checkIntervalMs`), watches it, and syncs once, since anything may have changed meanwhile.
 */
export class DocsWatcher {
  private watcher?: FSWatcher;
  /** The watched folder's device and inode, to tell a replacement at the same path. */
  private watched?: { readonly dev: number; readonly ino: number };
  private checkTimer?: NodeJS.Timeout;
  private lookTimer?: NodeJS.Timeout;
  private readonly changed = new Set<string>();
  private debounce?: NodeJS.Timeout;
  private firstChangeAt?: number;
  private readonly batches: SQSRecord[][] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private pumping?: Promise<void>;
  private closed = false;

  constructor(private readonly options: DocsWatcherOptions) {}

  /** Starts watching; a folder that is missing or cannot be watched is waited for, not fatal. */
  start(): void {
    const failure = this.attach();
    if (failure !== undefined) {
      this.log(`cannot watch ${this.options.folder} (${failure}); waiting for it`);
      this.lookAgain(FIRST_LOOK_MS, true);
    }
    this.checkTimer = setInterval(() => this.check(), this.checkInterval);
    this.checkTimer.unref();
  }

  private get checkInterval(): number {
    return this.options.checkIntervalMs ?? 1_000;
  }

  private log(message: string): void {
    (this.options.log ?? ((line: string) => console.error(line)))(`docs watcher: ${message}`);
  }

  /** Watches the folder at the path now; says why not when it cannot. */
  private attach(): string | undefined {
    const { folder } = this.options;
    try {
      const stats = statSync(folder);
      if (!stats.isDirectory()) return 'it is not a folder';
      const watcher = watch(folder, { recursive: true }, (_event, filename) => {
        if (watcher !== this.watcher) return;
        const key = filename === null ? '' : String(filename);
        // An event on the folder itself: it was moved, removed or replaced, and the watch with it.
        if (key === '') this.lose(watcher, 'the folder was moved, removed or replaced');
        else this.onChange(key);
      });
      watcher.on('error', (error) => this.lose(watcher, error.message));
      this.watcher = watcher;
      this.watched = { dev: stats.dev, ino: stats.ino };
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? 'it does not exist' : (error as Error).message;
    }
  }

  /** A folder replaced with no event on the old one (or none delivered) is found here. */
  private check(): void {
    const { watcher, watched } = this;
    if (this.closed || watcher === undefined || watched === undefined) return;
    const stats = statSync(this.options.folder, { throwIfNoEntry: false });
    if (stats === undefined) this.lose(watcher, 'the folder is gone');
    else if (stats.dev !== watched.dev || stats.ino !== watched.ino)
      this.lose(watcher, 'another folder is at its path now');
  }

  private lose(watcher: FSWatcher, why: string): void {
    if (this.closed || watcher !== this.watcher) return;
    watcher.close();
    this.watcher = undefined;
    this.watched = undefined;
    this.log(`lost the watch on ${this.options.folder} (${why})`);
    this.lookAgain(FIRST_LOOK_MS, false);
  }

  /** Looks for the folder after `delayMs`, backing off while it is missing; syncs once back. */
  private lookAgain(delayMs: number, saidWaiting: boolean): void {
    clearTimeout(this.lookTimer);
    this.lookTimer = setTimeout(() => {
      this.lookTimer = undefined;
      if (this.closed || this.watcher !== undefined) return;
      const failure = this.attach();
      if (failure === undefined) {
        this.log(`watching ${this.options.folder} again; syncing it`);
        this.onChange('');
        return;
      }
      if (!saidWaiting) this.log(`waiting for ${this.options.folder} to be there again (${failure})`);
      this.lookAgain(Math.min(delayMs * 2, Math.max(FIRST_LOOK_MS, this.checkInterval)), true);
    }, delayMs);
  }

  /** Resolves once no change is waiting, no invocation runs and no retry is due (bounded). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.debounce || this.pumping || this.batches.length > 0 || this.retryTimers.size > 0) {
      if (Date.now() > deadline) throw new Error('The docs watcher did not settle in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.checkTimer);
    clearTimeout(this.lookTimer);
    clearTimeout(this.debounce);
    this.debounce = undefined;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.batches.length = 0;
    await Promise.race([this.pumping, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }

  /** `filename` relative to the folder; '' for the whole folder. */
  private onChange(filename: string): void {
    if (this.closed) return;
    const key = filename.split(sep).join('/');
    if (key && isIgnored(key)) return;
    this.changed.add(key);
    this.firstChangeAt ??= Date.now();
    clearTimeout(this.debounce);
    const maxWait = this.options.maxWaitMs ?? this.options.debounceMs * 10;
    const wait = Math.max(0, Math.min(this.options.debounceMs, this.firstChangeAt + maxWait - Date.now()));
    this.debounce = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.debounce = undefined;
    this.firstChangeAt = undefined;
    const keys = [...this.changed];
    this.changed.clear();
    if (keys.length === 0 || this.closed) return;
    this.enqueue(keys.map((key) => sqsRecord(JSON.stringify(this.eventFor(key)))));
  }

  /** The event S3 would send now for `key`: created if it is there, deleted if not. */
  private eventFor(key: string) {
    const path = join(this.options.folder, key);
    if (!key || !existsSync(path)) return s3ObjectEvent(this.options.bucketName, key, 'deleted');
    const stats = statSync(path, { throwIfNoEntry: false });
    const isFolder = stats?.isDirectory() ?? false;
    return s3ObjectEvent(this.options.bucketName, isFolder ? `${key}/` : key, 'created', {
      size: isFolder ? 0 : (stats?.size ?? 0),
    });
  }

  private enqueue(batch: SQSRecord[]): void {
    this.batches.push(batch);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
  }

  private async pump(): Promise<void> {
    for (let batch = this.batches.shift(); batch && !this.closed; batch = this.batches.shift()) {
      await this.deliver(batch);
    }
  }

  private async deliver(records: SQSRecord[]): Promise<void> {
    const started = performance.now();
    const context = lambdaContext('lantern-kb-sync', this.options.timeoutMs ?? 300_000, crypto.randomUUID());
    let failed: Set<string>;
    try {
      const result = await this.options.handler({ Records: records }, context);
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      console.error(`docs watcher: kb-sync failed (${(error as Error).message}); the batch will be retried`);
      failed = new Set(records.map((r) => r.messageId));
    }
    this.options.onBatch?.({
      records: records.length,
      failed: failed.size,
      ms: Math.round(performance.now() - started),
    });
    const retry = records.filter((record) => failed.has(record.messageId));
    if (retry.length === 0 || this.closed) return;
    const attempt = Number(retry[0]?.attributes.ApproximateReceiveCount ?? '1');
    if (attempt >= (this.options.maxReceiveCount ?? 5)) {
      console.error(
        `docs watcher: ${retry.length} change(s) failed every delivery; dropped (a dead-letter queue on AWS)`,
      );
      return;
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.closed) return;
      // The same message ids: kb-sync derives the same client token and finds the same job.
      this.enqueue(retry.map((record) => sqsRecord(record.body, attempt + 1, record.messageId)));
    }, this.options.retryDelayMs ?? 2_000);
    this.retryTimers.add(timer);
  }
}

/** Editor swap/backup files, temporary downloads and hidden paths are not documents. */
export function isIgnored(key: string): boolean {
  if (key.split('/').some((part) => part.startsWith('.'))) return true;
  const name = basename(key);
  return (
    name.endsWith('~') ||
    /^#.*#$/.test(name) ||
    /\.(swp|swx|swo|tmp|temp|part|crdownload|bak)$/i.test(name) ||
    name === '4913' ||
    /^~\$/.test(name)
  );
}
