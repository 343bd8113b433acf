import { describe, expect, it } from 'vitest';
import { type ChatStreamEvent, ConversationEngine, WITHHELD_QUESTION } from '../../../shared/chat/engine.ts';
import { fingerprintOf } from '../../../shared/chat/turn-claims.ts';
import { ConflictError, IdempotencyKeyReusedError, NotFoundError } from '../../../shared/errors.ts';
import {
  FakeGuardrail,
  InMemoryIdempotency,
  InMemorySessionStore,
  type ScriptedAnswer,
  ScriptedRag,
} from './fakes.ts';

const RESET = 'Open Settings and choose Reset password. The link in the email works for an hour.';
const CITED = 'Open Settings and choose Reset password.';
const BLOCKED_MESSAGE = 'Sorry, I cannot help with that.';

function engineWith(options: { answer?: (text: string) => ScriptedAnswer; guardrail?: FakeGuardrail } = {}) {
  const clock = { now: new Date('2026-03-01T10:00:00.000Z') };
  const now = () => clock.now;
  let ids = 0;
  const store = new InMemorySessionStore(now);
  const idempotency = new InMemoryIdempotency(now);
  const rag = new ScriptedRag(
    (request) => options.answer?.(request.text) ?? { answer: RESET, cited: [CITED] },
  );
  const engine = new ConversationEngine({
    store,
    idempotency,
    rag,
    ...(options.guardrail ? { guardrail: options.guardrail } : {}),
    now,
    newId: () => `id-${++ids}`,
  });
  return { engine, store, idempotency, rag, clock };
}

const citation = {
  start: 0,
  end: CITED.length,
  text: CITED,
  references: [
    { sourceUri: 's3://docs/account/reset-your-password.md', title: 'Reset your password', excerpt: CITED },
  ],
};

async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const seen: ChatStreamEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('ConversationEngine.chat', () => {
  it('answers a first question in a new session and stores the question and the answer', async () => {
    const { engine, store, rag } = engineWith();

    const answer = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });

    expect(answer).toEqual({
      sessionId: 'id-1',
      messageId: 'id-3',
      answer: RESET,
      citations: [citation],
      guardrail: { action: 'NONE' },
    });
    expect(rag.requests).toEqual([{ text: 'How do I reset my password?' }]);
    expect(store.sessions.get('id-1')).toMatchObject({
      owner: 'alice',
      bedrockSessionId: 'bedrock-session-1',
    });
    expect((await store.listMessages('id-1')).map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', 'How do I reset my password?', 'complete'],
      ['assistant', RESET, 'complete'],
    ]);
  });

  it('asks a follow-up in the Bedrock session the first turn opened', async () => {
    const { engine, rag } = engineWith();
    const first = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });

    await engine.chat({ owner: 'alice', message: 'And if the link expired?', sessionId: first.sessionId });

    expect(rag.requests.at(-1)).toEqual({
      text: 'And if the link expired?',
      bedrockSessionId: 'bedrock-session-1',
    });
  });

  it("answers 404 for a session that does not exist or is someone else's, and asks nothing", async () => {
    const { engine, rag } = engineWith();
    const alices = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });

    await expect(engine.chat({ owner: 'bob', message: 'hi', sessionId: alices.sessionId })).rejects.toThrow(
      NotFoundError,
    );
    await expect(engine.chat({ owner: 'alice', message: 'hi', sessionId: 'missing' })).rejects.toThrow(
      NotFoundError,
    );
    expect(rag.requests).toHaveLength(1);
  });

  it('asks again in a new Bedrock session, with the recent turns, when Bedrock rejects the stored one', async () => {
    const { engine, rag } = engineWith();
    const first = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });
    rag.rejected.add('bedrock-session-1');

    const second = await engine.chat({
      owner: 'alice',
      message: 'And if the link expired?',
      sessionId: first.sessionId,
    });

    expect(second.answer).toBe(RESET);
    const retry = rag.requests.at(-1);
    expect(retry?.bedrockSessionId).toBeUndefined();
    expect(retry?.text).toContain('How do I reset my password?');
    expect(retry?.text).toContain('And if the link expired?');
  });
});

