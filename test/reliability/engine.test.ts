import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, type ApiResponse, apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';
import { postSse } from '../helpers/sse.ts';
import {
  BedrockRecorder,
  inStoreOrder,
  RAG_OPERATIONS,
  snapshotTable,
  type TranscriptMessage,
  waitFor,
} from './support.ts';

const bedrock = new BedrockRecorder();
let stack: LocalStack;

/** While set, Bedrock holds back the knowledge-base requests that name `text` until `release()`. */
let held: { readonly text: string; readonly released: Promise<void>; release(): void } | undefined;

beforeAll(async () => {
  stack = await bootStack({
    faults: async (context) => {
      bedrock.hook(context);
      const hold = held;
      if (hold && RAG_OPERATIONS.some((operation) => operation === context.operation)) {
        if (JSON.stringify(context.body).includes(hold.text)) await hold.released;
      }
    },
  });
});
afterEach(() => {
  stack.emulator.faults.set({});
  bedrock.failMarker = undefined;
  held?.release();
  held = undefined;
});

function hold(text: string): NonNullable<typeof held> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  held = { text, released, release };
  return held;
}
afterAll(() => stack?.close());

const alice = () => apiClient(stack.url, API_KEY);
let asked = 0;
const unique = (topic: string) => `${topic} (turn ${++asked})`;

const chat = (body: Record<string, unknown>, key = API_KEY) =>
  apiClient(stack.url, key).request('POST', '/v1/chat', body);
const transcript = async (sessionId: string): Promise<TranscriptMessage[]> => {
  const res = await alice().request('GET', `/v1/sessions/${sessionId}`);
  expect(res.status).toBe(200);
  return res.body.messages;
};

