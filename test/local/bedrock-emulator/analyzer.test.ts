import { describe, expect, it } from 'vitest';
import { analyze, nameTerms } from '../../../local/bedrock-emulator/analyzer.ts';
import { isFollowUp } from '../../../local/bedrock-emulator/follow-up.ts';
import { synonymsOf } from '../../../local/bedrock-emulator/synonyms.ts';

describe('analyze', () => {
  it('drops question wrappers and stop words, and stems inflections together', () => {
    expect(analyze('How do I install a Pack?')).toEqual(['instal', 'pack']);
    expect(analyze('Installing packs')).toEqual(['instal', 'pack']);
    expect(analyze("What's installed? It doesn't work")).toEqual(['instal', 'work']);
  });

  it('keeps "add" and "added" together despite Porter stemming', () => {
    expect(analyze('add')).toEqual(analyze('added'));
  });

  it('treats inflected stop words as stop words', () => {
    expect(analyze('she wants it, he needs it')).toEqual([]);
  });
});

describe('nameTerms', () => {
  it('finds capitalised words that do not start a sentence', () => {
    expect(nameTerms('How do I cancel my Netflix subscription?')).toEqual(['netflix']);
    expect(nameTerms('How do I factory reset my iPhone?')).toEqual(['iphon']);
    expect(nameTerms('Tell me a joke. I want one')).toEqual([]);
  });
});

describe('synonymsOf', () => {
  it('knows common support vocabulary, by index term', () => {
    expect(synonymsOf(analyze('uninstall')[0] ?? '')).toContain(analyze('remove')[0]);
    expect(synonymsOf('zzz')).toEqual([]);
  });
});

describe('isFollowUp', () => {
  it('spots questions that lean on the previous one', () => {
    expect(isFollowUp('and how do I remove it?')).toBe(true);
    expect(isFollowUp('What about on my phone?')).toBe(true);
    expect(isFollowUp('How do I install a Pack?')).toBe(false);
  });
});
