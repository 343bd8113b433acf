import { describe, expect, it } from 'vitest';
import {
  decomposeQuestion,
  interleave,
} from '../../../../local/bedrock-emulator/retrieval/query-decomposition.ts';

describe('decomposeQuestion', () => {
  it('splits between questions, at semicolons and at "and" joining two clauses that name something', () => {
    expect(decomposeQuestion('How do I reset my password? Where do I change my billing email?')).toEqual([
      'How do I reset my password?',
      'Where do I change my billing email?',
    ]);
    expect(decomposeQuestion('export the invoice report and delete an old workspace')).toEqual([
      'export the invoice report',
      'delete an old workspace',
    ]);
  });

  it('keeps a question whole when a part would not stand alone', () => {
    expect(decomposeQuestion('How do I reset my password?')).toEqual([]);
    expect(decomposeQuestion('How do I add and remove seats?')).toEqual([]);
  });
});

describe('interleave', () => {
  it('takes the lists in turn, each item once, up to the limit', () => {
    expect(
      interleave(
        [
          ['a', 'b', 'c'],
          ['b', 'd'],
        ],
        (x) => x,
        10,
      ),
    ).toEqual(['a', 'b', 'd', 'c']);
    expect(interleave([['a', 'b', 'c'], ['d']], (x) => x, 2)).toEqual(['a', 'd']);
  });

  it('stops reading the lists once it has the limit', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `item ${i}`);
    let keyed = 0;
    const key = (item: string) => {
      keyed += 1;
      return item;
    };
    expect(interleave([long, long], key, 3)).toEqual(['item 0', 'item 1', 'item 2']);
    expect(keyed).toBeLessThan(20);
  });
});