describe('ConversationEngine with an input guardrail', () => {
  const guardrail = () =>
    new FakeGuardrail((text) => {
      if (text.includes('attack'))
        return { action: 'INTERVENED', blocked: true, text: BLOCKED_MESSAGE, policies: ['topicPolicy'] };
      if (text.includes('4111'))
        return {
          action: 'INTERVENED',
          blocked: false,
          text: text.replace(/4111[\d ]+/, '{CREDIT_DEBIT_CARD_NUMBER}'),
          policies: ['sensitiveInformationPolicy'],
        };
      return undefined;
    });

  it('declines a blocked question with the guardrail message, never asks Bedrock and withholds the question', async () => {
    const { engine, rag, store } = engineWith({ guardrail: guardrail() });

    const answer = await engine.chat({ owner: 'alice', message: 'Plan an attack' });

    expect(answer).toEqual({
      sessionId: 'id-1',
      messageId: 'id-3',
      answer: BLOCKED_MESSAGE,
      citations: [],
      guardrail: { action: 'INTERVENED', blocked: true, policies: ['topicPolicy'] },
    });
    expect(rag.requests).toEqual([]);
    expect((await store.listMessages('id-1')).map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', WITHHELD_QUESTION, 'blocked'],
      ['assistant', BLOCKED_MESSAGE, 'blocked'],
    ]);
  });

  it('asks and stores the masked question when the guardrail masks part of it', async () => {
    const { engine, rag, store } = engineWith({ guardrail: guardrail() });

    const answer = await engine.chat({
      owner: 'alice',
      message: 'My card 4111 1111 1111 1111 was charged twice',
    });

    const masked = 'My card {CREDIT_DEBIT_CARD_NUMBER}was charged twice';
    expect(rag.requests).toEqual([{ text: masked }]);
    expect(answer.guardrail).toEqual({ action: 'INTERVENED', policies: ['sensitiveInformationPolicy'] });
    expect((await store.listMessages(answer.sessionId))[0]?.text).toBe(masked);
  });

  it('claims a clientMessageId with the masked question, never the one sent, and screens a repeat before replaying it', async () => {
    const screen = guardrail();
    const { engine, rag, idempotency } = engineWith({ guardrail: screen });
    const turn = {
      owner: 'alice',
      message: 'My card 4111 1111 1111 1111 was charged twice',
      clientMessageId: 'c-1',
    };

    const first = await engine.chat(turn);
    const repeat = await engine.chat(turn);

    const masked = 'My card {CREDIT_DEBIT_CARD_NUMBER}was charged twice';
    expect(repeat).toEqual(first);
    expect(screen.screened).toEqual([turn.message, turn.message]);
    expect(rag.requests).toEqual([{ text: masked }]);
    expect([...idempotency.records.values()].map((r) => r.fingerprint)).toEqual([
      fingerprintOf([masked, undefined]),
    ]);
    await expect(engine.chat({ ...turn, message: 'How do I change my plan?' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
  });

  it('claims a blocked question with the withheld placeholder', async () => {
    const { engine, rag, idempotency } = engineWith({ guardrail: guardrail() });

    const first = await engine.chat({ owner: 'alice', message: 'Plan an attack', clientMessageId: 'c-1' });
    const other = await engine.chat({ owner: 'alice', message: 'Another attack', clientMessageId: 'c-1' });

    expect(other).toEqual(first);
    expect(rag.requests).toEqual([]);
    expect([...idempotency.records.values()].map((r) => r.fingerprint)).toEqual([
      fingerprintOf([WITHHELD_QUESTION, undefined]),
    ]);
  });

  it('screens the question with full-width digits made plain, but asks it as written when nothing is found', async () => {
    const screen = guardrail();
    const { engine, rag } = engineWith({ guardrail: screen });

    await engine.chat({ owner: 'alice', message: 'Order ２０２６ is late' });

    expect(screen.screened).toEqual(['Order 2026 is late']);
    expect(rag.requests).toEqual([{ text: 'Order ２０２６ is late' }]);
  });
});

describe('ConversationEngine with a clientMessageId', () => {
  it('answers a repeat with the stored answer without asking Bedrock again', async () => {
    const { engine, rag } = engineWith();
    const turn = { owner: 'alice', message: 'How do I reset my password?', clientMessageId: 'c-1' };

    const first = await engine.chat(turn);
    const repeat = await engine.chat(turn);

    expect(repeat).toEqual(first);
    expect(rag.requests).toHaveLength(1);
  });

  it('refuses the same clientMessageId for another question', async () => {
    const { engine } = engineWith();
    await engine.chat({ owner: 'alice', message: 'How do I reset my password?', clientMessageId: 'c-1' });

    await expect(
      engine.chat({ owner: 'alice', message: 'How do I change my plan?', clientMessageId: 'c-1' }),
    ).rejects.toThrow(IdempotencyKeyReusedError);
  });

  it('answers 409 while another request with the same clientMessageId is being answered, and takes it once that one walks away', async () => {
    const { engine, idempotency } = engineWith();
    const turn = { owner: 'alice', message: 'How do I reset my password?', clientMessageId: 'c-1' };
    const running = engine.streamChat(turn);
    await running.next();

    await expect(engine.chat(turn)).rejects.toThrow(ConflictError);
    await running.return(undefined);
    expect(idempotency.records.size).toBe(0);
    await expect(engine.chat(turn)).resolves.toMatchObject({ answer: RESET });
  });

  it('forgets the clientMessageIds of a deleted session, so they can be used again', async () => {
    const { engine, idempotency } = engineWith();
    const answer = await engine.chat({
      owner: 'alice',
      message: 'How do I reset my password?',
      clientMessageId: 'c-1',
    });

    await engine.deleteSession(answer.sessionId, 'alice');

    expect(idempotency.records.size).toBe(0);
    await expect(engine.getSession(answer.sessionId, 'alice')).rejects.toThrow(NotFoundError);
  });

  it('fails a delete whose keys cannot be forgotten, and finishes it when the delete is sent again', async () => {
    const { engine, idempotency } = engineWith();
    const turn = { owner: 'alice', message: 'How do I reset my password?', clientMessageId: 'c-1' };
    const answer = await engine.chat(turn);
    const forget = idempotency.forget.bind(idempotency);
    idempotency.forget = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };

    await expect(engine.deleteSession(answer.sessionId, 'alice')).rejects.toThrow();
    idempotency.forget = forget;
    // The messages are still there for the retried delete to find; the claim too, until then.
    expect(idempotency.records.size).toBe(1);
    await engine.deleteSession(answer.sessionId, 'alice');

    expect(idempotency.records.size).toBe(0);
    await expect(engine.chat(turn)).resolves.not.toMatchObject({ sessionId: answer.sessionId });
  });

  it('forgets the key of a later attempt whose stream is cut after its session was deleted', async () => {
    const { engine, idempotency, clock } = engineWith();
    const first = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });
    const turn = {
      owner: 'alice',
      message: 'and if the link expired?',
      sessionId: first.sessionId,
      clientMessageId: 'c-9',
      leaseMs: 1_000,
    };
    // The first attempt claims the key and dies; the second takes it over once the lease ran out.
    await engine.streamChat(turn).next();
    clock.now = new Date(clock.now.getTime() + 5_000);
    const second = engine.streamChat(turn);
    await second.next();
    await second.next();
    await engine.deleteSession(first.sessionId, 'alice');
    await second.return(undefined);

    expect([...idempotency.records.keys()]).toEqual([]);
  });
});

