import { createDocumentClient } from '../../shared/aws/clients.ts';
import { DynamoDbSessionStore } from '../../shared/aws/dynamodb-session-store.ts';
import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeSessionsHandler } from './sessions-handler.ts';

const config = getConfig();
export const handler = makeSessionsHandler(
  createConversationEngine(config),
  getCorsConfig(),
  new DynamoDbSessionStore(createDocumentClient(config), {
    tableName: config.tableName,
    ttlDays: config.sessionTtlDays,
  }),
);
