import type { ChatTurn } from '../conversation.ts';
import type { ChatAnswer, Citation, GuardrailAction } from '../types.ts';

/**
 * What a streamed turn emits, in order: `session` first, `done` last. The same shape as the
 * conversation engine's `streamChat` events (declared here structurally, so Slack depends on the
 * shape, not on the engine's internals).
 */
export type AnswerEvent =
  | { readonly type: 'session'; readonly sessionId: string; readonly messageId: string }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'citation'; readonly citation: Citation }
  | { readonly type: 'guardrail'; readonly action: GuardrailAction }
  | { readonly type: 'done'; readonly answer: ChatAnswer };

/** Where Slack gets answers from: one turn in, a stream of {@link AnswerEvent}s out. */
export interface AnswerSource {
  stream(turn: ChatTurn): AsyncIterable<AnswerEvent>;
}

/** The parts of the conversation engine Slack uses; `streamChat` is used when the engine has it. */
export interface SlackEngine {
  chat(turn: ChatTurn): Promise<ChatAnswer>;
  streamChat?(turn: ChatTurn): AsyncIterable<AnswerEvent>;
}

/**
 * The seam between Slack and the conversation engine: the engine's own stream when it has one
 * (`streamChat`), else an adapter over `chat()` that emits the whole answer as one `text` event.
 * Either way Slack consumes the same events and never calls Bedrock itself.
 */
export function answerSourceFor(engine: SlackEngine): AnswerSource {
  const streamChat = engine.streamChat?.bind(engine);
  if (streamChat) return { stream: (turn) => streamChat(turn) };
  return { stream: (turn) => answerAsStream(engine.chat(turn)) };
}

/** One finished answer as the events a stream would have carried. */
export async function* answerAsStream(answer: Promise<ChatAnswer>): AsyncGenerator<AnswerEvent> {
  const done = await answer;
  yield { type: 'session', sessionId: done.sessionId, messageId: done.messageId };
  if (done.guardrail.action !== 'NONE') yield { type: 'guardrail', action: done.guardrail.action };
  if (done.answer) yield { type: 'text', text: done.answer };
  for (const citation of done.citations) yield { type: 'citation', citation };
  yield { type: 'done', answer: done };
}
