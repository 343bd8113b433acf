import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeChatHandler } from './chat-handler.ts';

export const handler = makeChatHandler(createConversationEngine(getConfig()), getCorsConfig());
