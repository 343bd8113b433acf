import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../local/bedrock-emulator/retrieval/analyzer.ts';
import { ChunkIndex } from '../../../../local/bedrock-emulator/retrieval/chunk-index.ts';
import { planQuery } from '../../../../local/bedrock-emulator/retrieval/query-plan.ts';
import {
  expandQuestion,
  type Thesaurus,
} from '../../../../local/bedrock-emulator/retrieval/related-terms.ts';
import { isRelevant, judge } from '../../../../local/bedrock-emulator/retrieval/relevance.ts';

const index = new ChunkIndex();
const chunks = {
  image: 'Upload an image. Open your profile, click Upload and choose the image file.',
  password: 'Change your password. Open your profile, click Security and type the new password twice.',
  billing: 'Download an invoice. Open Billing and click the invoice you need.',
};
for (const [id, body] of Object.entries(chunks)) {
  index.add({ id, title: '', headings: body.split('.')[0] ?? '', description: '', body });
}

/** A thesaurus of a few entries, recording the part of speech it was asked for. */
function thesaurus(entries: Record<string, readonly string[]>, modifiers: readonly string[] = []) {
  const asked: string[] = [];
  const fake: Thesaurus = {
    related: (word, pos) => {
      asked.push(`${word}:${pos ?? '?'}`);
      return entries[word] ?? [];
    },
    onlyModifies: (word) => modifiers.includes(word),
  };
  return { fake, asked };
}

const [picture] = analyze('picture');
const [image] = analyze('image');

describe('related terms', () => {
  it('searches for the corpus word related to a question word the corpus lacks, below the question’s own words', () => {
    const { fake } = thesaurus({ picture: ['image', 'likeness'] });
    const plan = planQuery('how do I upload a picture?', [], index, fake);
    expect(plan.terms.get(image ?? '')).toBeGreaterThan(0);
    expect(plan.terms.get(image ?? '')).toBeLessThan(plan.terms.get(analyze('upload')[0] ?? '') ?? 0);
    expect(plan.related.get(picture ?? '')).toEqual(new Set([image]));
    expect(index.search(plan.terms, 1)[0]?.id).toBe('image');
  });

  it('leaves a word the corpus uses as it is', () => {
    const { fake, asked } = thesaurus({ password: ['watchword'], profile: ['visibility'] });
    const { related } = expandQuestion('change my profile password', index, fake);
    expect(related.size).toBe(0);
    expect(asked.filter((word) => !word.includes(' '))).toEqual([]);
  });

  it('keeps only related words the corpus uses, and phrases only when they are one word', () => {
    const { fake } = thesaurus({ receipt: ['invoice', 'account statement', 'go on', 'measure'] });
    const { related } = expandQuestion('where is my receipt', index, fake);
    expect(related.get(analyze('receipt')[0] ?? '')).toEqual(new Set(analyze('invoice')));
    const { related: phrases } = expandQuestion(
      'where is my receipt',
      index,
      thesaurus({ receipt: ['open up'] }).fake,
    );
    expect(phrases.size).toBe(0);
  });

  it('keeps only related words a title or heading uses, not those met only in bodies', () => {
    const { fake } = thesaurus({ press: ['click', 'invoice'] });
    const { related } = expandQuestion('where do I press', index, fake);
    expect(related.get(analyze('press')[0] ?? '')).toEqual(new Set(analyze('invoice')));
  });

  it('asks for a noun after an article and a verb after "to" or a subject', () => {
    const { fake, asked } = thesaurus({});
    expandQuestion('I print a picture to frame', index, fake);
    expect(asked.filter((word) => !word.includes(' '))).toEqual(['print:verb', 'picture:noun', 'frame:verb']);
  });

  it('reads a phrasal verb as one, as a verb: its related words stand in for its first word', () => {
    const { fake, asked } = thesaurus({ 'get rid of': ['delete', 'change'] });
    const { related } = expandQuestion('how do I get rid of my password', index, fake);
    expect(asked).toContain('get rid of:verb');
    expect(related.get(analyze('rid')[0] ?? '')).toEqual(new Set(analyze('change')));
  });

  it('does not ask a passage to cover a modifier the corpus lacks, but does a missing noun', () => {
    const { fake } = thesaurus({}, ['anymore']);
    const plan = planQuery('I cannot upload an image anymore from my printer', [], index, fake);
    expect(plan.judged.has(analyze('anymore')[0] ?? '')).toBe(false);
    expect(plan.judged.has(analyze('printer')[0] ?? '')).toBe(true);
  });

  it('credits a passage holding a related word with part of the word it stands in for', () => {
    const question = 'upload a picture';
    const withRelated = planQuery(question, [], index, thesaurus({ picture: ['image'] }).fake);
    const without = planQuery(question, [], index, thesaurus({}).fake);
    const hit = (plan: typeof without) => index.search(plan.terms, 3).find((h) => h.id === 'image');
    const credited = judge(withRelated, hit(withRelated) ?? expect.fail('no hit'), index);
    const plain = judge(without, hit(without) ?? expect.fail('no hit'), index);
    expect(credited.share).toBeGreaterThan(plain.share);
    expect(credited.share).toBeLessThan(1);
    expect(isRelevant(withRelated, credited)).toBe(true);
  });
});

describe('the analyzer', () => {
  it('keeps "sort" as a word of the question: sorting a table is a topic', () => {
    expect(analyze('how do I sort a table')).toEqual(['sort', 'tabl']);
  });
});
