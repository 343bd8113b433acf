/**
 * The bedrock-agent-runtime operations: Retrieve and RetrieveAndGenerate. Each validates its
 * request like AWS, resolves the knowledge base (and session), and answers in the model's shapes.
 */
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { signedRegion } from './account.ts';
import {
  type AnswerSettings,
  readAnswerSettings,
  shapeAnswer,
  shapesAnswer,
  toParts,
} from './answer-settings.ts';
import { chunkShape } from './bedrock-shapes.ts';
import { resourceNotFoundError, validationError } from './errors.ts';
import {
  type Answer,
  type AnswerPart,
  collectAnswer,
  generateAnswer,
} from './generation/extractive-answer.ts';
import {
  combinedAction,
  type GuardrailScreen,
  guardAnswer,
  type RagGuardrailAction,
  ragGuardrail,
  screenInput,
} from './guardrail/rag-screening.ts';
import type { ServedGuardrail } from './guardrail/served-guardrail.ts';
import type { KnowledgeBase, KnowledgeBaseChunk, RetrievedChunk } from './knowledge-base.ts';
import { assertGenerationModel } from './protocol/model-lifecycle.ts';
import { decomposeQuestion, interleave } from './retrieval/query-decomposition.ts';
import type { QueryPlan } from './retrieval/query-plan.ts';
import { readVectorSearch, runVectorSearch, type VectorSearch } from './retrieval/vector-search.ts';
import { awsJsonResponse, type EmulatorRoute } from './router.ts';
import type { RetrieveAndGenerateRequest, RetrieveRequest, VectorSearchConfiguration } from './schemas.ts';
import { assertSearchType } from './search-type.ts';
import type { RagSessions } from './sessions.ts';
import type { EmulatorRequest } from './transport.ts';

export interface OperationContext {
  readonly knowledgeBases: ReadonlyMap<string, KnowledgeBase>;
  readonly sessions: RagSessions;
  /** The guardrail the emulator serves; requests attach it by id and version. */
  readonly guardrail?: ServedGuardrail;
  /** The day model lifecycles are judged on (a model past its end of life is refused). */
  readonly now: () => Date;
}

export function agentRuntimeRoutes(context: OperationContext): EmulatorRoute[] {
  return [
    {
      operation: 'Retrieve',
      method: 'POST',
      path: '/knowledgebases/{knowledgeBaseId}/retrieve',
      handler: ({ params, body, request }) =>
        awsJsonResponse(
          retrieve(
            context,
            { ...(body as object), knowledgeBaseId: params.knowledgeBaseId ?? '' } as RetrieveRequest,
            request,
          ),
        ),
    },
    {
      operation: 'RetrieveAndGenerate',
      method: 'POST',
      path: '/retrieveAndGenerate',
      handler: ({ body, request }) => awsJsonResponse(retrieveAndGenerate(context, body, request)),
    },
  ];
}

/** A request's search settings, checked against what the knowledge base's vector store supports. */
function searchSettings(
  kb: KnowledgeBase,
  configuration: VectorSearchConfiguration | undefined,
  path: string,
  region: string,
): VectorSearch {
  assertSearchType(configuration, kb);
  return readVectorSearch(configuration, knowledgeBaseSettings.numberOfResults, path, region, kb.vectorStore);
}

function retrieve(context: OperationContext, request: RetrieveRequest, wire: EmulatorRequest) {
  const kb = findKnowledgeBase(context, request.knowledgeBaseId);
  const search = searchSettings(
    kb,
    request.retrievalConfiguration?.vectorSearchConfiguration,
    'retrievalConfiguration.vectorSearchConfiguration',
    signedRegion(wire.headers),
  );
  // Like a vector store, Retrieve always returns its nearest chunks; relevance is the caller's call.
  const text = request.retrievalQuery.text;
  const { results } = runVectorSearch(kb, { text }, text, search);
  return {
    retrievalResults: results.map((result) => ({ ...chunkShape(result.chunk), score: result.score })),
  };
}

