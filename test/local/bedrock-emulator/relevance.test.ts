import { describe, expect, it } from 'vitest';
import {
  type CorpusStatistics,
  coverage,
  focus,
  isRelevant,
  proximity,
  type QueryConcept,
  similarity,
} from '../../../local/bedrock-emulator/relevance.ts';

/** A toy corpus of 100 chunks: document frequencies per term; anything else is unknown. */
const df: Record<string, number> = { doc: 80, pack: 20, instal: 10, remov: 10, delet: 5, pari: 1, icon: 8 };
const stats: CorpusStatistics = {
  idf: (term) => Math.log(1 + (100 - (df[term] ?? 0) + 0.5) / ((df[term] ?? 0) + 0.5)),
  isKnown: (term) => term in df,
};
const concept = (term: string, more: string[] = [], isName = false): QueryConcept => ({
  terms: [term, ...more],
  weight: 1,
  isName,
});

describe('coverage and isRelevant', () => {
  it('weights terms by IDF, so common words count little', () => {
    const c = coverage(
      [concept('instal'), concept('pack'), concept('doc')],
      new Set(['instal', 'pack']),
      stats,
    );
    expect(c.share).toBeGreaterThan(0.9);
    expect(c.matchedConcepts).toBe(2);
    expect(isRelevant(c)).toBe(true);
  });

  it('weights words the corpus has never seen heavily against the match', () => {
    // "What's the weather in Paris?": one incidental match, one unknown topic word.
    const c = coverage([concept('weather'), concept('pari', [], true)], new Set(['pari']), stats);
    expect(c.unknownShare).toBeGreaterThan(0.5);
    expect(isRelevant(c)).toBe(false);
  });

  it('declines when a name in the question is unknown, however well the rest matches', () => {
    const question = [concept('instal'), concept('pack'), concept('netflix', [], true)];
    const c = coverage(question, new Set(['instal', 'pack']), stats);
    expect(c.unknownNames).toBe(1);
    expect(isRelevant(c)).toBe(false);
  });

  it('counts a synonym as a match, and uses its IDF when the word itself is unknown', () => {
    const c = coverage(
      [concept('uninstal', ['remov', 'delet']), concept('pack')],
      new Set(['remov', 'pack']),
      stats,
    );
    expect(c.share).toBe(1);
    expect(c.unknownShare).toBe(0);
  });

  it('needs a specific match: common words alone are not enough', () => {
    const c = coverage([concept('doc')], new Set(['doc']), stats);
    expect(c.share).toBe(1);
    expect(isRelevant(c)).toBe(false);
  });

  it('needs most of a question when only one of its words matches', () => {
    expect(
      isRelevant({ share: 0.45, matchedIdf: 3, unknownShare: 0.55, unknownNames: 0, matchedConcepts: 1 }),
    ).toBe(false);
    expect(
      isRelevant({ share: 0.45, matchedIdf: 5, unknownShare: 0.3, unknownNames: 0, matchedConcepts: 2 }),
    ).toBe(true);
  });
});

describe('focus', () => {
  it('is the best share covered by a single sentence', () => {
    const question = [concept('remov'), concept('pack')];
    expect(focus(question, [new Set(['remov']), new Set(['pack'])], stats)).toBeLessThan(0.7);
    expect(focus(question, [new Set(['remov', 'pack', 'doc'])], stats)).toBe(1);
  });
});

describe('proximity', () => {
  it('is the share of neighbouring question words a chunk has in order, close together', () => {
    const question = [concept('delet'), concept('workspac', ['pari'])];
    expect(proximity(question, [['delet', 'coda', 'workspac']], stats)).toBe(1);
    expect(proximity(question, [['delet', 'custom', 'icon', 'from', 'workspac']], stats)).toBe(0);
    expect(proximity(question, [['workspac', 'delet']], stats)).toBe(0);
    expect(proximity(question, [['delet'], ['workspac']], stats)).toBe(0);
    expect(proximity(question, [['delet', 'pari']], stats)).toBe(1);
    expect(proximity([concept('delet')], [['delet']], stats)).toBe(0);
  });
});

describe('isRelevant for questions made of everyday corpus words', () => {
  it('accepts a chunk that has every word of such a question', () => {
    expect(
      isRelevant({ share: 1, matchedIdf: 1.9, unknownShare: 0, unknownNames: 0, matchedConcepts: 2 }),
    ).toBe(true);
    expect(
      isRelevant({ share: 1, matchedIdf: 1.9, unknownShare: 0, unknownNames: 0, matchedConcepts: 1 }),
    ).toBe(false);
  });
});

describe('similarity', () => {
  it('is high for a heading asking the same thing, lower for one that asks much else besides', () => {
    const question = [concept('delet', ['remov']), concept('icon')];
    // "How can I remove an icon?"
    const same = similarity(question, new Set(['remov', 'icon']), stats);
    expect(same).toBe(1);
    // "What happens to formulas, rollups, and grouping when importing into Coda?"
    expect(
      similarity(question, new Set(['happen', 'formula', 'rollup', 'group', 'import', 'coda']), stats),
    ).toBe(0);
    // "Can I delete icons, packs and docs I installed in Paris?"
    const long = similarity(question, new Set(['delet', 'icon', 'pack', 'doc', 'instal', 'pari']), stats);
    expect(long).toBeGreaterThan(0);
    expect(long).toBeLessThan(0.7);
    expect(similarity(question, new Set(), stats)).toBe(0);
  });
});
