import { knowledgeBaseSettings } from '../config/knowledge-base.ts';
import { createAgentRuntimeClient, createDocumentClient } from './aws-clients.ts';
import type { LanternConfig } from './config.ts';
import { ConversationEngine } from './conversation.ts';
import { BedrockRag } from './rag-client.ts';
import { SessionStore } from './session-store.ts';

/** Wires the conversation engine to its real adapters; handlers call this once, at module scope. */
export function createConversationEngine(config: LanternConfig): ConversationEngine {
  const store = new SessionStore(createDocumentClient(config), {
    tableName: config.tableName,
    ttlDays: config.sessionTtlDays,
  });
  const rag = new BedrockRag(createAgentRuntimeClient(config), {
    knowledgeBaseId: config.knowledgeBaseId,
    modelArn: config.modelArn,
    numberOfResults: knowledgeBaseSettings.numberOfResults,
  });
  return new ConversationEngine({ store, rag });
}
