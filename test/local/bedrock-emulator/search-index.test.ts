import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { normalizeTerm, tokenize } from '../../../local/bedrock-emulator/analyzer.ts';
import { type IndexedChunk, SearchIndex } from '../../../local/bedrock-emulator/search-index.ts';
import { TermScoreCache, type TermScores } from '../../../local/bedrock-emulator/term-scores.ts';

const WORDS = 'pack install remove doc table column formula share page button sync export'.split(' ');

/** Deterministic chunks of 5–12 words from a small vocabulary, so terms overlap a lot. */
function chunks(count: number, from = 0): IndexedChunk[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + from;
    const words = Array.from({ length: 5 + (i % 8) }, (_, k) => WORDS[(i * 7 + k * k * 3) % WORDS.length]);
    return { id: `c${i}`, title: `${WORDS[i % WORDS.length]} guide`, text: `${words.join(' ')}.` };
  });
}

function indexOf(list: readonly IndexedChunk[]): SearchIndex {
  const index = new SearchIndex();
  for (const chunk of list) index.add(chunk);
  return index;
}

/** The ranking straight from one MiniSearch OR query, with its matched-terms factor taken out. */
function miniSearchRanking(list: readonly IndexedChunk[], weights: ReadonlyMap<string, number>) {
  const search = new MiniSearch<IndexedChunk>({
    fields: ['title', 'text'],
    tokenize,
    processTerm: normalizeTerm,
    searchOptions: { boost: { title: 2 } },
  });
  search.addAll(list);
  return search
    .search([...weights.keys()].join(' '), {
      tokenize: (q) => q.split(' '),
      processTerm: (t) => t,
      boostTerm: (t) => weights.get(t) ?? 1,
    })
    .map((r) => ({ id: String(r.id), score: r.score / r.queryTerms.length }))
    .sort((a, b) => b.score - a.score);
}

const byId = (hits: readonly { id: string; score: number }[]) =>
  new Map(hits.map((hit) => [hit.id, hit.score]));

function expectSameScores(actual: readonly { id: string; score: number }[], expected: typeof actual) {
  expect(actual.map((h) => h.id).sort()).toEqual(expected.map((h) => h.id).sort());
  const want = byId(expected);
  for (const hit of actual) expect(hit.score).toBeCloseTo(want.get(hit.id) ?? Number.NaN, 9);
}

describe('SearchIndex.search', () => {
  const weights = new Map([
    ['pack', 1],
    ['instal', 0.6],
    ['formula', 0.3],
  ]);

  it('scores each chunk by the weighted BM25 sum that one MiniSearch OR query gives', () => {
    const list = chunks(40);
    const index = indexOf(list);
    const hits = index.search(weights, 100);
    expect(hits.length).toBeGreaterThan(10);
    expectSameScores(hits, miniSearchRanking(list, weights));
    for (let i = 1; i < hits.length; i++)
      expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
  });

  it('returns the best `limit` chunks, best first', () => {
    const list = chunks(40);
    const all = indexOf(list).search(weights, 100);
    const top = indexOf(list).search(weights, 5);
    expect(top).toEqual(all.slice(0, 5));
  });

  it('after chunks are added and removed, scores are those of an index that never held the removed ones', async () => {
    const index = indexOf(chunks(30));
    index.search(weights, 100); // keeps the scores of these terms
    await index.settled();
    index.remove('c3');
    index.remove('c17');
    const kept = chunks(30).filter((c) => c.id !== 'c3' && c.id !== 'c17');
    const afterRemoval = index.search(weights, 100);
    expect(afterRemoval.map((h) => h.id)).not.toContain('c3');
    expectSameScores(afterRemoval, miniSearchRanking(kept, weights));
    for (const chunk of chunks(10, 30)) index.add(chunk);
    const remaining = [...kept, ...chunks(10, 30)];
    const hits = index.search(weights, 100);
    expectSameScores(hits, miniSearchRanking(remaining, weights));
    // Freed slots are reused by new chunks without mixing their scores up.
    expectSameScores(indexOf(remaining).search(weights, 100), hits);
  });

  it('gives the same results once it has settled (common terms scored ahead) as before', async () => {
    const list = chunks(250);
    const index = indexOf(list);
    const before = index.search(weights, 20);
    await index.settled();
    expect(index.search(weights, 20)).toEqual(before);
    index.close();
  });

  it('finds nothing for terms no chunk has', () => {
    expect(indexOf(chunks(10)).search(new Map([['weather', 1]]), 10)).toEqual([]);
  });
});

describe('TermScoreCache', () => {
  /** A scorer giving every term `n` scores, and the terms it was asked for, in order. */
  const recording = (n: number) => {
    const scored: string[] = [];
    const score = (term: string): TermScores => {
      scored.push(term);
      return {
        slots: Int32Array.from({ length: n }, (_, i) => i),
        scores: Float64Array.from({ length: n }, (_, i) => i / 10),
      };
    };
    return { scored, score };
  };

  it('scores a term once until the index changes', () => {
    const { scored, score } = recording(3);
    const cache = new TermScoreCache({
      score,
      commonTerms: () => [],
    });
    cache.get('pack');
    cache.get('pack');
    expect(scored).toEqual(['pack']);
    cache.invalidate();
    cache.get('pack');
    expect(scored).toEqual(['pack', 'pack']);
    cache.close();
  });

  it('keeps at most maxScores scores, dropping the least recently used term first', () => {
    const { scored, score } = recording(4);
    const cache = new TermScoreCache({
      score,
      commonTerms: () => [],
      maxScores: 8,
    });
    cache.get('a');
    cache.get('b');
    cache.get('a'); // now b is the least recently used
    cache.get('c'); // drops b
    cache.get('a');
    cache.get('b');
    expect(scored).toEqual(['a', 'b', 'c', 'b']);
  });

  it('scores the common terms ahead once the index is quiet, within its limit, then settles', async () => {
    const { scored, score } = recording(5);
    const cache = new TermScoreCache({
      score,
      commonTerms: () => ['x', 'y', 'z'],
      maxScores: 10,
      quietMs: 5,
    });
    cache.invalidate();
    cache.invalidate(); // a second change restarts the quiet period instead of scoring twice
    await cache.settled();
    expect(scored).toEqual(['x', 'y', 'z']); // z is scored, then dropped: over the limit
    cache.get('x');
    cache.get('y');
    expect(scored).toEqual(['x', 'y', 'z']);
  });

  it('gives way to questions: scores ahead only once none has been asked for a moment', async () => {
    const { scored, score } = recording(2);
    const cache = new TermScoreCache({
      score,
      commonTerms: () => ['x', 'y'],
      quietMs: 1,
      questionsQuietMs: 300,
    });
    cache.invalidate();
    const asking = Date.now();
    while (Date.now() - asking < 80) {
      cache.get('asked');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(scored.filter((term) => term !== 'asked')).toEqual([]);
    await cache.settled();
    expect(scored.filter((term) => term !== 'asked')).toEqual(['x', 'y']);
  });

  it('stops scoring ahead when closed, and settles', async () => {
    const { scored, score } = recording(1);
    const cache = new TermScoreCache({
      score,
      commonTerms: () => ['x'],
      quietMs: 20,
    });
    cache.invalidate();
    const settled = cache.settled();
    cache.close();
    await settled;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(scored).toEqual([]);
  });
});
