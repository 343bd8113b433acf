import type { ChatStreamEvent, ChatTurn, ConversationEngine } from '../chat/engine.ts';

/** What Slack consumes: the conversation engine's stream events. */
export type AnswerEvent = ChatStreamEvent;

/** Where Slack gets answers from: one turn in, a stream of {@link AnswerEvent}s out. */
export interface AnswerSource {
  stream(turn: ChatTurn): AsyncIterable<AnswerEvent>;
}

/** The part of the conversation engine Slack uses. */
export type SlackEngine = Pick<ConversationEngine, 'streamChat'>;

/** The seam between Slack and the conversation engine: Slack never calls Bedrock itself. */
export function answerSourceFor(engine: SlackEngine): AnswerSource {
  return { stream: (turn) => engine.streamChat(turn) };
}
