import { describe, expect, it } from 'vitest';
import {
  collectAnswer,
  generateAnswer,
  type QueryWeights,
} from '../../../../local/bedrock-emulator/generation/extractive-answer.ts';
import { analyze } from '../../../../local/bedrock-emulator/retrieval/analyzer.ts';

const weights = (question: string, wantsSteps = false): QueryWeights =>
  Object.assign(new Map(analyze(question).map((t) => [t, 1])), { wantsSteps });
const answer = (
  question: string,
  passages: { text: string; headings?: string[]; document?: string }[],
  steps = false,
) =>
  collectAnswer(
    generateAnswer({
      queryWeights: weights(question, steps),
      passages: passages.map((p, i) => ({ ...p, reference: i })),
      noAnswerText: 'No.',
    }),
  );

const procedure =
  'Remove a board\nTo remove a board:\n1. Open the board menu.\n2. Choose Delete.\n3. Confirm.\nDeleted boards cannot be restored.';

describe('extractive answers', () => {
  it('keeps a procedure whole, from its heading and lead-in to its last step', () => {
    const result = answer(
      'how do I delete a board',
      [{ text: procedure, headings: ['Remove a board'] }],
      true,
    );
    expect(result.text).toBe(
      'Remove a board\nTo remove a board:\n1. Open the board menu.\n2. Choose Delete.\n3. Confirm.',
    );
  });

  it('cites exact spans: every citation is the slice of the answer it covers, quoted from its passage', () => {
    const result = answer('can deleted boards be restored', [
      { text: procedure, document: 'a' },
      { text: 'Archived boards can be restored from Settings.', document: 'b' },
    ]);
    expect(result.citations.length).toBeGreaterThan(0);
    for (const c of result.citations) {
      expect(result.text.slice(c.span.start, c.span.end)).toBe(c.text);
      expect([procedure, 'Archived boards can be restored from Settings.'][c.references[0] ?? 0]).toContain(
        c.text,
      );
    }
  });

  it('starts a sentence earlier when the best one leans on the one before', () => {
    const text = 'Exports run every night. It takes about an hour for large workspaces. Other text here.';
    expect(answer('how long does it take for large workspaces', [{ text }]).text).toBe(
      'Exports run every night. It takes about an hour for large workspaces.',
    );
  });

  it('cites another document only when it adds a word of the question the answer lacks', () => {
    const resetLink = { text: 'The reset link is valid for 60 minutes.', document: 'reset' };
    const sameWords = { text: 'The verification link is valid for 24 hours.', document: 'signup' };
    const newWord = { text: 'An expired link can be sent again from the sign-in page.', document: 'signin' };
    expect(answer('how long is the reset link valid', [resetLink, sameWords]).citations).toHaveLength(1);
    expect(
      answer('is the reset link valid, and can an expired one be sent again', [resetLink, newWord]).citations,
    ).toHaveLength(2);
  });

  it('answers a how-to question from the passage with steps when the best one has none', () => {
    const intro = {
      text: 'Boards hold your work. You can delete a board you no longer need.',
      document: 'a',
    };
    const steps = { text: procedure, document: 'b' };
    expect(answer('how do I delete a board', [intro, steps], true).text).toMatch(/^To remove a board:\n1\./);
    expect(answer('what is a board', [intro, steps]).text).toMatch(/^Boards hold your work\./);
  });

  it('answers with the no-answer text when there is no passage', () => {
    expect(answer('anything', [])).toEqual({ text: 'No.', citations: [] });
  });
});
