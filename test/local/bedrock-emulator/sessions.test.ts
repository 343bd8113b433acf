import { describe, expect, it } from 'vitest';
import { RagSessions } from '../../../local/bedrock-emulator/sessions.ts';

describe('RagSessions', () => {
  it('creates sessions with UUID ids, like Bedrock', () => {
    const store = new RagSessions();
    const session = store.create('KB1');
    expect(session.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(store.get(session.sessionId)).toMatchObject({ knowledgeBaseId: 'KB1', turns: [] });
  });

  it('remembers turns in order', () => {
    const store = new RagSessions();
    const { sessionId } = store.create('KB1');
    store.addTurn(sessionId, { question: 'q1', answer: 'a1' });
    store.addTurn(sessionId, { question: 'q2', answer: 'a2' });
    expect(store.get(sessionId)?.turns.map((t) => t.question)).toEqual(['q1', 'q2']);
  });

  it('ends a session its lifetime after creation, however often it was used', () => {
    let now = 0;
    const store = new RagSessions({ lifetimeMs: 1000, now: () => now });
    const used = store.create('KB1').sessionId;
    now = 500;
    const younger = store.create('KB1').sessionId;
    now = 900;
    expect(store.get(used)).toBeDefined();
    store.addTurn(used, { question: 'q', answer: 'a' });
    now = 1200;
    expect(store.get(used)).toBeUndefined();
    expect(store.get(younger)).toBeDefined();
    expect(store.get('never-existed')).toBeUndefined();
  });

  it('evicts the least recently used session past maxSessions', () => {
    const store = new RagSessions({ maxSessions: 2 });
    const a = store.create('KB1').sessionId;
    const b = store.create('KB1').sessionId;
    store.get(a);
    const c = store.create('KB1').sessionId;
    expect(store.size).toBe(2);
    expect(store.get(b)).toBeUndefined();
    expect(store.get(a)).toBeDefined();
    expect(store.get(c)).toBeDefined();
  });
});
