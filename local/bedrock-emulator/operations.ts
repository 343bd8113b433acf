/**
 * The bedrock-agent-runtime operations: Retrieve and RetrieveAndGenerate. Each validates its
 * request like AWS, resolves the knowledge base (and session), and answers in the model's shapes.
 */
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { chunkShape } from './bedrock-shapes.ts';
import { resourceNotFoundError, validationError } from './errors.ts';
import { collectAnswer, generateAnswer } from './generator.ts';
import type { KnowledgeBase, KnowledgeBaseChunk, RetrievedChunk } from './knowledge-base.ts';
import { jsonResponse, type Route } from './router.ts';
import {
  parseRequest,
  retrieveAndGenerateRequestSchema,
  retrievePathSchema,
  retrieveRequestSchema,
} from './schemas.ts';
import type { SessionStore } from './sessions.ts';

export interface OperationContext {
  readonly knowledgeBases: ReadonlyMap<string, KnowledgeBase>;
  readonly sessions: SessionStore;
}

export function agentRuntimeRoutes(context: OperationContext): Route[] {
  return [
    {
      operation: 'Retrieve',
      method: 'POST',
      path: '/knowledgebases/{knowledgeBaseId}/retrieve',
      handler: ({ params, body }) => jsonResponse(retrieve(context, params.knowledgeBaseId ?? '', body)),
    },
    {
      operation: 'RetrieveAndGenerate',
      method: 'POST',
      path: '/retrieveAndGenerate',
      handler: ({ body }) => jsonResponse(retrieveAndGenerate(context, body)),
    },
  ];
}

function retrieve(context: OperationContext, knowledgeBaseId: string, body: unknown) {
  const kb = findKnowledgeBase(
    context,
    parseRequest(retrievePathSchema, { knowledgeBaseId }).knowledgeBaseId,
  );
  const request = parseRequest(retrieveRequestSchema, body);
  const numberOfResults =
    request.retrievalConfiguration?.vectorSearchConfiguration?.numberOfResults ??
    knowledgeBaseSettings.numberOfResults;
  // Like a vector store, Retrieve always returns its nearest chunks; relevance is the caller's call.
  const results = kb.retrieve({ text: request.retrievalQuery.text }, numberOfResults);
  return {
    retrievalResults: results.map((result) => ({ ...chunkShape(result.chunk), score: result.score })),
  };
}

function retrieveAndGenerate(context: OperationContext, body: unknown) {
  const request = parseRequest(retrieveAndGenerateRequestSchema, body);
  const configuration = request.retrieveAndGenerateConfiguration;
  const kbConfiguration = configuration.knowledgeBaseConfiguration;
  if (configuration.type !== 'KNOWLEDGE_BASE' || kbConfiguration === undefined) {
    throw validationError(
      'The emulator supports retrieveAndGenerateConfiguration.type KNOWLEDGE_BASE with a knowledgeBaseConfiguration only.',
    );
  }
  const kb = findKnowledgeBase(context, kbConfiguration.knowledgeBaseId);

  const session =
    request.sessionId === undefined
      ? context.sessions.create(kb.id)
      : context.sessions.get(request.sessionId);
  if (session === undefined) {
    throw validationError(
      `Session with Id ${request.sessionId} is not valid. It does not exist or has expired.`,
    );
  }

  const query = { text: request.input.text, history: session.turns.map((turn) => turn.question) };
  const numberOfResults =
    kbConfiguration.retrievalConfiguration?.vectorSearchConfiguration?.numberOfResults ??
    knowledgeBaseSettings.numberOfResults;
  const relevant = relevantPassages(kb.retrieve(query, numberOfResults));
  const answer = collectAnswer(
    generateAnswer<KnowledgeBaseChunk>({
      queryWeights: kb.termWeights(query),
      passages: relevant.map((result) => ({ text: result.chunk.text, reference: result.chunk })),
      noAnswerText: knowledgeBaseSettings.noAnswerText,
    }),
  );
  context.sessions.addTurn(session.sessionId, { question: request.input.text, answer: answer.text });

  return {
    sessionId: session.sessionId,
    output: { text: answer.text },
    citations: answer.citations.map((citation) => ({
      generatedResponsePart: { textResponsePart: { text: citation.text, span: citation.span } },
      retrievedReferences: citation.references.map(chunkShape),
    })),
  };
}

/**
 * Passages worth answering from: none unless the best clears the relevance threshold (then the
 * answer is the knowledge base's no-answer reply), and then only those that clear it too.
 */
function relevantPassages(results: readonly RetrievedChunk[]): RetrievedChunk[] {
  if (!results[0]?.relevant) return [];
  return results.filter((result) => result.relevant);
}

function findKnowledgeBase(context: OperationContext, knowledgeBaseId: string): KnowledgeBase {
  const kb = context.knowledgeBases.get(knowledgeBaseId);
  if (kb === undefined) throw resourceNotFoundError(`Knowledge base ${knowledgeBaseId} does not exist.`);
  return kb;
}
