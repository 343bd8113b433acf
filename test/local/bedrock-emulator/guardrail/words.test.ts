import { describe, expect, it } from 'vitest';
import {
  compileWordList,
  findWords,
  LOCAL_PROFANITY,
} from '../../../../local/bedrock-emulator/guardrail/words.ts';

const profanity = compileWordList(LOCAL_PROFANITY, { disguised: true });
const custom = compileWordList(['moron', 'pull the plug'], { disguised: false });
const matches = (text: string, list = profanity) => findWords(text, list).map((m) => m.match);

describe('word policy', () => {
  it('matches whole words case-insensitively, with positions', () => {
    const text = 'This FUCKING app';
    expect(findWords(text, profanity)).toEqual([{ match: 'FUCKING', start: 5, end: 12 }]);
  });

  it('matches the usual disguises of profanity', () => {
    expect(matches('sh1t, f*ck, f**k, sh!t, fuuuuck, $hit')).toEqual([
      'sh1t',
      'f*ck',
      'f**k',
      'sh!t',
      'fuuuuck',
      '$hit',
    ]);
  });

  it('does not match inside other words or look-alikes', () => {
    expect(matches('Scunthorpe, shitake? no: shiitake, classic, cocktail, pass, as, assess')).toEqual([]);
  });

  it('matches custom words and phrases exactly, trailing "!" aside', () => {
    expect(matches('you moron! just pull the plug', custom)).toEqual(['moron', 'pull the plug']);
    expect(matches('m0ron, morons, pull plug', custom)).toEqual([]);
  });
});
