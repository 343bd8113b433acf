import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { createKnowledgeBaseAdminService } from '../../shared/ingestion/wiring.ts';
import { makeKbAdminHandler } from './kb-admin-handler.ts';

export const handler = makeKbAdminHandler(createKnowledgeBaseAdminService(getConfig()), getCorsConfig());
