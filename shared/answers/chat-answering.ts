import type { APIGatewayProxyEvent } from 'aws-lambda';
import { chatRequestSchema } from '../api-schemas.ts';
import type { ChatTurn } from '../chat/engine.ts';
import type { RagSettings } from '../chat/ports.ts';
import { callerOf, parseJsonBody } from '../http/request.ts';
import { type AnswerEnvironment, parseAnswerEnvironment } from './answer-environment.ts';
import { answerProfileOf } from './answer-profile.ts';
import { type AnswerChoice, turnAnswering } from './answer-request.ts';

/** Nothing declared, the deployment's model only: what a handler built without answer settings checks against. */
let builtIn: AnswerEnvironment | undefined;

/**
 * The chat handlers' one call: the caller's profile (from its key or token) with the request's
 * filter and model, as the members a `ChatTurn` carries. A handler built without answer settings
 * (tests, older wiring) sends what it always sent, yet still refuses any filter or model.
 */
export function answeringFor(
  event: APIGatewayProxyEvent,
  choice: AnswerChoice,
  answers: AnswerEnvironment | undefined,
): { readonly retrieval?: RagSettings; readonly choice?: string } {
  if (answers) return turnAnswering(answerProfileOf(event, answers), choice, answers);
  if (choice.filter === undefined && choice.model === undefined) return {};
  builtIn ??= parseAnswerEnvironment({});
  turnAnswering(builtIn.settings.defaults, choice, builtIn);
  return {};
}

/**
 * The turn a `POST /v1/chat` or `/v1/chat/stream` request asks for: its caller, its body, and what
 * its answer profile lets it choose; `leaseMs` is the function's remaining time.
 */
export function chatTurnOf(
  event: APIGatewayProxyEvent,
  leaseMs: number,
  answers: AnswerEnvironment | undefined,
): ChatTurn {
  const owner = callerOf(event);
  const { message, sessionId, clientMessageId, filter, model } = parseJsonBody(event, chatRequestSchema);
  return {
    owner,
    message,
    ...(sessionId ? { sessionId } : {}),
    ...(clientMessageId ? { clientMessageId } : {}),
    ...answeringFor(event, { filter, model }, answers),
    leaseMs,
  };
}

/** The defaults' settings, for turns that come without a caller's (the Slack path). */
export function defaultRetrieval(answers: AnswerEnvironment): RagSettings {
  return turnAnswering(answers.settings.defaults, {}, answers).retrieval;
}
