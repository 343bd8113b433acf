import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';

/**
 * What `npm run cost` assumes about a conversation and about the data at rest. Everything priced per
 * request is multiplied out from these; everything else comes from the synthesized templates.
 */
export const workload = {
  /** Questions per conversation (each one `POST /v1/chat` or `/v1/chat/stream`). */
  turnsPerConversation: 4,
  questionChars: 150,
  questionTokens: 40,
  answerChars: 900,
  answerTokens: 250,
  /** Passages RetrieveAndGenerate hands the model, and their size (the chunking settings). */
  passagesPerTurn: knowledgeBaseSettings.numberOfResults,
  passageTokens: knowledgeBaseSettings.chunking.maxTokens,
  passageChars: knowledgeBaseSettings.chunking.maxTokens * 4,
  /** Bedrock's RAG prompt template and the conversation so far (the Bedrock session), per turn on average. */
  promptOverheadTokens: 400,
  historyTokensPerTurn: 300,
  /** Billed duration of one chat invocation: mostly waiting for Bedrock. */
  chatDurationMs: 4_000,
  /**
   * DynamoDB request units per turn, from `shared/aws/dynamodb-session-store.ts`: read the session and the recent
   * messages; claim the client message id, append the question and the answer (about 3 KB with its
   * citations), record the answer on the claim, touch the session.
   */
  readRequestUnitsPerTurn: 3,
  writeRequestUnitsPerTurn: 9,
  /** CloudWatch Logs per turn: the function's structured lines, Lambda's own lines and the access log. */
  logBytesPerTurn: 3_000,
  /** Data at rest while idle: a help center of a few hundred articles, and its chunk vectors. */
  documentsGb: 0.05,
  chunks: 20_000,
  /** Bytes per chunk in the vector store besides the vector: chunk text and Bedrock's metadata. */
  chunkMetadataBytes: 1_600,
  /** Sessions expire by TTL; a quiet month keeps little. */
  tableGb: 0.05,
  /**
   * An SQS event source mapping long-polls its queue even when idle: AWS documents five pollers to
   * start, each `ReceiveMessage` waiting up to 20 s (about 648,000 requests a month).
   */
  idleSqsPollers: 5,
} as const;

export type Workload = typeof workload;
