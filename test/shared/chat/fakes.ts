import type { Citation as BedrockCitation } from '@aws-sdk/client-bedrock-agent-runtime';
import {
  type BeginOptions,
  type GuardrailVerdict,
  type IdempotencyClaim,
  type InputGuardrail,
  type NewMessage,
  type RagAnswer,
  type RagGenerator,
  type RagRequest,
  type RagStream,
  type RagStreamEvent,
  SessionExistsError,
  SessionGoneError,
  SessionRejectedError,
  type SessionStore,
  type TurnIdempotency,
} from '../../../shared/chat/ports.ts';
import type { Feedback, StoredMessage, StoredSession } from '../../../shared/chat/types.ts';

/**
 * In-memory stand-ins for the engine's ports, keeping the contracts the DynamoDB and Bedrock adapters
 * keep (conditional writes, owner checks, rejected sessions) so the engine's own decisions can be
 * tested without a table or an emulator.
 */

export class InMemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, StoredSession>();
  private readonly messages = new Map<string, Map<string, StoredMessage>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async createSession(sessionId: string, owner: string, bedrockSessionId?: string): Promise<StoredSession> {
    if (this.sessions.has(sessionId)) throw new SessionExistsError(sessionId);
    const session: StoredSession = {
      sessionId,
      owner,
      createdAt: this.now().toISOString(),
      ...(bedrockSessionId ? { bedrockSessionId } : {}),
      expiresAt: Math.floor(this.now().getTime() / 1000) + 86_400,
    };
    this.sessions.set(sessionId, session);
    this.messages.set(sessionId, new Map());
    return session;
  }

  async getSession(sessionId: string, owner: string): Promise<StoredSession | undefined> {
    const session = this.sessions.get(sessionId);
    return session?.owner === owner ? session : undefined;
  }

  async touchSession(sessionId: string, bedrockSessionId: string | undefined): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new SessionGoneError(sessionId);
    this.sessions.set(sessionId, { ...session, ...(bedrockSessionId ? { bedrockSessionId } : {}) });
  }

  async saveMessage(sessionId: string, message: NewMessage): Promise<StoredMessage> {
    const transcript = this.messages.get(sessionId) ?? new Map<string, StoredMessage>();
    this.messages.set(sessionId, transcript);
    const { sortKey, ...fields } = message;
    const existing = transcript.get(sortKey);
    if (existing && existing.status !== 'incomplete') return existing;
    const stored: StoredMessage = { sessionId, ...fields };
    transcript.set(sortKey, stored);
    return stored;
  }

  async removeMessages(sessionId: string, messages: readonly NewMessage[]): Promise<void> {
    for (const message of messages) this.messages.get(sessionId)?.delete(message.sortKey);
  }

  async listMessages(sessionId: string): Promise<StoredMessage[]> {
    const transcript = this.messages.get(sessionId) ?? new Map<string, StoredMessage>();
    return [...transcript.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, message]) => message);
  }

  async setFeedback(sessionId: string, messageId: string, feedback: Feedback): Promise<boolean> {
    const transcript = this.messages.get(sessionId);
    for (const [sortKey, message] of transcript ?? []) {
      if (message.messageId === messageId && message.role === 'assistant') {
        transcript?.set(sortKey, { ...message, feedback });
        return true;
      }
    }
    return false;
  }

  async deleteSession(
    sessionId: string,
    owner: string,
    forget: (clientMessageIds: readonly string[]) => Promise<void>,
  ): Promise<boolean> {
    if (this.sessions.get(sessionId)?.owner !== owner) return false;
    const transcript = await this.listMessages(sessionId);
    await forget(transcript.flatMap((m) => (m.clientMessageId ? [m.clientMessageId] : [])));
    this.sessions.delete(sessionId);
    this.messages.delete(sessionId);
    return true;
  }
}

interface IdempotencyRecord {
  readonly fingerprint: string;
  status: 'in_progress' | 'completed';
  data: unknown;
  result?: unknown;
  leaseUntil: number;
  attempt: number;
}

export class InMemoryIdempotency implements TurnIdempotency {
  readonly records = new Map<string, IdempotencyRecord>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async begin<Result, Data>(
    key: string,
    options: BeginOptions<Data>,
  ): Promise<IdempotencyClaim<Result, Data>> {
    const nowMs = this.now().getTime();
    const record = this.records.get(key);
    if (!record) {
      this.records.set(key, {
        fingerprint: options.fingerprint,
        status: 'in_progress',
        data: options.data,
        leaseUntil: nowMs + options.leaseMs,
        attempt: 1,
      });
      return { status: 'claimed', data: options.data, attempt: 1 };
    }
    if (record.fingerprint !== options.fingerprint) return { status: 'mismatch' };
    if (record.status === 'completed') return { status: 'completed', result: record.result as Result };
    if (record.leaseUntil > nowMs) return { status: 'in_progress', retryAfterMs: record.leaseUntil - nowMs };
    record.leaseUntil = nowMs + options.leaseMs;
    record.attempt += 1;
    return { status: 'claimed', data: record.data as Data, attempt: record.attempt };
  }

