import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';
import { postSse } from '../helpers/sse.ts';

let stack: LocalStack;
const headers = { 'x-api-key': API_KEY };

beforeAll(async () => {
  stack = await bootStack();
});
afterAll(() => stack?.close());
afterEach(() => {
  stack.emulator.faults.set({});
});

const stream = (body: unknown, extraHeaders: Record<string, string> = headers, options = {}) =>
  postSse(`${stack.url}/v1/chat/stream`, body, extraHeaders, options);

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

describe('POST /v1/chat/stream', () => {
  it('streams session, text chunks as they arrive, citations and done, in that order', async () => {
    const res = await stream({ message: 'How do I reset my password?' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const names = res.events.map((e) => e.event);
    expect(names[0]).toBe('session');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'text').length).toBeGreaterThan(2);
    expect(names).toContain('citation');
    expect(names).not.toContain('error');

    const texts = res.events.filter((e) => e.event === 'text');
    // Chunks arrive over time, not all at once at the end.
    expect((texts.at(-1)?.at ?? 0) - (texts[0]?.at ?? 0)).toBeGreaterThan(20);

    const session = res.events[0]?.data;
    const done = res.events.at(-1)?.data;
    expect(done.sessionId).toBe(session.sessionId);
    expect(done.messageId).toBe(session.messageId);
    expect(done.answer).toBe(texts.map((e) => e.data.text).join(''));
    expect(done.citations).toEqual(
      res.events.filter((e) => e.event === 'citation').map((e) => e.data.citation),
    );
    expect(done.guardrail).toEqual({ action: 'NONE' });
    for (const citation of done.citations) {
      expect(done.answer.slice(citation.start, citation.end)).toBe(citation.text);
      expect(citation.references[0].sourceUri).toMatch(/reset-your-password\.md$/);
    }
  });

  it('stores the streamed turn, and a follow-up continues the session', async () => {
    const first = await stream({ message: 'How do I set up two-factor authentication?' });
    const done = first.events.at(-1)?.data;
    const second = await stream({ message: 'and what if I lose my phone?', sessionId: done.sessionId });
    const secondDone = second.events.at(-1)?.data;
    expect(secondDone.sessionId).toBe(done.sessionId);

    const transcript = await apiClient(stack.url).request('GET', `/v1/sessions/${done.sessionId}`);
    expect(transcript.body.messages.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual(
      [
        ['user', 'complete'],
        ['assistant', 'complete'],
        ['user', 'complete'],
        ['assistant', 'complete'],
      ],
    );
    expect(transcript.body.messages[3]).toMatchObject({
      messageId: secondDone.messageId,
      text: secondDone.answer,
      citations: secondDone.citations,
    });
  });

  it('keeps the partial answer as incomplete and ends with an error event when Bedrock cuts the stream', async () => {
    stack.emulator.faults.set({ streamCutAfter: 3 });
    const res = await stream({ message: 'How do I reset my password?' });
    expect(res.status).toBe(200);
    const names = res.events.map((e) => e.event);
    expect(names[0]).toBe('session');
    expect(names.at(-1)).toBe('error');
    expect(names).not.toContain('done');
    expect(res.events.at(-1)?.data).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    const partial = res.events
      .filter((e) => e.event === 'text')
      .map((e) => e.data.text)
      .join('');
    expect(partial.length).toBeGreaterThan(0);

    const { sessionId, messageId } = res.events[0]?.data ?? {};
    const transcript = await apiClient(stack.url).request('GET', `/v1/sessions/${sessionId}`);
    expect(transcript.body.messages[1]).toMatchObject({
      messageId,
      role: 'assistant',
      status: 'incomplete',
      text: partial,
    });
  });

  it('keeps the partial answer when the client goes away mid-stream', async () => {
    const res = await stream({ message: 'How do I reset my password?' }, headers, { stopAfter: 3 });
    const { sessionId, messageId } = res.events[0]?.data ?? {};
    const assistant = await waitFor(async () => {
      const transcript = await apiClient(stack.url).request('GET', `/v1/sessions/${sessionId}`);
      return transcript.body?.messages?.find((m: { messageId: string }) => m.messageId === messageId);
    });
    expect(assistant.status).toBe('incomplete');
    expect(assistant.text.length).toBeGreaterThan(0);
  });

  it('answers errors before the stream as JSON with a status code', async () => {
    const cases: [unknown, Record<string, string>, number][] = [
      [{ message: '' }, headers, 400],
      [{ message: 'a'.repeat(1001) }, headers, 400],
      [{ message: 'hi', sessionId: 'no-such-session' }, headers, 404],
      [{ message: 'hi' }, {}, 401],
    ];
    for (const [body, requestHeaders, status] of cases) {
      const res = await stream(body, requestHeaders);
      expect(res.status).toBe(status);
      expect(JSON.parse(res.text).error).toEqual({ code: expect.any(String), message: expect.any(String) });
    }
  });

  it('declines off-topic questions in the stream too, with no citation events', async () => {
    const res = await stream({ message: 'What is the weather in Lisbon tomorrow?' });
    expect(res.events.map((e) => e.event)).not.toContain('citation');
    expect(res.events.at(-1)?.data.citations).toEqual([]);
  });
});

describe('POST /v1/sessions/{id}/feedback', () => {
  it('stores a rating on the answer and shows it in the transcript', async () => {
    const alice = apiClient(stack.url);
    const chat = await alice.chat('How do I cancel my subscription?');
    const { sessionId, messageId } = chat.body;
    const rated = await alice.request('POST', `/v1/sessions/${sessionId}/feedback`, {
      messageId,
      rating: 'down',
      comment: 'Missing the refund part',
    });
    expect(rated.status).toBe(204);
    const again = await alice.request('POST', `/v1/sessions/${sessionId}/feedback`, {
      messageId,
      rating: 'up',
    });
    expect(again.status).toBe(204);
    const transcript = await alice.request('GET', `/v1/sessions/${sessionId}`);
    expect(transcript.body.messages[1].feedback).toEqual({ rating: 'up', createdAt: expect.any(String) });
  });

  it('validates the body and checks the owner, the session and the message', async () => {
    const alice = apiClient(stack.url);
    const { sessionId, messageId } = (await alice.chat('How do I export my data?')).body;
    const userMessageId = (await alice.request('GET', `/v1/sessions/${sessionId}`)).body.messages[0]
      .messageId;
    const cases: [ReturnType<typeof apiClient>, string, unknown, number][] = [
      [alice, sessionId, { messageId, rating: 'meh' }, 400],
      [alice, sessionId, { messageId }, 400],
      [alice, sessionId, { messageId, rating: 'up', comment: 'x'.repeat(1001) }, 400],
      [alice, sessionId, '{"messageId":', 400],
      [alice, sessionId, { messageId: 'nope', rating: 'up' }, 404],
      [alice, sessionId, { messageId: userMessageId, rating: 'up' }, 404],
      [alice, 'no-such-session', { messageId, rating: 'up' }, 404],
      [apiClient(stack.url, OTHER_API_KEY), sessionId, { messageId, rating: 'up' }, 404],
      [apiClient(stack.url, null), sessionId, { messageId, rating: 'up' }, 401],
    ];
    for (const [client, id, body, status] of cases) {
      const res = await client.request('POST', `/v1/sessions/${id}/feedback`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
    const transcript = await alice.request('GET', `/v1/sessions/${sessionId}`);
    expect(transcript.body.messages[1].feedback).toBeUndefined();
  });
});
