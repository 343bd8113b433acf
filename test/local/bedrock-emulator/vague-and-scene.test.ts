/**
 * Vague padding ("all the different things", "kinds of stuff") that must not count against a
 * question, questions that set the scene before they ask, and follow-ups whose own task words
 * pick the section: the pure pieces first, then their effect on coda-help.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVagueWord } from '../../../local/bedrock-emulator/analyzer.ts';
import {
  askingParts,
  isCausative,
  wantsOverview,
  withoutPadding,
} from '../../../local/bedrock-emulator/follow-up.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import {
  type CorpusStatistics,
  coverage,
  focus,
  isRelevant,
  proximity,
  type QueryConcept,
} from '../../../local/bedrock-emulator/relevance.ts';
import { tellsHow } from '../../../local/bedrock-emulator/ingestion/sentences.ts';
import { codaCorpusFolder } from './coda-questions.ts';

const df: Record<string, number> = { coda: 60, ai: 20, differ: 4, pack: 20, button: 6, format: 10 };
const stats: CorpusStatistics = {
  idf: (term) => Math.log(1 + (100 - (df[term] ?? 0) + 0.5) / ((df[term] ?? 0) + 0.5)),
  isKnown: (term) => term in df,
};
const concept = (term: string, flags: Partial<QueryConcept> = {}): QueryConcept => ({
  terms: [term],
  weight: 1,
  ...flags,
});

describe('vague padding', () => {
  it('tells vague words from topic words, "kinds"/"types"/"list" only before "of"', () => {
    for (const word of ['different', 'various', 'several', 'everything'])
      expect(isVagueWord(word)).toBe(true);
    expect(isVagueWord('types', 'of')).toBe(true);
    expect(isVagueWord('types')).toBe(false);
    expect(isVagueWord('list', 'of')).toBe(true);
    expect(isVagueWord('list', 'shows')).toBe(false);
    for (const word of ['weather', 'recipe', 'pack', 'football', 'scores'])
      expect(isVagueWord(word)).toBe(false);
  });

  it('never counts a vague word the chunk lacks against it, and counts one it has a little', () => {
    // "what are all the different things coda ai can do?" against an opening on Coda AI.
    const question = [concept('differ', { isVague: true }), concept('coda'), concept('ai')];
    const lacking = coverage(question, new Set(['coda', 'ai']), stats);
    expect(lacking.share).toBe(1);
    expect(lacking.unknownShare).toBe(0);
    expect(isRelevant(lacking)).toBe(true);
    // An unknown vague word ("various") is not an unknown topic either.
    const unknown = coverage(
      [concept('various', { isVague: true }), concept('pack'), concept('button')],
      new Set(['pack', 'button']),
      stats,
    );
    expect(unknown.share).toBe(1);
    expect(unknown.unknownShare).toBe(0);
    const having = coverage(question, new Set(['coda', 'ai', 'differ']), stats);
    expect(having.share).toBe(1);
    expect(having.matchedIdf).toBeGreaterThan(lacking.matchedIdf);
    // Unflagged, the same word would have cost the match its relevance.
    const unflagged = coverage(
      [concept('differ'), concept('coda'), concept('ai')],
      new Set(['coda', 'ai']),
      stats,
    );
    expect(unflagged.share).toBeLessThan(0.6);
  });

  it('still declines an unknown topic padded with vague words', () => {
    // "what are the various football scores this week?"
    const question = [
      concept('various', { isVague: true }),
      concept('footbal'),
      concept('score'),
      concept('week'),
    ];
    expect(isRelevant(coverage(question, new Set(['week']), stats))).toBe(false);
  });

  it('leaves vague words out of focus totals and phrase pairs', () => {
    const question = [concept('differ', { isVague: true }), concept('coda'), concept('ai')];
    expect(focus(question, [new Set(['coda', 'ai'])], stats)).toBe(1);
    expect(proximity(question, [['coda', 'ai']], stats)).toBe(1);
  });

  it('reads a padded what-is question as one', () => {
    expect(withoutPadding('what kinds of stuff can I do with coda ai?')).toBe('what can I do with coda ai?');
    expect(withoutPadding('what are all the different things pack buttons can do?')).toBe(
      'what are things pack buttons can do?',
    );
    for (const question of [
      'what kinds of stuff can I do with coda ai?',
      'what sort of things can pack buttons do?',
      'what are all the various things compose columns can do?',
    ])
      expect(wantsOverview(question)).toBe(true);
    expect(wantsOverview('how do I install a pack')).toBe(false);
  });
});

describe('questions that set the scene first', () => {
  it('parts the clause that asks from the one that sets the scene', () => {
    expect(askingParts('In Compose I @-mentioned another column. How do I make that value bold?')).toEqual({
      asking: 'How do I make that value bold?',
      context: 'In Compose I @-mentioned another column.',
    });
    expect(askingParts('My team writes notes daily, is there a way to summarize them?')?.asking).toBe(
      'is there a way to summarize them?',
    );
    expect(askingParts('How do I star a doc?')).toBeUndefined();
    expect(askingParts('my docs went read only after cancelling, help')).toBeUndefined();
  });

  it('reads "make it", "make that" as saying nothing of the task, "make a table" as creating', () => {
    expect(isCausative('make', 'it')).toBe(true);
    expect(isCausative('make', 'that')).toBe(true);
    expect(isCausative('get', 'them')).toBe(true);
    expect(isCausative('make', 'a')).toBe(false);
    expect(isCausative('install', 'it')).toBe(false);
  });

  it('counts a step under a condition as telling how', () => {
    expect(
      tellsHow(
        'Whenever you need to update the summary block, just hover over the block and click the arrow.',
      ),
    ).toBe(true);
    expect(tellsHow('If you want more, click Upgrade.')).toBe(true);
    expect(tellsHow('If you remove those paid features, your docs will remain editable.')).toBe(false);
  });
});

describe('on coda-help', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = new KnowledgeBase('KB', [
      { dataSourceId: 'DS', type: 'S3', folder: codaCorpusFolder, bucketName: 'kb' },
    ]);
    await ingestAll([kb]);
  });
  afterAll(() => kb.close());
  const top = (text: string, history: string[] = []) => {
    const [first] = kb.retrieve({ text, history }, 5);
    return first?.relevant ? (first.chunk.sourceUri.split('/').pop() ?? '') : '(declined)';
  };

  it('answers a padded what-can-it-do question from the overview, as the plain one', () => {
    expect(top('what can coda ai do?')).toBe('section_21.md');
    expect(top('what are all the different things coda ai can do?')).toBe('section_21.md');
    expect(top('what kinds of stuff can I do with coda ai?')).toBe('section_21.md');
    expect(top('what sort of things can pack buttons do?')).toBe('section_49.md');
  });

  it('declines off-topic questions padded the same way', () => {
    for (const question of [
      'what kinds of stuff can I cook for dinner?',
      'what are the various football scores this week?',
      'what sort of things can I do about the weather in Paris?',
      'what are all the different kinds of pizza?',
    ])
      expect({ question, top: top(question) }).toEqual({ question, top: '(declined)' });
  });

  it('ranks by the clause that asks, among sections on the scene it sets', () => {
    expect(top('In Compose I @-mentioned another column. How do I make that value bold?')).toBe(
      'section_10.md',
    );
    expect(
      top('I want to type straight into the cells of my Compose column. How can I make it editable?'),
    ).toBe('section_13.md');
    expect(top('I uploaded a custom icon to our workspace last week. How do I delete it?')).toBe(
      'section_31.md',
    );
  });

  it("lets a follow-up's own task words pick the section on the earlier topic", () => {
    expect(
      top('how do I refresh it when the notes change?', ['Can AI write notes into a column for me?']),
    ).toBe('section_24.md');
    expect(
      top('what about for text the AI assistant already wrote?', ['Can I change the prompt of an AI block?']),
    ).toBe('section_22.md');
  });
});
