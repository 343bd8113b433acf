import {
  type BedrockAgentRuntimeClient,
  type Citation as BedrockCitation,
  type CitationEvent,
  type KnowledgeBaseRetrieveAndGenerateConfiguration,
  ResourceNotFoundException,
  RetrieveAndGenerateCommand,
  type RetrieveAndGenerateCommandInput,
  RetrieveAndGenerateStreamCommand,
  type RetrieveAndGenerateStreamResponseOutput,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { mapCitations } from '../chat/citations.ts';
import {
  type RagAnswer,
  type RagGenerator,
  type RagRequest,
  type RagSettings,
  type RagStream,
  type RagStreamEvent,
  SessionRejectedError,
} from '../chat/ports.ts';
import { toServiceError } from './service-errors.ts';

export interface BedrockRagOptions {
  readonly knowledgeBaseId: string;
  readonly modelArn: string;
  readonly numberOfResults?: number;
  /** Rides along on every call, so Bedrock screens the generated answer too. */
  readonly guardrail?: { readonly guardrailId: string; readonly guardrailVersion: string };
  /**
   * Builds the knowledge-base configuration from a turn's answer settings (model, filter,
   * reranking, prompts, inference): `configureFromSettings` in bedrock-rag-settings.ts, given by the
   * functions that answer with answer profiles, so the others bundle none of it. Without it a
   * turn's settings are not read, and every call sends the options above.
   */
  readonly configure?: KnowledgeBaseConfigurer;
}

export type KnowledgeBaseConfigurer = (
  settings: RagSettings,
  options: BedrockRagOptions,
) => KnowledgeBaseRetrieveAndGenerateConfiguration;

/** `RetrieveAndGenerate` against a Bedrock knowledge base, with errors translated for callers. */
export class BedrockRag implements RagGenerator {
  constructor(
    private readonly client: BedrockAgentRuntimeClient,
    private readonly options: BedrockRagOptions,
  ) {}

  async generate(request: RagRequest): Promise<RagAnswer> {
    try {
      const response = await this.client.send(new RetrieveAndGenerateCommand(this.input(request)));
      const answer = response.output?.text ?? '';
      return {
        bedrockSessionId: response.sessionId ?? request.bedrockSessionId ?? '',
        answer,
        citations: mapCitations(answer, response.citations, 'inclusive'),
        guardrailAction: response.guardrailAction === 'INTERVENED' ? 'INTERVENED' : 'NONE',
      };
    } catch (error) {
      throw translateBedrockError(error, request.bedrockSessionId !== undefined);
    }
  }

  async stream(request: RagRequest, signal?: AbortSignal): Promise<RagStream> {
    const hadSession = request.bedrockSessionId !== undefined;
    try {
      const response = await this.client.send(
        new RetrieveAndGenerateStreamCommand(this.input(request)),
        signal ? { abortSignal: signal } : {},
      );
      if (!response.stream) throw new Error('Bedrock returned no event stream');
      return {
        bedrockSessionId: response.sessionId ?? request.bedrockSessionId ?? '',
        events: streamEvents(response.stream, signal),
      };
    } catch (error) {
      throw translateBedrockError(error, hadSession);
    }
  }

  /** The request body, shared with the streaming variant. */
  input(request: RagRequest): RetrieveAndGenerateCommandInput {
    const { configure } = this.options;
    return {
      input: { text: request.text },
      ...(request.bedrockSessionId ? { sessionId: request.bedrockSessionId } : {}),
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: configure
          ? configure(request.settings ?? {}, this.options)
          : {
              knowledgeBaseId: this.options.knowledgeBaseId,
              modelArn: this.options.modelArn,
              retrievalConfiguration: {
                vectorSearchConfiguration: { numberOfResults: this.options.numberOfResults ?? 5 },
              },
              ...(this.options.guardrail
                ? { generationConfiguration: { guardrailConfiguration: this.options.guardrail } }
                : {}),
            },
      },
    };
  }
}

/**
 * A session lasts 24 hours and cannot be extended (AWS re:Post, "reuse a knowledge base session"),
 * but Bedrock documents neither the error nor its wording for one that expired or is unknown. So a
 * validation or not-found error on a call that carried a session means "start a new session",
 * whatever its message: the engine asks once more without it, and an error that had nothing to do
 * with the session comes back from that second call as it is.
 */
export function translateBedrockError(error: unknown, hadSession: boolean): Error {
  if (hadSession && (error instanceof ValidationException || error instanceof ResourceNotFoundException)) {
    return new SessionRejectedError(error.message, { cause: error });
  }
  return toServiceError(error, 'The knowledge base');
}

/** Bedrock's event union as Lantern's stream events; modeled exceptions mid-stream are translated too. */
async function* streamEvents(
  stream: AsyncIterable<RetrieveAndGenerateStreamResponseOutput>,
  signal: AbortSignal | undefined,
): AsyncGenerator<RagStreamEvent> {
  try {
    for await (const event of stream) {
      if (event.output?.text) yield { type: 'text', text: event.output.text };
      else if (event.citation) yield { type: 'citation', citation: citationOf(event.citation) };
      else if (event.guardrail?.action) {
        yield { type: 'guardrail', action: event.guardrail.action === 'INTERVENED' ? 'INTERVENED' : 'NONE' };
      }
    }
  } catch (error) {
    throw translateBedrockError(error, false);
  }
  // An aborted SDK stream just ends, as if the answer were whole: say that it is not.
  if (signal?.aborted) throw new StreamAbortedError('The answer stream was cancelled');
}

/**
 * A streamed citation's parts. They travel at the event's top level; the nested `citation` that
 * repeated them is deprecated (and may stop coming), yet a response carrying only it is still read.
 */
export function citationOf(event: CitationEvent): BedrockCitation {
  const topLevel = event.generatedResponsePart !== undefined || event.retrievedReferences !== undefined;
  const parts = topLevel ? event : (event.citation ?? {});
  return {
    ...(parts.generatedResponsePart ? { generatedResponsePart: parts.generatedResponsePart } : {}),
    ...(parts.retrievedReferences ? { retrievedReferences: parts.retrievedReferences } : {}),
  };
}

/** The caller cancelled the stream before Bedrock finished the answer. */
export class StreamAbortedError extends Error {
  override readonly name = 'StreamAbortedError';
}