function retrieveAndGenerate(context: OperationContext, body: unknown, request: EmulatorRequest) {
  const turn = startAnswer(context, body, request);
  const { answer, guardrailAction } = screenedAnswer(turn);
  turn.finish(answer.text);
  return {
    sessionId: turn.sessionId,
    output: { text: answer.text },
    // RetrieveAndGenerate's spans end inclusive (its stream's end exclusive), as AWS answers.
    citations: answer.citations.map((citation) => citationShape(citation, 'inclusive')),
    ...(guardrailAction === undefined ? {} : { guardrailAction }),
  };
}

/**
 * The whole answer, screened by the attached guardrail before it leaves (see
 * guardrail/rag-screening.ts); `guardrailAction` only when a guardrail is attached.
 */
export function screenedAnswer(turn: AnswerTurn): {
  answer: Answer<KnowledgeBaseChunk>;
  guardrailAction?: RagGuardrailAction;
} {
  const generated = collectAnswer(turn.parts);
  if (turn.guardrail === undefined) return { answer: generated };
  const guarded = turn.inputScreen?.blocked ? undefined : guardAnswer(turn.guardrail, generated);
  return {
    answer: guarded?.answer ?? generated,
    guardrailAction: combinedAction(turn.inputScreen, guarded?.screen),
  };
}

/** One answer in the making, shared by RetrieveAndGenerate and its stream. */
export interface AnswerTurn {
  readonly sessionId: string;
  /** The answer's parts, produced lazily so a stream can send each as it comes. */
  readonly parts: Iterable<AnswerPart<KnowledgeBaseChunk>>;
  /** Records the turn in the session once the whole answer is known. */
  finish(answerText: string): void;
  /** The guardrail the request attached (`generationConfiguration.guardrailConfiguration`), if any. */
  readonly guardrail?: ServedGuardrail;
  /**
   * The question's screen. When blocked, `parts` is the blocked-input message alone (no retrieval,
   * no citations); the caller must still screen generated answers with `guardAnswer`/`screenOutput`.
   */
  readonly inputScreen?: GuardrailScreen;
}

/**
 * Resolves a RetrieveAndGenerate request (already checked against the model by the router): the
 * knowledge base, the model, the session, and the passages to answer from.
 */
export function startAnswer(context: OperationContext, body: unknown, wire: EmulatorRequest): AnswerTurn {
  const request = body as RetrieveAndGenerateRequest;
  const configuration = request.retrieveAndGenerateConfiguration;
  const kbConfiguration = configuration?.knowledgeBaseConfiguration;
  if (configuration?.type !== 'KNOWLEDGE_BASE' || kbConfiguration === undefined) {
    // Not AWS's rule but the emulator's limit: it has no external sources to generate from.
    throw validationError(
      'The emulator supports retrieveAndGenerateConfiguration.type KNOWLEDGE_BASE with a knowledgeBaseConfiguration only.',
    );
  }
  const kb = findKnowledgeBase(context, kbConfiguration.knowledgeBaseId);
  const region = signedRegion(wire.headers);
  assertGenerationModel(kbConfiguration.modelArn, context.now(), region);
  const kbPath = 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration';
  const search = searchSettings(
    kb,
    kbConfiguration.retrievalConfiguration?.vectorSearchConfiguration,
    `${kbPath}.retrievalConfiguration.vectorSearchConfiguration`,
    region,
  );
  const settings = readAnswerSettings(
    kbConfiguration.generationConfiguration,
    kbConfiguration.orchestrationConfiguration,
    kbPath,
  );
  const decompose =
    kbConfiguration.orchestrationConfiguration?.queryTransformationConfiguration !== undefined;
  const guardrail = ragGuardrail(
    context.guardrail,
    kbConfiguration.generationConfiguration?.guardrailConfiguration,
  );

  const session =
    request.sessionId === undefined
      ? context.sessions.create(kb.id)
      : context.sessions.get(request.sessionId);
  if (session === undefined) {
    throw validationError(
      `Session with Id ${request.sessionId} is not valid. It does not exist or has expired.`,
    );
  }

  const inputScreen = guardrail === undefined ? undefined : screenInput(guardrail, request.input.text);
  const screening = guardrail === undefined ? {} : { guardrail, inputScreen };
  if (inputScreen?.blocked) {
    // A blocked question is answered with the policy's message and not kept in the session.
    return {
      sessionId: session.sessionId,
      parts: [{ type: 'text', text: inputScreen.text }],
      finish: () => {},
      ...screening,
    };
  }
  // A masked question is what gets retrieved, answered and remembered.
  const question = inputScreen?.text ?? request.input.text;
  const history = session.turns.map((turn) => turn.question);
  const plan = kb.plan({ text: question, history });
  const relevant = relevantPassages(kb, plan, question, history, search, decompose);
  const queryWeights = Object.assign(
    new Map([...plan.terms].map(([term, weight]) => [term, weight * kb.idf(term)])),
    { wantsSteps: plan.wantsSteps },
  );
  const generated = generateAnswer<KnowledgeBaseChunk>({
    queryWeights,
    passages: relevant.map(({ chunk }) => ({
      text: chunk.text,
      reference: chunk,
      document: chunk.sourceUri,
      ...(chunk.headings === undefined ? {} : { headings: chunk.headings }),
    })),
    noAnswerText: knowledgeBaseSettings.noAnswerText,
  });
  return {
    sessionId: session.sessionId,
    parts: shapesAnswer(settings) ? shapedParts(generated, settings) : generated,
    finish: (answerText) => context.sessions.addTurn(session.sessionId, { question, answer: answerText }),
    ...screening,
  };
}

