import { describe, expect, it } from 'vitest';
import { slackOwner, threadSessionId } from '../../shared/slack/thread-session.ts';

describe('thread → session', () => {
  it('derives one stable, opaque session id per thread', () => {
    const id = threadSessionId('T1', 'C1', '1700000000.000100');
    expect(id).toMatch(/^slack-[0-9a-f]{40}$/);
    expect(threadSessionId('T1', 'C1', '1700000000.000100')).toBe(id);
    expect(id).not.toContain('C1');
  });

  it('gives other threads, channels and workspaces other sessions', () => {
    const id = threadSessionId('T1', 'C1', '1700000000.000100');
    expect(
      new Set([
        id,
        threadSessionId('T1', 'C1', '1700000000.000200'),
        threadSessionId('T1', 'C2', '1700000000.000100'),
        threadSessionId('T2', 'C1', '1700000000.000100'),
      ]).size,
    ).toBe(4);
  });

  it('makes the workspace the owner, which no API key id can equal', () => {
    expect(slackOwner('T1')).toBe('slack:T1');
  });
});