describe('ConversationEngine.streamChat', () => {
  it('emits session, text and citations as they arrive, then done with the stored answer', async () => {
    const { engine } = engineWith();

    const events = await collect(
      engine.streamChat({ owner: 'alice', message: 'How do I reset my password?' }),
    );

    const answer = {
      sessionId: 'id-1',
      messageId: 'id-3',
      answer: RESET,
      citations: [citation],
      guardrail: { action: 'NONE' },
    };
    expect(events).toEqual([
      { type: 'session', sessionId: 'id-1', messageId: 'id-3' },
      { type: 'text', text: 'Open Settings and choose Reset password. ' },
      { type: 'citation', citation },
      { type: 'text', text: 'The link in the email works for an hour.' },
      { type: 'done', answer },
    ]);
  });

  it('stores what was said as incomplete when the stream breaks, and the retry completes the same turn', async () => {
    const { engine, rag, store } = engineWith();
    const turn = { owner: 'alice', message: 'How do I reset my password?', clientMessageId: 'c-1' };
    rag.failAfter = 1;

    await expect(collect(engine.streamChat(turn))).rejects.toThrow('the stream broke');
    expect((await store.listMessages('id-1')).map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', 'How do I reset my password?', 'complete'],
      ['assistant', 'Open Settings and choose Reset password. ', 'incomplete'],
    ]);

    rag.failAfter = undefined;
    const retried = await engine.chat(turn);
    expect(retried).toMatchObject({ sessionId: 'id-1', messageId: 'id-3', answer: RESET });
    expect((await store.listMessages('id-1')).map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });

  it('tells the client to replace what it showed when the guardrail intervenes on the answer', async () => {
    const { engine } = engineWith({ answer: () => ({ answer: RESET, guardrailAction: 'INTERVENED' }) });

    const events = await collect(
      engine.streamChat({ owner: 'alice', message: 'How do I reset my password?' }),
    );

    expect(events.find((e) => e.type === 'guardrail')).toEqual({
      type: 'guardrail',
      action: 'INTERVENED',
      policies: ['output'],
      replaceAnswer: true,
    });
  });
});

describe('ConversationEngine.rateAnswer', () => {
  it('stores a rating on an answer and answers 404 for a message that is not an answer of the session', async () => {
    const { engine } = engineWith();
    const answer = await engine.chat({ owner: 'alice', message: 'How do I reset my password?' });

    await engine.rateAnswer(answer.sessionId, 'alice', { messageId: answer.messageId, rating: 'up' });
    await expect(
      engine.rateAnswer(answer.sessionId, 'alice', { messageId: 'id-2', rating: 'down' }),
    ).rejects.toThrow(NotFoundError);

    const session = await engine.getSession(answer.sessionId, 'alice');
    expect(session.messages.map((m) => m.feedback?.rating)).toEqual([undefined, 'up']);
  });
});