/**
 * A generator citation in the model's `Citation` shape. The generator's spans end exclusive; AWS's
 * RetrieveAndGenerate answers with inclusive ends and its stream with exclusive ones.
 */
export function citationShape(
  citation: Answer<KnowledgeBaseChunk>['citations'][number],
  spanEnd: 'inclusive' | 'exclusive',
) {
  const { start, end } = citation.span;
  const span = spanEnd === 'inclusive' ? { start, end: Math.max(start, end - 1) } : { start, end };
  return {
    generatedResponsePart: { textResponsePart: { text: citation.text, span } },
    retrievedReferences: citation.references.map(chunkShape),
  };
}

/**
 * Passages worth answering from: none unless the first stage's best clears the relevance
 * threshold (then the answer is the knowledge base's no-answer reply), and then only those that
 * clear it too, in the order the search returned them (the reranker's, when reranking). With
 * query decomposition, each part of the question is searched too and their results taken in turn.
 */
function relevantPassages(
  kb: KnowledgeBase,
  plan: QueryPlan,
  question: string,
  history: readonly string[],
  search: VectorSearch,
  decompose: boolean,
): RetrievedChunk[] {
  const parts = decompose ? decomposeQuestion(question) : [];
  const outcomes = [
    runVectorSearch(kb, plan, question, search),
    ...parts.map((part) => runVectorSearch(kb, { text: part, history }, part, search)),
  ];
  const answerable = outcomes.filter((outcome) => outcome.answerable);
  if (answerable.length === 0) return [];
  // Each part retrieves as many chunks as the whole question would.
  const limit = (search.rerank?.numberOfRerankedResults ?? search.numberOfResults) * outcomes.length;
  const merged = interleave(
    answerable.map((outcome) => outcome.results),
    (result) => result.chunk.id,
    limit,
  );
  return merged.filter((result) => result.relevant);
}

/** The generated answer cut and cited as the settings say, produced when first read. */
function* shapedParts(
  generated: Iterable<AnswerPart<KnowledgeBaseChunk>>,
  settings: AnswerSettings,
): Generator<AnswerPart<KnowledgeBaseChunk>> {
  yield* toParts(shapeAnswer(collectAnswer(generated), settings));
}

function findKnowledgeBase(context: OperationContext, knowledgeBaseId: string): KnowledgeBase {
  const kb = context.knowledgeBases.get(knowledgeBaseId);
  if (kb === undefined) throw resourceNotFoundError(`Knowledge base ${knowledgeBaseId} does not exist.`);
  return kb;
}
