import { ingestionSettings } from '../../config/ingestion.ts';
import { createAgentClient, createDocumentClient } from '../aws/clients.ts';
import type { LanternConfig } from '../config.ts';
import { KnowledgeBaseAdminService } from './admin-service.ts';
import { BedrockKnowledgeBaseAdmin } from './bedrock-knowledge-base-admin.ts';
import { IngestionJobStore } from './job-store.ts';
import { IngestionJobTracker } from './job-tracker.ts';
import { KnowledgeBaseSync } from './knowledge-base-sync.ts';
import type { SyncTiming } from './sync.ts';

/** The deployed timing of kb-sync, from `config/ingestion.ts`. */
export const defaultSyncTiming: SyncTiming = {
  startAttempts: ingestionSettings.startAttempts,
  startBackoffBaseMs: ingestionSettings.startBackoffBaseMs,
  startBackoffMaxMs: ingestionSettings.startBackoffMaxMs,
  pollIntervalMs: ingestionSettings.pollIntervalMs,
  followMarginMs: ingestionSettings.followMarginMs,
};

function parts(config: LanternConfig) {
  const admin = new BedrockKnowledgeBaseAdmin(createAgentClient(config), config.knowledgeBaseId);
  const store = new IngestionJobStore(createDocumentClient(config), {
    tableName: config.tableName,
    retentionDays: ingestionSettings.jobRetentionDays,
  });
  return { admin, store, tracker: new IngestionJobTracker(store) };
}

/** Wires the admin API's service to Bedrock and the table; handlers call this once, at module scope. */
export function createKnowledgeBaseAdminService(config: LanternConfig): KnowledgeBaseAdminService {
  const { admin, store, tracker } = parts(config);
  return new KnowledgeBaseAdminService(admin, store, tracker, config.dataSourceIds ?? []);
}

/** Wires kb-sync; the local stack passes a faster `timing`. */
export function createKnowledgeBaseSync(
  config: LanternConfig,
  timing: SyncTiming = defaultSyncTiming,
): KnowledgeBaseSync {
  const { admin, store, tracker } = parts(config);
  return new KnowledgeBaseSync(admin, store, tracker, { dataSourceIds: config.dataSourceIds ?? [], timing });
}
