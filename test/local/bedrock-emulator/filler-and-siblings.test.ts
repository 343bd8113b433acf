import { describe, expect, it } from 'vitest';
import { isFillerWord } from '../../../local/bedrock-emulator/analyzer.ts';
import {
  type CorpusStatistics,
  conceptIdf,
  coverage,
  FILLER_WEIGHT,
  isRelevant,
  type QueryConcept,
} from '../../../local/bedrock-emulator/relevance.ts';
import { isTaskTitle, tellsHow } from '../../../local/bedrock-emulator/ingestion/sentences.ts';
import { invertUndo } from '../../../local/bedrock-emulator/synonyms.ts';

const df: Record<string, number> = { doc: 80, pack: 20, instal: 10, admin: 8, approv: 5, list: 30, star: 6 };
const stats: CorpusStatistics = {
  idf: (term) => Math.log(1 + (100 - (df[term] ?? 0) + 0.5) / ((df[term] ?? 0) + 0.5)),
  isKnown: (term) => term in df,
};
const concept = (term: string, isFiller = false): QueryConcept => ({ terms: [term], weight: 1, isFiller });

describe('conversational filler', () => {
  it('recognises filler words and their inflections, not content words', () => {
    for (const word of ['honestly', 'keeps', 'asking', 'boss', 'talk']) expect(isFillerWord(word)).toBe(true);
    for (const word of ['pack', 'install', 'weather', 'recipe', 'doc', 'today'])
      expect(isFillerWord(word)).toBe(false);
  });

  it('weighs filler for little in the relevance share', () => {
    const plain = concept('honestli');
    const filler = concept('honestli', true);
    expect(conceptIdf(filler, stats)).toBeCloseTo(FILLER_WEIGHT * conceptIdf(plain, stats));
    // "Honestly my boss keeps asking, how do we get the admin to approve a pack?"
    const question = [
      concept('honestli', true),
      concept('boss', true),
      concept('keep', true),
      concept('admin'),
      concept('approv'),
      concept('pack'),
    ];
    expect(isRelevant(coverage(question, new Set(['admin', 'approv', 'pack']), stats))).toBe(true);
    const unfiltered = question.map((c) => ({ ...c, isFiller: false }));
    const chunk = new Set(['admin', 'approv', 'pack']);
    expect(coverage(unfiltered, chunk, stats).share).toBeLessThan(0.4);
    expect(coverage(question, chunk, stats).share).toBeGreaterThan(0.6);
  });

  it('still declines off-topic questions wrapped in filler', () => {
    // "My dog keeps chewing on my shoes, how do I make him stop?"
    const question = [
      concept('dog'),
      concept('keep', true),
      concept('chew'),
      concept('shoe'),
      concept('stop'),
    ];
    expect(isRelevant(coverage(question, new Set(['stop']), stats))).toBe(false);
  });

  it('passes a chatty question when several specific content words match', () => {
    // Three content matches, two unknown content words: share under 0.4, but the topic is there.
    const question = [
      concept('star'),
      concept('list'),
      concept('approv'),
      concept('clutter'),
      concept('handi'),
    ];
    const c = coverage(question, new Set(['star', 'list', 'approv']), stats);
    expect(c.share).toBeLessThan(0.5);
    expect(c.matchedContent).toBe(3);
    expect(isRelevant(c)).toBe(true);
  });
});

describe('instructions and task sections', () => {
  it('tells sentences that say how from ones that list what a feature does', () => {
    expect(tellsHow('You can format these values by selecting the column chip.')).toBe(true);
    expect(tellsHow('To do so, just right click on the column header.')).toBe(true);
    expect(tellsHow('1. Click Upload')).toBe(true);
    expect(tellsHow('With the editor you can reference columns and format text.')).toBe(false);
  });

  it('tells task headings from subject headings', () => {
    expect(isTaskTitle('Convert to editable')).toBe(true);
    expect(isTaskTitle('**Add custom icons**')).toBe(true);
    expect(isTaskTitle('FAQs')).toBe(false);
    expect(isTaskTitle('Related resources')).toBe(false);
  });
});

describe('undo in a follow-up', () => {
  it('maps undo to the inverse of the previous action', () => {
    expect(invertUndo('and how do I undo that?', 'How do I install a Pack?')).toMatch(/uninstall remove/);
    expect(invertUndo('how do I undo that?', 'How do I star a doc?')).toMatch(/unstar remove/);
    expect(invertUndo('can I revert it?', 'How do I enable approvals?')).toMatch(/disable/);
    expect(invertUndo('how do I undo it?', 'How do I remove a Pack?')).toMatch(/add/);
  });

  it('leaves questions without undo, or without an action to invert, alone', () => {
    expect(invertUndo('and how do I remove it?', 'How do I install a Pack?')).toBe('and how do I remove it?');
    expect(invertUndo('how do I undo that?', 'What is Coda AI?')).toBe('how do I undo that?');
  });
});
