/** Lantern's public data shapes, shared by REST, SSE and Slack. */

export interface CitationReference {
  readonly sourceUri: string;
  readonly title?: string;
  /** The document's public web address (http or https), when it has one; `sourceUri` stays as is. */
  readonly url?: string;
  readonly excerpt: string;
  readonly score?: number;
}

/** A span of the answer (`answer.slice(start, end) === text`) and the passages it came from. */
export interface Citation {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly references: readonly CitationReference[];
}

export type GuardrailAction = 'NONE' | 'INTERVENED';

/** What the guardrail did to a turn: nothing, masked something, or blocked the question. */
export interface GuardrailOutcome {
  readonly action: GuardrailAction;
  /** The question was blocked: the answer is the guardrail's message and nothing was retrieved. */
  readonly blocked?: boolean;
  /** The policies that intervened on the question, plus `output` when the answer was screened. */
  readonly policies?: readonly string[];
}

export type MessageRole = 'user' | 'assistant';

/** `incomplete`: the answer was cut short (a broken stream); `blocked`: the guardrail answered. */
export type MessageStatus = 'complete' | 'incomplete' | 'blocked';

export type Rating = 'up' | 'down';

export interface Feedback {
  readonly rating: Rating;
  readonly comment?: string;
  readonly createdAt: string;
}

export interface StoredMessage {
  readonly sessionId: string;
  readonly messageId: string;
  readonly role: MessageRole;
  readonly text: string;
  readonly citations?: readonly Citation[];
  readonly status: MessageStatus;
  readonly createdAt: string;
  readonly clientMessageId?: string;
  readonly feedback?: Feedback;
}

export interface StoredSession {
  readonly sessionId: string;
  readonly owner: string;
  readonly createdAt: string;
  readonly bedrockSessionId?: string;
  readonly expiresAt: number;
}

export interface ChatAnswer {
  readonly sessionId: string;
  readonly messageId: string;
  readonly answer: string;
  readonly citations: readonly Citation[];
  readonly guardrail: GuardrailOutcome;
}
