import { describe, expect, it } from 'vitest';
import { auditItems } from './table-audit.ts';

const session = (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION', type: 'session', owner: 'o' });
const message = (sessionId: string, n: number, role: 'user' | 'assistant') => ({
  pk: `SESSION#${sessionId}`,
  sk: `MSG#2024-01-01T00:00:0${n}.000Z#m${n}`,
  sessionId,
  messageId: `${sessionId}-m${n}`,
  role,
  text: `${role} ${n}`,
  status: 'complete',
});
const claim = (id: string, extra: Record<string, unknown>) => ({
  pk: `CLIENTMSG#owner#${id}`,
  sk: 'CLAIM',
  ...extra,
});

describe('the table audit after a chaos run', () => {
  it('finds nothing in a table of whole turns and completed claims', () => {
    const audit = auditItems([
      session('a'),
      message('a', 1, 'user'),
      message('a', 2, 'assistant'),
      claim('c1', { state: 'complete', answer: { sessionId: 'a', messageId: 'a-m2' } }),
    ]);
    expect(audit).toMatchObject({
      items: 4,
      messagesWithoutSession: 0,
      referencesToMissingSessions: 0,
      emptySessions: 0,
      unansweredQuestions: 0,
      pendingClaims: 0,
      kinds: { 'SESSION#/SESSION': 1, 'SESSION#/MSG#': 2, 'CLIENTMSG#/CLAIM': 1 },
    });
    expect(audit.examples).toEqual([]);
  });

  it('counts what a DELETE cut short left (the session marked, owner gone) as belonging to no session', () => {
    const { owner: _, ...marked } = { ...session('d'), deleting: 'o' };
    const audit = auditItems([marked, message('d', 1, 'user'), message('d', 2, 'assistant')]);
    expect(audit).toMatchObject({ messagesWithoutSession: 2, emptySessions: 0 });
    expect(audit.sessions.has('d')).toBe(false);
  });

  it('counts messages of a deleted session, claims naming it at any depth, empty sessions and lone questions', () => {
    const audit = auditItems([
      message('gone', 1, 'user'),
      message('gone', 2, 'assistant'),
      claim('c1', { state: 'complete', answer: { sessionId: 'gone' } }),
      claim('c2', { status: 'INPROGRESS', data: { turn: { sessionId: 'gone' } } }),
      claim('c3', { state: 'pending' }),
      session('empty'),
      session('half'),
      message('half', 1, 'user'),
      message('half', 2, 'assistant'),
      message('half', 3, 'user'),
    ]);
    expect(audit).toMatchObject({
      messagesWithoutSession: 2,
      referencesToMissingSessions: 2,
      emptySessions: 1,
      unansweredQuestions: 1,
      pendingClaims: 2,
    });
    expect(audit.examples).toContain('session empty has no messages');
  });
});
