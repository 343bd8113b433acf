import { describe, expect, it } from 'vitest';
import { condenseHistory, RAG_INPUT_LIMIT } from '../../../shared/chat/history.ts';

const turn = (role: 'user' | 'assistant', text: string) => ({ role, text });

describe('condenseHistory', () => {
  it('returns the question alone when there is no history', () => {
    expect(condenseHistory([], 'How do I remove it?')).toBe('How do I remove it?');
  });

  it('puts the recent turns before the question, oldest first', () => {
    const condensed = condenseHistory(
      [
        turn('user', 'How do I install a Pack?'),
        turn('assistant', 'Open the Packs panel and click Install.'),
      ],
      'and how do I remove it?',
    );
    expect(condensed).toBe(
      'Earlier in this conversation:\nUser: How do I install a Pack?\nAssistant: Open the Packs panel and click Install.\nQuestion: and how do I remove it?',
    );
  });

  it('never exceeds the Bedrock input limit and keeps the newest turns and the whole question', () => {
    const history = Array.from({ length: 30 }, (_, i) =>
      turn(i % 2 ? 'assistant' : 'user', `turn ${i} ${'x'.repeat(250)}`),
    );
    const question = `What about the last one? ${'q'.repeat(300)}`;
    const condensed = condenseHistory(history, question);
    expect(condensed.length).toBeLessThanOrEqual(RAG_INPUT_LIMIT);
    expect(condensed.endsWith(`Question: ${question}`)).toBe(true);
    expect(condensed).toContain('turn 29');
    expect(condensed).not.toContain('turn 0 ');
  });

  it('falls back to the bare question when it leaves no room for history', () => {
    const question = 'q'.repeat(RAG_INPUT_LIMIT - 3);
    expect(condenseHistory([turn('user', 'earlier')], question)).toBe(question);
  });
});