  async complete<Result>(key: string, result: Result, attempt?: number): Promise<void> {
    const record = this.held(key, attempt, false);
    if (record) Object.assign(record, { status: 'completed', result });
  }

  async release(key: string, attempt?: number): Promise<void> {
    const record = this.held(key, attempt, true);
    if (record) record.leaseUntil = 0;
  }

  async forget(key: string, attempt?: number): Promise<void> {
    if (attempt === undefined || this.held(key, attempt, true)) this.records.delete(key);
  }

  /** The record, if `attempt` (when given) still holds it, as the DynamoDB store's conditions check. */
  private held(key: string, attempt: number | undefined, inProgress: boolean) {
    const record = this.records.get(key);
    if (!record || (inProgress && record.status !== 'in_progress')) return undefined;
    return attempt === undefined || record.attempt === attempt ? record : undefined;
  }
}

/** What the fake knowledge base answers: text, and the cited sentences of it. */
export interface ScriptedAnswer {
  readonly answer: string;
  readonly cited?: readonly string[];
  readonly guardrailAction?: 'NONE' | 'INTERVENED';
}

export const SOURCE_URI = 's3://docs/account/reset-your-password.md';

/**
 * A knowledge base answering from a script; it remembers every request and refuses the Bedrock
 * sessions in `rejected`, as Bedrock refuses expired ones. `failAfter` breaks a stream after that
 * many text events.
 */
export class ScriptedRag implements RagGenerator {
  readonly requests: RagRequest[] = [];
  readonly rejected = new Set<string>();
  failAfter: number | undefined;
  private sessions = 0;

  constructor(private readonly script: (request: RagRequest) => ScriptedAnswer) {}

  async generate(request: RagRequest): Promise<RagAnswer> {
    const bedrockSessionId = this.open(request);
    const { answer, cited = [], guardrailAction = 'NONE' } = this.script(request);
    return {
      bedrockSessionId,
      answer,
      citations: cited.map((text) => {
        const start = answer.indexOf(text);
        return {
          start,
          end: start + text.length,
          text,
          references: [{ sourceUri: SOURCE_URI, title: 'Reset your password', excerpt: text }],
        };
      }),
      guardrailAction,
    };
  }

  async stream(request: RagRequest): Promise<RagStream> {
    const bedrockSessionId = this.open(request);
    const { answer, cited = [], guardrailAction = 'NONE' } = this.script(request);
    const failAfter = this.failAfter;
    async function* events(): AsyncGenerator<RagStreamEvent> {
      let sent = '';
      const sentences = answer.match(/[^.!?]+[.!?]\s*/g) ?? [answer];
      for (const [index, sentence] of sentences.entries()) {
        if (failAfter !== undefined && index >= failAfter) throw new Error('the stream broke');
        sent += sentence;
        yield { type: 'text', text: sentence };
        const citedHere = cited.filter((text) => sentence.includes(text));
        for (const text of citedHere) yield { type: 'citation', citation: bedrockCitation(sent, text) };
      }
      if (guardrailAction === 'INTERVENED') yield { type: 'guardrail', action: 'INTERVENED' };
    }
    return { bedrockSessionId, events: events() };
  }

  private open(request: RagRequest): string {
    this.requests.push(request);
    if (request.bedrockSessionId && this.rejected.has(request.bedrockSessionId))
      throw new SessionRejectedError(`Session ${request.bedrockSessionId} is not valid`);
    return request.bedrockSessionId ?? `bedrock-session-${++this.sessions}`;
  }
}

function bedrockCitation(answerSoFar: string, text: string): BedrockCitation {
  const start = answerSoFar.lastIndexOf(text);
  return {
    generatedResponsePart: { textResponsePart: { text, span: { start, end: start + text.length } } },
    retrievedReferences: [
      {
        content: { type: 'TEXT', text },
        location: { type: 'S3', s3Location: { uri: SOURCE_URI } },
      },
    ],
  };
}

/** A guardrail deciding by a function of the (normalized) text it is shown. */
export class FakeGuardrail implements InputGuardrail {
  readonly screened: string[] = [];

  constructor(private readonly decide: (text: string) => GuardrailVerdict | undefined) {}

  async screenInput(text: string): Promise<GuardrailVerdict> {
    this.screened.push(text);
    return this.decide(text) ?? { action: 'NONE', blocked: false, text, policies: [] };
  }
}
