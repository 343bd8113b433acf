import { createConversationEngine } from '../../shared/chat/wiring.ts';
import { getConfig, getCorsConfig } from '../../shared/config.ts';
import { makeChatStreamHandler } from './chat-stream-handler.ts';

export const handler = awslambda.streamifyResponse(
  makeChatStreamHandler(createConversationEngine(getConfig()), getCorsConfig()),
);
