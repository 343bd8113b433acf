import {
  type AnswerProfile,
  checkFilter,
  combineFilters,
  FilterLimitError,
  foundationModelArn,
  unsupportedCondition,
} from '../../config/answer-settings-core.ts';
import type { RagSettings } from '../chat/ports.ts';
import { LanternError, ValidationError } from '../errors.ts';
import type { AnswerEnvironment } from './answer-environment.ts';

/** What a chat request may choose within its profile. */
export interface AnswerChoice {
  readonly filter?: unknown;
  readonly model?: string | undefined;
}

/** A request named a model its profile does not allow. */
export class ModelNotAllowedError extends LanternError {
  override readonly name: string = 'ModelNotAllowedError';
  constructor(message: string, options?: ErrorOptions) {
    super(403, 'MODEL_NOT_ALLOWED', message, options);
  }
}

/**
 * The settings a turn is answered with: the profile's, the request's model if the profile allows
 * it (403 otherwise), and the request's filter checked against the declared attributes and what
 * the vector store can evaluate (400 naming the problem) and ANDed with the profile's, so no
 * request widens its profile's search.
 */
export function ragSettingsFor(
  profile: AnswerProfile,
  choice: AnswerChoice,
  answers: AnswerEnvironment,
): RagSettings {
  const model = choice.model ?? profile.models[0] ?? answers.defaultModelArn;
  if (choice.model !== undefined && !profile.models.includes(choice.model)) {
    throw new ModelNotAllowedError(
      `Model ${choice.model} is not allowed for this API key; allowed: ${profile.models.filter(Boolean).join(', ') || 'none'}`,
    );
  }
  let requestFilter: ReturnType<typeof checkFilter> | undefined;
  if (choice.filter !== undefined) {
    requestFilter = checkFilter(choice.filter, answers.settings.attributes);
    if (!requestFilter.ok) throw new ValidationError(requestFilter.message);
    const unsupported =
      answers.vectorStore && unsupportedCondition(requestFilter.filter, answers.vectorStore);
    if (unsupported) throw new ValidationError(unsupported.message);
  }
  let filter: RagSettings['filter'];
  try {
    filter = combineFilters(profile.filter, requestFilter?.ok ? requestFilter.filter : undefined);
  } catch (error) {
    if (error instanceof FilterLimitError) throw new ValidationError(error.message, { cause: error });
    throw error;
  }
  const { reranking } = profile;
  return {
    modelArn: answers.modelArns.get(model) ?? model,
    numberOfResults: profile.numberOfResults,
    ...(filter ? { filter } : {}),
    ...(reranking
      ? {
          reranking: {
            modelArn: foundationModelArn(reranking.modelId, answers.region, partitionOf(answers.region)),
            ...(reranking.numberOfRerankedResults === undefined
              ? {}
              : { numberOfRerankedResults: reranking.numberOfRerankedResults }),
          },
        }
      : {}),
    ...(profile.generationPrompt ? { generationPrompt: profile.generationPrompt } : {}),
    ...(profile.orchestrationPrompt ? { orchestrationPrompt: profile.orchestrationPrompt } : {}),
    ...(profile.inference ? { inference: profile.inference } : {}),
    ...(profile.queryDecomposition ? { queryDecomposition: true } : {}),
  };
}

/** What a request chose, as the idempotency fingerprint takes it; undefined when it chose nothing. */
export function choiceKey(choice: AnswerChoice): string | undefined {
  if (choice.filter === undefined && choice.model === undefined) return undefined;
  return JSON.stringify([choice.filter ?? null, choice.model ?? null]);
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The turn members a chat handler adds for the caller's profile and its request's choice. */
export function turnAnswering(
  profile: AnswerProfile,
  choice: AnswerChoice,
  answers: AnswerEnvironment,
): { readonly retrieval: RagSettings; readonly choice?: string } {
  const key = choiceKey(choice);
  return { retrieval: ragSettingsFor(profile, choice, answers), ...(key ? { choice: key } : {}) };
}
