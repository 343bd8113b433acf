import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { ingestionSettings } from '../../config/ingestion.ts';
import { makeKbAdminHandler } from '../../functions/kb-admin/kb-admin-handler.ts';
import { makeKbSyncHandler } from '../../functions/kb-sync/kb-sync-handler.ts';
import type { CorsConfig, LanternConfig } from '../../shared/config.ts';
import { createKnowledgeBaseAdminService, createKnowledgeBaseSync } from '../../shared/ingestion/wiring.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';
import type { GatewayRoute } from '../gateway/routes.ts';
import { DocsWatcher } from './docs-watcher.ts';
import { scheduledEvent } from './s3-events.ts';

export type KbSyncHandler = (
  event: SQSEvent | ScheduledEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>;

export interface LocalKnowledgeBaseOptions {
  /** The `--docs` folder, standing for the documents bucket. */
  readonly docsDir: string;
  readonly bucketName: string;
  /** Sync when files in `docsDir` change, as S3 events do on AWS. @default true */
  readonly watchDocs?: boolean;
  /** @default `ingestionSettings.localDebounceMs` (1 s) */
  readonly debounceMs?: number;
  /** Pause before kb-sync gets a batch it handed back again. @default 2 s */
  readonly retryDelayMs?: number;
  /** Run the scheduled (Confluence) sync this often; off when absent. */
  readonly scheduleIntervalMs?: number;
  /** After each watcher-triggered kb-sync invocation (for `npm start`'s log and for tests). */
  readonly onSync?: (batch: {
    readonly records: number;
    readonly failed: number;
    readonly ms: number;
  }) => void;
}

export interface LocalKnowledgeBase {
  /** The admin routes (`authorization: 'IAM'`: locally `x-admin-key`). */
  readonly routes: readonly GatewayRoute[];
  /** kb-sync, built as Lambda would build it, for the watcher, the schedule and tests. */
  readonly syncHandler: KbSyncHandler;
  /** The docs folder watcher, when watching. */
  readonly watcher?: DocsWatcher;
  close(): Promise<void>;
}

/**
 * kb-sync backs off and polls on AWS's time scale (seconds); locally jobs take milliseconds, so the
 * same code runs with shorter waits.
 */
const LOCAL_SYNC_TIMING = {
  startAttempts: 6,
  startBackoffBaseMs: 250,
  startBackoffMaxMs: 4_000,
  pollIntervalMs: 100,
  followMarginMs: 1_000,
} as const;

/**
 * Knowledge-base reload on the local stack: the kb-admin routes, and kb-sync fed as on AWS — by a
 * watcher on the documents folder standing in for S3 → EventBridge → SQS (debounced), and by a
 * timer standing in for the EventBridge schedule.
 */
export function startLocalKnowledgeBase(
  config: LanternConfig,
  cors: CorsConfig,
  options: LocalKnowledgeBaseOptions,
): LocalKnowledgeBase {
  const adminHandler = makeKbAdminHandler(createKnowledgeBaseAdminService(config), cors);
  const syncHandler: KbSyncHandler = makeKbSyncHandler(createKnowledgeBaseSync(config, LOCAL_SYNC_TIMING));
  const route = (method: GatewayRoute['method'], resource: string): GatewayRoute => ({
    method,
    resource,
    handler: adminHandler,
    apiKeyRequired: false,
    authorization: 'IAM',
    functionName: 'lantern-kb-admin',
    timeoutSeconds: functionTimeoutSeconds.kbAdmin,
  });

  const watcher =
    options.watchDocs === false
      ? undefined
      : new DocsWatcher({
          folder: options.docsDir,
          bucketName: options.bucketName,
          handler: syncHandler,
          debounceMs: options.debounceMs ?? ingestionSettings.localDebounceMs,
          ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
          ...(options.onSync ? { onBatch: options.onSync } : {}),
        });
  watcher?.start();

  const schedule =
    options.scheduleIntervalMs === undefined
      ? undefined
      : setInterval(() => {
          const context = lambdaContext(
            'lantern-kb-sync',
            ingestionSettings.syncTimeoutSeconds * 1000,
            crypto.randomUUID(),
          );
          syncHandler(scheduledEvent(), context).catch((error: unknown) =>
            console.error(`scheduled sync: ${(error as Error).message}`),
          );
        }, options.scheduleIntervalMs);
  schedule?.unref();

  return {
    routes: [
      route('POST', '/v1/admin/knowledge-base/sync'),
      route('GET', '/v1/admin/knowledge-base/jobs'),
      route('GET', '/v1/admin/knowledge-base/jobs/{jobId}'),
    ],
    syncHandler,
    ...(watcher ? { watcher } : {}),
    close: async () => {
      clearInterval(schedule);
      await watcher?.close();
    },
  };
}
