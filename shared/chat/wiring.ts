import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { BedrockGuardrail } from '../aws/bedrock-guardrail.ts';
import { BedrockRag, type KnowledgeBaseConfigurer } from '../aws/bedrock-rag.ts';
import { createAgentRuntimeClient, createDocumentClient, createRuntimeClient } from '../aws/clients.ts';
import { DynamoDbSessionStore } from '../aws/dynamodb-session-store.ts';
import { IdempotencyStore } from '../aws/idempotency-store.ts';
import type { LanternConfig } from '../config.ts';
import { ConversationEngine } from './engine.ts';
import type { RagSettings } from './ports.ts';

/**
 * Wires the conversation engine to its real adapters; handlers call this once, at module scope. A
 * handler that also reads the table itself passes its DynamoDB client, so one cold start builds one.
 * `answering` is given by the functions that answer with answer settings: the defaults' settings
 * for turns that bring none, and how settings become Bedrock's request (`configureFromSettings`, or
 * slack-worker's preset, `presetConfigurer`); passed in, so functions bundle only the one they use.
 */
export function createConversationEngine(
  config: LanternConfig,
  db = createDocumentClient(config),
  answering?: { readonly retrieval?: RagSettings; readonly configure: KnowledgeBaseConfigurer },
): ConversationEngine {
  const store = createSessionStore(config, db);
  const rag = new BedrockRag(createAgentRuntimeClient(config), {
    knowledgeBaseId: config.knowledgeBaseId,
    modelArn: config.modelArn,
    numberOfResults: knowledgeBaseSettings.numberOfResults,
    ...(config.guardrail ? { guardrail: config.guardrail } : {}),
    ...(answering ? { configure: answering.configure } : {}),
  });
  const guardrail = config.guardrail
    ? new BedrockGuardrail(createRuntimeClient(config), config.guardrail)
    : undefined;
  return new ConversationEngine({
    store,
    idempotency: createIdempotencyStore(config, db),
    rag,
    ...(guardrail ? { guardrail } : {}),
    ...(answering?.retrieval ? { retrieval: answering.retrieval } : {}),
  });
}

/** The sessions table as the engine and the session listing read it. */
export function createSessionStore(
  config: LanternConfig,
  db = createDocumentClient(config),
): DynamoDbSessionStore {
  return new DynamoDbSessionStore(db, { tableName: config.tableName, ttlDays: config.sessionTtlDays });
}

/** How long an idempotency key is remembered: clients and Slack retry within minutes, not days. */
const IDEMPOTENCY_TTL_SECONDS = 86_400;

/** The one idempotency store, for chat turns and Slack events alike. */
export function createIdempotencyStore(
  config: LanternConfig,
  db = createDocumentClient(config),
): IdempotencyStore {
  return new IdempotencyStore(db, {
    tableName: config.tableName,
    ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
}
