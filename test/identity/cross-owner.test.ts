import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, bootStack } from '../helpers/local-stack.ts';
import { type CallResult, call } from './support.ts';

type Credentials = Parameters<typeof call>[3];

/**
 * Two signed-in users, a visitor and an API key against one stack whose chat and sessions routes
 * take tokens: nobody reaches anybody else's session through any route.
 */
describe('sessions owned by issuer + sub', () => {
  let stack: LocalStack;
  let actors: Record<'alice' | 'bob' | 'visitor' | 'apiKey', Credentials>;
  const sessions: Partial<Record<'alice' | 'bob' | 'visitor', { sessionId: string; messageId: string }>> = {};

  beforeAll(async () => {
    stack = await bootStack({ auth: { chat: 'jwt', sessions: 'jwt' } });
    const minted = await call(stack.url, 'POST', '/v1/visitor-tokens', { apiKey: API_KEY });
    actors = {
      alice: { token: stack.identity.issuer.mint('alice') },
      bob: { token: stack.identity.issuer.mint('bob') },
      visitor: { token: minted.body.token },
      apiKey: { apiKey: API_KEY },
    };
    for (const owner of ['alice', 'bob', 'visitor'] as const) {
      const chat = await call(stack.url, 'POST', '/v1/chat', actors[owner], {
        message: 'How do I reset my password?',
      });
      expect(chat.status, owner).toBe(200);
      sessions[owner] = { sessionId: chat.body.sessionId, messageId: chat.body.messageId };
    }
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('gives nobody a read of anybody else’s session, on any route', async () => {
    const reads: string[] = [];
    const attempts: Array<{ who: string; whose: string; route: string; status: number }> = [];
    for (const [whose, session] of Object.entries(sessions)) {
      if (!session) continue;
      for (const [who, credentials] of Object.entries(actors)) {
        if (who === whose) continue;
        const tries: Array<[string, () => Promise<CallResult>]> = [
          ['GET session', () => call(stack.url, 'GET', `/v1/sessions/${session.sessionId}`, credentials)],
          [
            'POST feedback',
            () =>
              call(stack.url, 'POST', `/v1/sessions/${session.sessionId}/feedback`, credentials, {
                messageId: session.messageId,
                rating: 'down',
              }),
          ],
          [
            'POST chat in the session',
            () =>
              call(stack.url, 'POST', '/v1/chat', credentials, {
                message: 'and then?',
                sessionId: session.sessionId,
              }),
          ],
          [
            'POST chat/stream in the session',
            () =>
              call(stack.url, 'POST', '/v1/chat/stream', credentials, {
                message: 'and then?',
                sessionId: session.sessionId,
              }),
          ],
          [
            'DELETE session',
            () => call(stack.url, 'DELETE', `/v1/sessions/${session.sessionId}`, credentials),
          ],
          ['GET sessions', () => call(stack.url, 'GET', '/v1/sessions', credentials)],
        ];
        for (const [route, attempt] of tries) {
          const response = await attempt();
          attempts.push({ who, whose, route, status: response.status });
          const listed =
            route === 'GET sessions' && JSON.stringify(response.body ?? '').includes(session.sessionId);
          if ((route !== 'GET sessions' && response.status < 300) || listed)
            reads.push(`${who} → ${whose}: ${route}`);
        }
      }
    }
    expect(reads).toEqual([]);
    // What each refusal was: 404 (not yours) for token callers, 401 for a key where tokens are required.
    for (const attempt of attempts) {
      const expected = attempt.who === 'apiKey' ? 401 : attempt.route === 'GET sessions' ? 200 : 404;
      expect(attempt, JSON.stringify(attempt)).toMatchObject({ status: expected });
    }
    expect(attempts).toHaveLength(3 * 3 * 6);
  });

  it('leaves each owner’s session as it was, and follows a user to a new token of theirs', async () => {
    for (const owner of ['alice', 'bob', 'visitor'] as const) {
      const session = sessions[owner];
      const transcript = await call(stack.url, 'GET', `/v1/sessions/${session?.sessionId}`, actors[owner]);
      expect(transcript.status, owner).toBe(200);
      expect(transcript.body.messages, owner).toHaveLength(2);
      expect(transcript.body.messages[1], owner).not.toHaveProperty('feedback');
    }
    const again = await call(stack.url, 'GET', `/v1/sessions/${sessions.alice?.sessionId}`, {
      token: stack.identity.issuer.mint('alice'),
    });
    expect(again.status).toBe(200);
  });

  it('lists a caller’s own sessions newest first, a page at a time', async () => {
    const carol = { token: stack.identity.issuer.mint('carol') };
    const created: string[] = [];
    for (const message of [
      'How do I reset my password?',
      'How do I change my plan?',
      'How do I add a tag?',
    ]) {
      const chat = await call(stack.url, 'POST', '/v1/chat', carol, { message });
      expect(chat.status).toBe(200);
      created.push(chat.body.sessionId);
    }
    const first = await call(stack.url, 'GET', '/v1/sessions?limit=2', carol);
    expect(first.status).toBe(200);
    expect(first.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([
      created[2],
      created[1],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(
      stack.url,
      'GET',
      `/v1/sessions?limit=2&cursor=${first.body.nextCursor}`,
      carol,
    );
    expect(second.body.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([created[0]]);
    expect(second.body).not.toHaveProperty('nextCursor');
    expect(second.body.sessions[0]).toEqual({
      sessionId: created[0],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // Carol's cursor in Bob's hands continues Bob's own list, which holds none of hers.
    const borrowed = await call(stack.url, 'GET', `/v1/sessions?cursor=${first.body.nextCursor}`, actors.bob);
    expect(borrowed.status).toBe(200);
    expect(JSON.stringify(borrowed.body)).not.toContain(created[0]);

    for (const query of ['limit=0', 'limit=51', 'limit=abc', 'cursor=not-a-cursor']) {
      const bad = await call(stack.url, 'GET', `/v1/sessions?${query}`, carol);
      expect({ query, status: bad.status, code: bad.body?.error?.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
  });
});
