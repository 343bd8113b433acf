/**
 * An article's introduction against the sibling that says how, what a question rules out
 * ("instead of making a new doc"), a follow-up about a long wait, and a scene closed by ", now how do I …?": the pure pieces, then the coda-help corpus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askingParts, ruledOut } from '../../../local/bedrock-emulator/follow-up.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { rewritePhrases } from '../../../local/bedrock-emulator/synonyms.ts';
import { codaCorpusFolder } from './coda-questions.ts';

describe('the pieces', () => {
  it('finds what a question rules out', () => {
    expect(ruledOut('can I pull a base into it instead of making a new doc?')).toBe('making a new doc');
    expect(ruledOut('share with a group rather than one by one, how?')).toBe('one by one');
    expect(ruledOut('how do I import a base?')).toBe(undefined);
  });

  it('reads ", now how do I …" as the asking clause after a scene', () => {
    expect(askingParts('installed the calendar pack, now how do i add a column?')?.asking).toBe(
      'now how do i add a column?',
    );
  });

  it('reads "still isn\'t done" as not complete', () => {
    expect(rewritePhrases("it's still isnt done")).toMatch(/not complete/);
    expect(rewritePhrases('the import has not finished')).toMatch(/not complete/);
  });
});

describe('on coda-help', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = new KnowledgeBase('KB', [
      { dataSourceId: 'DS', type: 'S3', folder: codaCorpusFolder, bucketName: 'docs' },
    ]);
    await ingestAll([kb]);
  });
  afterAll(() => kb.close());

  const best = (text: string, history?: string[]) => {
    const first = kb.retrieve({ text, ...(history ? { history } : {}) }, 5)[0];
    return first?.relevant ? (first.chunk.sourceUri.split('/').pop() ?? '') : 'declined';
  };

  it('prefers the sibling that says how over the introduction that names the feature', () => {
    expect(
      best(
        'In my compose template how do I drop in the value from another column, and can I make that part bold?',
      ),
    ).toBe('section_10.md');
    expect(
      best('how do i get back into the editor to change the template text?', [
        'I set up a compose column to draft our weekly status emails',
      ]),
    ).toBe('section_9.md');
  });

  it('does not pick the sibling whose title names what the customer rules out', () => {
    expect(
      best(
        'I already have a coda doc set up, can I pull an airtable base into it instead of making a new doc?',
      ),
    ).toBe('section_41.md');
  });

  it('answers a follow-up about a long wait from the earlier topic', () => {
    expect(
      best("it's been running for ages and still isnt done, why so slow?", [
        'how do I import an airtable base as a new coda doc?',
      ]),
    ).toBe('section_42.md');
  });
});
