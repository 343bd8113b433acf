import { describe, expect, it } from 'vitest';
import { bleu, lcsLength, rougeL, tokenize } from './metrics.ts';

describe('tokenize', () => {
  it('lower-cases words and numbers and drops punctuation and markup', () => {
    expect(tokenize('Click **Save**, then wait 60 minutes!')).toEqual([
      'click',
      'save',
      'then',
      'wait',
      '60',
      'minutes',
    ]);
  });

  it('keeps letters outside ASCII', () => {
    expect(tokenize('Café → Überblick')).toEqual(['café', 'überblick']);
  });
});

describe('lcsLength', () => {
  it('finds the longest common subsequence, not substring', () => {
    expect(lcsLength(['a', 'b', 'c', 'd', 'e'], ['a', 'x', 'c', 'y', 'e'])).toBe(3);
    expect(lcsLength(['a', 'b'], [])).toBe(0);
  });
});

describe('ROUGE-L', () => {
  it('scores the classic example: LCS "the cat on the mat" of 6 and 6 tokens', () => {
    const score = rougeL('the cat sat on the mat', 'the cat is on the mat');
    expect(score.precision).toBeCloseTo(5 / 6, 10);
    expect(score.recall).toBeCloseTo(5 / 6, 10);
    expect(score.f1).toBeCloseTo(5 / 6, 10);
  });

  it('weighs precision and recall by their own lengths', () => {
    // LCS "police the gunman" (3) of a 4-token candidate and a 4-token reference
    expect(rougeL('police killed the gunman', 'police kill the gunman').f1).toBeCloseTo(3 / 4, 10);
    // LCS "police killed the gunman" (4) of a 5-token candidate and a 4-token reference
    const longer = rougeL('the police killed the gunman', 'police killed the gunman');
    expect(longer.precision).toBeCloseTo(4 / 5, 10);
    expect(longer.recall).toBe(1);
    expect(longer.f1).toBeCloseTo((2 * 0.8) / 1.8, 10);
  });

  it('is 1 for identical texts and 0 without a common word', () => {
    expect(rougeL('Reset links last 60 minutes.', 'reset links last 60 minutes').f1).toBe(1);
    expect(rougeL('apples and pears', 'quantum chromodynamics').f1).toBe(0);
    expect(rougeL('', 'anything').f1).toBe(0);
  });
});

describe('BLEU', () => {
  const candidate = 'the cat sat on the mat';
  const reference = 'the cat is on the mat';
  // Clipped matches by hand: 1-grams 5/6, 2-grams 3/5, 3-grams 1/4, 4-grams 0/3.

  it('is 0 without smoothing when no 4-gram matches', () => {
    expect(bleu(candidate, reference, { smoothing: 'none' })).toBe(0);
  });

  it('computes BLEU-2 from the clipped precisions', () => {
    expect(bleu(candidate, reference, { maxN: 2, smoothing: 'none' })).toBeCloseTo(
      Math.sqrt((5 / 6) * (3 / 5)),
      10,
    );
  });

  it('adds one to matches and totals above unigrams with add-one smoothing', () => {
    const expected = ((5 / 6) * (4 / 6) * (2 / 5) * (1 / 4)) ** (1 / 4);
    expect(bleu(candidate, reference)).toBeCloseTo(expected, 10);
  });

  it('clips repeated words to their count in the reference', () => {
    // "the the the the": 4 unigrams, "the" appears twice in the reference → 2/4
    expect(bleu('the the the the', 'the cat on the mat', { maxN: 1, smoothing: 'none' })).toBeCloseTo(
      0.5 * Math.exp(1 - 5 / 4),
      10,
    );
  });

  it('applies the brevity penalty to short candidates', () => {
    // 2 of 6 tokens, both n-gram orders fully matched: BP = exp(1 − 6/2)
    expect(bleu('the cat', 'the cat is on the mat', { maxN: 2, smoothing: 'none' })).toBeCloseTo(
      Math.exp(-2),
      10,
    );
  });

  it('is 1 for identical texts and 0 for empty ones', () => {
    expect(bleu('You do not need a credit card.', 'you do not need a credit card')).toBeCloseTo(1, 10);
    expect(bleu('', reference)).toBe(0);
    expect(bleu(candidate, '')).toBe(0);
  });
});
