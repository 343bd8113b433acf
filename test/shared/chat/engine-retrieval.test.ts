import { describe, expect, it } from 'vitest';
import { ConversationEngine } from '../../../shared/chat/engine.ts';
import type { RagSettings } from '../../../shared/chat/ports.ts';
import { IdempotencyKeyReusedError } from '../../../shared/errors.ts';
import { InMemoryIdempotency, InMemorySessionStore, ScriptedRag } from './fakes.ts';

const ANSWER = 'Open Settings and choose Export.';
const DEFAULTS: RagSettings = { modelArn: 'default-model', numberOfResults: 5 };
const TENANT: RagSettings = {
  modelArn: 'tenant-model',
  numberOfResults: 8,
  filter: { equals: { key: 'tenant', value: 'acme' } },
};

function engineWith() {
  const now = () => new Date('2026-03-01T10:00:00.000Z');
  let ids = 0;
  const rag = new ScriptedRag(() => ({ answer: ANSWER, cited: [ANSWER] }));
  const engine = new ConversationEngine({
    store: new InMemorySessionStore(now),
    idempotency: new InMemoryIdempotency(now),
    rag,
    retrieval: DEFAULTS,
    now,
    newId: () => `id-${++ids}`,
  });
  return { engine, rag };
}

describe("ConversationEngine and a caller's answer settings", () => {
  it("asks with the turn's settings, and with the defaults for a turn that has none (the Slack path)", async () => {
    const { engine, rag } = engineWith();
    await engine.chat({ owner: 'key-acme', message: 'How do I export?', retrieval: TENANT });
    await engine.chat({ owner: 'slack#T1#U1', message: 'How do I export?' });
    expect(rag.requests).toEqual([
      { text: 'How do I export?', settings: TENANT },
      { text: 'How do I export?', settings: DEFAULTS },
    ]);
  });

  it('keeps the settings when it asks again in a new Bedrock session', async () => {
    const { engine, rag } = engineWith();
    const first = await engine.chat({ owner: 'key-acme', message: 'How do I export?', retrieval: TENANT });
    rag.rejected.add('bedrock-session-1');
    await engine.chat({
      owner: 'key-acme',
      message: 'And as CSV?',
      sessionId: first.sessionId,
      retrieval: TENANT,
    });
    expect(rag.requests.map((request) => request.settings)).toEqual([TENANT, TENANT, TENANT]);
    expect(rag.requests.at(-1)?.bedrockSessionId).toBeUndefined();
  });

  it('streams with the same settings', async () => {
    const { engine, rag } = engineWith();
    for await (const _event of engine.streamChat({
      owner: 'key-acme',
      message: 'Export?',
      retrieval: TENANT,
    })) {
      // drained
    }
    expect(rag.requests).toEqual([{ text: 'Export?', settings: TENANT }]);
  });

  it('refuses a clientMessageId reused with another filter or model, and replays one reused with the same', async () => {
    const { engine, rag } = engineWith();
    const turn = {
      owner: 'key-acme',
      message: 'How do I export?',
      clientMessageId: 'c-1',
      retrieval: TENANT,
    };
    const first = await engine.chat({ ...turn, choice: '[{"equals":{"key":"year","value":1}},null]' });
    await expect(engine.chat({ ...turn, choice: '[null,"other-model"]' })).rejects.toThrow(
      IdempotencyKeyReusedError,
    );
    await expect(engine.chat(turn)).rejects.toThrow(IdempotencyKeyReusedError);
    expect(await engine.chat({ ...turn, choice: '[{"equals":{"key":"year","value":1}},null]' })).toEqual(
      first,
    );
    expect(rag.requests).toHaveLength(1);
  });
});
