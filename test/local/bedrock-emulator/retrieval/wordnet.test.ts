import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../local/bedrock-emulator/retrieval/analyzer.ts';
import { ChunkIndex } from '../../../../local/bedrock-emulator/retrieval/chunk-index.ts';
import { planQuery } from '../../../../local/bedrock-emulator/retrieval/query-plan.ts';
import { onlyModifies, relatedWords } from '../../../../local/bedrock-emulator/retrieval/wordnet.ts';

describe('WordNet', () => {
  it("gives the other words of a word's commonest sense, from any inflected form", () => {
    expect(relatedWords('picture')).toContain('image');
    expect(relatedWords('pictures')).toContain('image');
    expect(relatedWords('printing', 'verb')).toContain('publish');
  });

  it('follows no word to its broader one, which names another thing in a help center', () => {
    expect(relatedWords('violin', 'noun')).not.toContain('bowed stringed instrument');
    expect(relatedWords('print', 'verb')).not.toContain('make');
  });

  it('keeps to the part of speech the question gives the word', () => {
    expect(relatedWords('print', 'verb')).toContain('publish');
    expect(relatedWords('print', 'noun')).not.toContain('publish');
  });

  it('leaves out the rare senses of a word', () => {
    expect(relatedWords('file', 'noun')).toContain('data file');
    expect(relatedWords('file', 'noun')).not.toContain('single file');
    expect(relatedWords('file', 'noun')).not.toContain('filing cabinet');
  });

  it('reads a phrasal verb as one', () => {
    expect(relatedWords('get rid of', 'verb')).toContain('remove');
    expect(relatedWords('taking out', 'verb')).toContain('remove');
  });

  it('knows nothing of a word it lacks', () => {
    expect(relatedWords('qwzxv')).toEqual([]);
    expect(onlyModifies('qwzxv')).toBe(false);
  });

  it('tells a word only ever used as a modifier from a noun or verb', () => {
    expect(onlyModifies('anymore')).toBe(true);
    expect(onlyModifies('quickly')).toBe(true);
    expect(onlyModifies('print')).toBe(false);
  });

  it("is the query plan's thesaurus: a customer's word finds the corpus word for it", () => {
    const index = new ChunkIndex();
    index.add({
      id: 'image',
      title: 'Upload an image',
      headings: '',
      description: '',
      body: 'Click Upload.',
    });
    index.add({ id: 'file', title: 'Upload a file', headings: '', description: '', body: 'Click Upload.' });
    const plan = planQuery('how do I upload a picture?', [], index);
    expect(plan.related.get(analyze('picture')[0] ?? '')).toEqual(new Set(analyze('image')));
    expect(index.search(plan.terms, 1)[0]?.id).toBe('image');
  });
});
