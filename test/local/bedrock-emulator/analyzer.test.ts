import { describe, expect, it } from 'vitest';
import { analyze, nameTerms } from '../../../local/bedrock-emulator/analyzer.ts';
import {
  actionOf,
  isFollowUp,
  wantsOverview,
  wantsSteps,
} from '../../../local/bedrock-emulator/follow-up.ts';
import { rewritePhrases, synonymsOf } from '../../../local/bedrock-emulator/synonyms.ts';

const term = (word: string) => analyze(word)[0] ?? '';
const expands = (word: string) => synonymsOf(term(word));

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

  it('joins what customers say to what help centers write, both ways', () => {
    expect(expands('favorite')).toEqual(expect.arrayContaining([term('star'), term('bookmark')]));
    expect(expands('star')).toContain(term('favorite'));
    expect(expands('delete')).toEqual(expect.arrayContaining([term('remove'), term('uninstall')]));
    expect(expands('cost')).toContain(term('price'));
    expect(expands('pricing')).toContain(term('cost'));
  });

  it('expands a narrower word to the broader one, not the reverse', () => {
    expect(expands('bold')).toContain(term('format'));
    expect(expands('cost')).toContain(term('plan'));
    expect(expands('format')).not.toContain(term('bold'));
    expect(expands('plan')).not.toContain(term('cost'));
  });

  it('never expands a word to itself or to a word Porter conflates with another ("custom")', () => {
    for (const word of ['remove', 'custom', 'star', 'cost', 'bold']) {
      expect(expands(word)).not.toContain(term(word));
    }
    expect(expands('custom')).toEqual([]);
  });
});

describe('rewritePhrases', () => {
  it('reads multi-word expressions as the words help centers use', () => {
    expect(analyze(rewritePhrases('How do I log in?'))).toEqual(analyze('sign in'));
    expect(analyze(rewritePhrases('Logging into my account'))).toEqual(analyze('sign in account'));
    expect(analyze(rewritePhrases('how do I get rid of it later'))).toEqual(analyze('remove'));
    expect(analyze(rewritePhrases('hook up slack'))).toEqual(analyze('connect slack'));
    expect(analyze(rewritePhrases('a doc I already have'))).toEqual(analyze('doc existing'));
    // "whole" says everyone; the workspace is still what is asked about.
    expect(analyze(rewritePhrases('install it across my whole workspace'))).toEqual(
      analyze('install it across everyone workspace'),
    );
    expect(analyze(rewritePhrases('star docs for my whole team'))).toEqual(
      analyze('star docs for everyone team'),
    );
  });

  it('leaves other text alone', () => {
    expect(rewritePhrases('Open the activity log in settings')).toBe('Open the activity log in settings');
  });
});

describe('irregular verbs', () => {
  it('meet their verb', () => {
    expect(analyze('wrote written')).toEqual(['write', 'write']);
    expect(analyze('I lost my phone')).toEqual(analyze('lose phone'));
    expect(analyze('it broke')).toEqual(analyze('break'));
  });
});

describe('isFollowUp', () => {
  it('spots questions that lean on the previous one', () => {
    expect(isFollowUp('and how do I remove it?')).toBe(true);
    expect(isFollowUp('What about on my phone?')).toBe(true);
    expect(isFollowUp('ok and how do I get rid of it later?')).toBe(true);
    expect(isFollowUp('why is it taking forever?')).toBe(true);
    expect(isFollowUp('what about text the AI already wrote?')).toBe(true);
    expect(isFollowUp('How do I install a Pack?')).toBe(false);
    expect(isFollowUp('How do I cancel my plan?')).toBe(false);
  });
});

describe('wantsSteps and wantsOverview', () => {
  it('tell a request for steps from a request for an overview', () => {
    for (const q of [
      'How do I reset my password?',
      'how to unstar a doc',
      'uninstall a pack',
      'steps to export',
    ]) {
      expect([q, wantsSteps(q)]).toEqual([q, true]);
    }
    for (const q of ['Why is my import slow?', 'What can Coda AI do?', 'how much does it cost?']) {
      expect([q, wantsSteps(q)]).toEqual([q, false]);
    }
    for (const q of [
      'What can Coda AI do?',
      'what is the point of starring docs',
      'what are pack column formats?',
    ]) {
      expect([q, wantsOverview(q)]).toEqual([q, true]);
    }
    for (const q of ['How do I star a doc?', 'what happens to my formulas?', 'Who can upload icons?']) {
      expect([q, wantsOverview(q)]).toEqual([q, false]);
    }
  });
});

describe('actionOf', () => {
  it('finds the task a how-to question names, after the phrase rewrites', () => {
    const cases: [string, string | undefined][] = [
      ['how to get rid of an icon we uploaded', 'remove'],
      ['How do I install a Pack in my doc?', 'install'],
      ['uninstall a pack', 'uninstall'],
      ['steps to downgrade my workspace', 'downgrade'],
      ['and how do I refresh it?', 'refresh'],
    ];
    for (const [q, action] of cases) expect([q, actionOf(rewritePhrases(q))]).toEqual([q, action]);
  });

  it('names none for light verbs and for questions that are not how-to', () => {
    for (const q of [
      'How do I make text bold in Compose?',
      'how do I get AI to fill a column',
      'What can Coda AI do?',
    ])
      expect([q, actionOf(q)]).toEqual([q, undefined]);
  });
});
