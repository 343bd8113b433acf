import { createDocumentClient } from '../../shared/aws/clients.ts';
import { createConversationEngine, createSessionStore } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeSessionsHandler } from './sessions-handler.ts';

const config = getConfig();
const db = createDocumentClient(config);
export const handler = makeSessionsHandler(
  createConversationEngine(config, db),
  getCorsConfig(),
  createSessionStore(config, db),
);
