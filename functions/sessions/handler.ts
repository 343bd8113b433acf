import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeSessionsHandler } from './sessions-handler.ts';

export const handler = makeSessionsHandler(createConversationEngine(getConfig()), getCorsConfig());
