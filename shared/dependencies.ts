import { knowledgeBaseSettings } from '../config/knowledge-base.ts';
import { createAgentRuntimeClient, createDocumentClient, createRuntimeClient } from './aws-clients.ts';
import type { LanternConfig } from './config.ts';
import { ConversationEngine } from './conversation.ts';
import { BedrockGuardrail } from './guardrail-client.ts';
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
    ...(config.guardrail ? { guardrail: config.guardrail } : {}),
  });
  const guardrail = config.guardrail
    ? new BedrockGuardrail(createRuntimeClient(config), config.guardrail)
    : undefined;
  return new ConversationEngine({ store, rag, ...(guardrail ? { guardrail } : {}) });
}
