import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../local/bedrock-emulator/ingestion/sentences.ts';

describe('splitSentences', () => {
  it('splits on terminators and line breaks, with exact offsets', () => {
    const text = 'Open the doc. Click Share!\nIs it shared? Yes.\n  Trailing line  ';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      'Open the doc.',
      'Click Share!',
      'Is it shared?',
      'Yes.',
      'Trailing line',
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(sentences.map((s) => s.line)).toEqual([0, 0, 1, 1, 2]);
  });

  it('does not split after step numbers, abbreviations or before lower-case words', () => {
    const text = '1. Go to settings, e.g. Billing. Then save (i.e. click Save). Version 2.5 works.';
    expect(splitSentences(text).map((s) => s.text)).toEqual([
      '1. Go to settings, e.g. Billing.',
      'Then save (i.e. click Save).',
      'Version 2.5 works.',
    ]);
  });
});
