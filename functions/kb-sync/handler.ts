import { getConfig } from '../../shared/config.ts';
import { createKnowledgeBaseSync } from '../../shared/ingestion/wiring.ts';
import { makeKbSyncHandler } from './kb-sync-handler.ts';

export const handler = makeKbSyncHandler(createKnowledgeBaseSync(getConfig()));