describe('POST /v1/chat with a clientMessageId is idempotent', () => {
  it('answers a repeat with the stored answer: same messageId, no second Bedrock call, no second pair', async () => {
    const message = unique('How do I reset my password?');
    const body = { message, clientMessageId: `cmid-${asked}` };
    const first = await chat(body);
    expect(first.status).toBe(200);
    const repeats = [await chat(body), await chat(body)];
    for (const repeat of repeats) {
      expect(repeat.status).toBe(200);
      expect(repeat.body).toEqual(first.body);
    }
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    // Each repeat is screened again: the claim knows the question only as it may be stored.
    expect(bedrock.count('ApplyGuardrail', message)).toBe(3);
    expect((await transcript(first.body.sessionId)).map((m) => [m.role, m.text])).toEqual([
      ['user', message],
      ['assistant', first.body.answer],
    ]);
  });

  it('does so for a follow-up turn in an existing session too', async () => {
    const opening = await chat({ message: unique('How do I turn on two-factor authentication?') });
    const { sessionId } = opening.body;
    const message = unique('and what if I lose my phone?');
    const body = { message, sessionId, clientMessageId: `cmid-${asked}` };
    const first = await chat(body);
    const repeat = await chat(body);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    const messages = await transcript(sessionId);
    expect(messages).toHaveLength(4);
    expect(messages.filter((m) => m.messageId === first.body.messageId)).toHaveLength(1);
  });

  it('answers 409 while the first request is still running, then the stored answer', async () => {
    const message = unique('How do I cancel my subscription?');
    const body = { message, clientMessageId: `cmid-${asked}` };
    const knowledgeBase = hold(message);
    const first = chat(body);
    // The id is claimed after the guardrail and before the knowledge base is asked.
    await waitFor(() => (bedrock.count(RAG_OPERATIONS, message) > 0 ? true : undefined));
    const during = await chat(body);
    expect(during.status).toBe(409);
    expect(during.body).toEqual({ error: { code: 'CONFLICT', message: expect.any(String) } });
    knowledgeBase.release();
    const answered = await first;
    expect(answered.status).toBe(200);
    const after = await chat(body);
    expect(after.body).toEqual(answered.body);
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    expect(await transcript(answered.body.sessionId)).toHaveLength(2);
  });

  it('stores one pair when the same request arrives many times at once', async () => {
    stack.emulator.faults.set({ latencyMs: 100 });
    const message = unique('How do I export my data?');
    const body = { message, clientMessageId: `cmid-${asked}` };
    const responses = await Promise.all(Array.from({ length: 8 }, () => chat(body)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const answered = responses.filter((r) => r.status === 200);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const r of answered) expect(r.body).toEqual(answered[0]?.body);
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    expect(await transcript(answered[0]?.body.sessionId)).toHaveLength(2);
  });

  it('lets a retry answer afresh after a 503, and then stays idempotent', async () => {
    const message = unique('How do I change my billing email?');
    const body = { message, clientMessageId: `cmid-${asked}` };
    bedrock.failMarker = message;
    const failed = await chat(body);
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    bedrock.failMarker = undefined;
    const retried = await chat(body);
    expect(retried.status).toBe(200);
    const repeat = await chat(body);
    expect(repeat.body).toEqual(retried.body);
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    expect((await transcript(retried.body.sessionId)).map((m) => m.text)).toEqual([
      message,
      retried.body.answer,
    ]);
  });

  it('replays a streamed turn to a repeat on either route without asking Bedrock again', async () => {
    const message = unique('How do I invite a teammate?');
    const body = { message, clientMessageId: `cmid-${asked}` };
    const streamed = await postSse(`${stack.url}/v1/chat/stream`, body, { 'x-api-key': API_KEY });
    const done = streamed.events.at(-1);
    expect(done?.event).toBe('done');
    const rest = await chat(body);
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(done?.data);
    const replayed = await postSse(`${stack.url}/v1/chat/stream`, body, { 'x-api-key': API_KEY });
    expect(replayed.events[0]?.data).toEqual({
      sessionId: done?.data.sessionId,
      messageId: done?.data.messageId,
    });
    expect(replayed.events.at(-1)?.data).toEqual(done?.data);
    expect(bedrock.count(RAG_OPERATIONS, message)).toBe(1);
    expect(await transcript(done?.data.sessionId)).toHaveLength(2);
  });

  it('keeps client message ids per API key: another key never gets the stored answer', async () => {
    const clientMessageId = `cmid-shared-${++asked}`;
    const mine = await chat({ message: unique('How do I reset my password?'), clientMessageId });
    const theirs = await chat(
      { message: unique('How do I export my data?'), clientMessageId },
      OTHER_API_KEY,
    );
    expect(theirs.status).toBe(200);
    expect(theirs.body.sessionId).not.toBe(mine.body.sessionId);
    expect(theirs.body.messageId).not.toBe(mine.body.messageId);
  });
});

describe('concurrent turns in one session', () => {
  it('stores every turn once, with unique ids, in the order asked, each answer right after its question', async () => {
    const opening = await chat({ message: unique('How do I reset my password?') });
    const { sessionId } = opening.body;
    const topics = [
      'How do I turn on two-factor authentication?',
      'How do I invite a teammate?',
      'How do I cancel my subscription?',
      'How do I export my data?',
      'How do I change my billing email?',
      'Can I merge two tickets?',
    ];
    const questions = Array.from({ length: 12 }, (_, i) => unique(topics[i % topics.length] ?? 'Hello'));
    const responses: ApiResponse[] = await Promise.all(
      questions.map((message, i) =>
        chat({ message, sessionId, ...(i % 2 ? { clientMessageId: `cmid-${sessionId}-${i}` } : {}) }),
      ),
    );
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.body.sessionId).toBe(sessionId);
    }

    const messages = await transcript(sessionId);
    expect(messages).toHaveLength(2 + 2 * questions.length);
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
    expect(messages.map((m) => m.role)).toEqual(messages.map((_, i) => (i % 2 ? 'assistant' : 'user')));
    const asked = messages.filter((m) => m.role === 'user');
    expect(asked).toEqual(inStoreOrder(asked));
    expect(await transcript(sessionId)).toEqual(messages);
    for (const [i, res] of responses.entries()) {
      const userAt = messages.findIndex((m) => m.role === 'user' && m.text === questions[i]);
      const answerAt = messages.findIndex((m) => m.messageId === res.body.messageId);
      expect(messages.filter((m) => m.text === questions[i])).toHaveLength(1);
      expect(messages[answerAt]).toMatchObject({
        role: 'assistant',
        text: res.body.answer,
        status: 'complete',
      });
      expect(userAt).toBeGreaterThanOrEqual(0);
      expect(answerAt).toBe(userAt + 1);
    }
  });

  it('opens one session with one question and one answer when the same first turn is sent 8 times at once', async () => {
    const body = { message: unique('How do I invite a teammate?'), clientMessageId: `race-${asked}` };
    const before = new Set((await snapshotTable(stack)).keys());
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2
          ? postSse(`${stack.url}/v1/chat/stream`, body, { 'x-api-key': API_KEY }).then((r) => ({
              status: r.status,
              retryAfter: r.headers.get('retry-after'),
              answer: r.events.find((e) => e.event === 'done')?.data,
            }))
          : chat(body).then((r) => ({
              status: r.status,
              retryAfter: r.headers.get('retry-after'),
              answer: r.status === 200 ? r.body : undefined,
            })),
      ),
    );
    const answered = responses.filter((r) => r.status === 200 && r.answer);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const r of responses) {
      if (r.status === 200) expect(r.answer).toEqual(answered[0]?.answer);
      else {
        expect(r.status).toBe(409);
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
      }
    }
    const sessionId = answered[0]?.answer.sessionId as string;
    const added = [...(await snapshotTable(stack)).keys()].filter((k) => !before.has(k));
    expect(added.filter((k) => k.startsWith('SESSION#') && k.endsWith('|SESSION'))).toEqual([
      `SESSION#${sessionId}|SESSION`,
    ]);
    expect(added.filter((k) => k.startsWith(`SESSION#${sessionId}|MSG#`))).toHaveLength(2);
    const again = await chat(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answered[0]?.answer);
  });
});
