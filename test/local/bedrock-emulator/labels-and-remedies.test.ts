/**
 * Customers' own names for their columns and docs ("the Owner column"), "undo" naming its own
 * action, requests that only ask for a problem to go away ("how do I fix that?"), yes-or-no
 * questions after a scene, and the phrases customers use for slowness and for pulling data from
 * elsewhere: the pure pieces first, then their effect on a small made-up help center.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLabelPosition } from '../../../local/bedrock-emulator/analyzer.ts';
import { askingParts, isRemedy, wantsSteps } from '../../../local/bedrock-emulator/follow-up.ts';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { invertUndo, rewritePhrases } from '../../../local/bedrock-emulator/synonyms.ts';
import { codaCorpusFolder } from './coda-questions.ts';

describe('the pieces', () => {
  it('tells where a customer puts their own label', () => {
    expect(isLabelPosition('the', 'column')).toBe(true);
    expect(isLabelPosition('our', 'doc')).toBe(true);
    expect(isLabelPosition('called', undefined)).toBe(true);
    expect(isLabelPosition('my', 'subscription')).toBe(false);
    expect(isLabelPosition('the', 'final')).toBe(false);
  });

  it('reads "undo" with the action it names itself, before the previous question', () => {
    expect(invertUndo('can i undo a star?', '')).toMatch(/unstar remove a star/);
    expect(invertUndo('how do I undo my upgrade?', 'How do I install a Pack?')).toMatch(/downgrade/);
    expect(invertUndo('and how do I undo that?', 'How do I install a Pack?')).toMatch(/uninstall remove/);
    expect(invertUndo('can I undo it?', 'What is Coda AI?')).toBe('can I undo it?');
  });

  it('asks how when the question word comes last', () => {
    expect(wantsSteps('in my compose text i want to show the Owner column value in bold, how?')).toBe(true);
    expect(wantsSteps('how?')).toBe(true);
    expect(wantsSteps('I know how')).toBe(false);
  });

  it('reads a request for a problem to go away as saying nothing of the topic', () => {
    expect(isRemedy('i', 'fix', 'that')).toBe(true);
    expect(isRemedy('to', 'resolve', 'it')).toBe(true);
    expect(isRemedy('them', 'back', undefined)).toBe(true);
    expect(isRemedy('i', 'fix', 'formulas')).toBe(false);
    expect(isRemedy('go', 'back', 'to')).toBe(false);
  });

  it('keeps the scene of a yes-or-no question as part of what it asks', () => {
    expect(askingParts('we are on Enterprise and want to downgrade. can I do it from the billing tab?')).toBe(
      undefined,
    );
    expect(askingParts('I use a Compose column. How do I make that value bold?')?.asking).toBe(
      'How do I make that value bold?',
    );
    expect(askingParts('My team writes notes. is there a way to summarize them?')?.asking).toBe(
      'is there a way to summarize them?',
    );
  });

  it('rewrites slowness, pulling data and "in bold" into the words help centers use', () => {
    expect(rewritePhrases('my import has been running forever')).toMatch(/taking long slow/);
    expect(rewritePhrases('the sync is stuck for hours')).toMatch(/taking long slow/);
    expect(rewritePhrases('how can i pull data from a different table?')).toMatch(/reference data from/);
    expect(rewritePhrases('show the Owner column value in bold')).toBe('the Owner column value in bold');
    expect(rewritePhrases('we downgraded a few weeks ago and now')).toBe('we downgraded  and now');
  });
});

const sections: Record<string, string> = {
  'cards_section_0.md':
    'Widgetly cards hold your tasks. Every card belongs to a board, and cards can be moved between boards.\n',
  'cards_section_1.md':
    '**Format card fields**\n\nYou can format field values by selecting the field chip and using the menu to bold, underline or italicize them.\n',
  'cards_section_2.md':
    '**Card formulas**\n\nBy default a card formula reads the current card. If you want to reference other boards, refer to them by their full name.\n',
  'cards_section_3.md':
    '**Pin cards**\n\nPin a card to keep it at the top of the board. Click the pin icon on the card. Click it again to unpin the card and remove it from the top.\n',
  'sync_section_0.md':
    '**Why is my sync taking so long?**\n\nThe calendar API limits how many events we can fetch at a time, so a large calendar takes a while to sync.\n',
  'plans_section_0.md':
    'This article covers cancelling a Widgetly plan. If you are an Enterprise customer looking to downgrade, contact your account team.\n',
  'plans_section_1.md':
    '**Downgrade your plan**\n\n1. Open the billing tab of your workspace settings.\n2. Click Change plan, then Downgrade.\n3. Confirm. Some boards may become read-only.\n',
  'plans_section_2.md':
    '**FAQs**\n\nWhy are some boards read-only after downgrading?\n\nRemove paid features within 14 days of a downgrade and your boards stay editable; after that, contact support.\n',
};

const fileOf = (uri: string | undefined) => uri?.split('/').pop() ?? '';

describe('on a small help center', () => {
  let folder: string;
  let kb: KnowledgeBase;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lantern-labels-'));
    for (const [name, text] of Object.entries(sections)) await writeFile(join(folder, name), text);
    kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'docs' }]);
    await ingestAll([kb]);
  });
  afterAll(async () => {
    kb.close();
    await rm(folder, { recursive: true, force: true });
  });

  const best = (text: string, history?: string[]) => {
    const first = kb.retrieve({ text, ...(history ? { history } : {}) }, 5)[0];
    return first?.relevant ? fileOf(first.chunk.sourceUri) : 'declined';
  };

  it("does not decline a question for naming the customer's own field", () => {
    expect(best('on my cards i want to show the Owner field value in bold, how?')).toBe('cards_section_1.md');
  });

  it('still declines names and words the help center has never heard of', () => {
    expect(best('How do I cancel my Netflix subscription?')).toBe('declined');
    expect(best("what's the weather in Paris today?")).toBe('declined');
    expect(best('Who won the Champions League final last year?')).toBe('declined');
    expect(best("what's the capital of Australia")).toBe('declined');
  });

  it('reads undo with the action it names', () => {
    expect(best('can i undo a pin?')).toBe('cards_section_3.md');
  });

  it('reads "running forever" as taking long', () => {
    expect(best('my calendar sync has been running forever, is something wrong?')).toBe('sync_section_0.md');
  });

  it('reads pulling data from elsewhere as referencing it', () => {
    expect(
      best('My card formula only looks at the current card. how can i pull data from a different board?'),
    ).toBe('cards_section_2.md');
  });

  it('reads "how do I fix that?" as asking about the problem described', () => {
    expect(best('I downgraded and now some of our boards are read only. How do I fix that?')).toBe(
      'plans_section_2.md',
    );
  });
});

describe('on coda-help', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = new KnowledgeBase('CODA', [
      { dataSourceId: 'DS', type: 'S3', folder: codaCorpusFolder, bucketName: 'docs' },
    ]);
    await ingestAll([kb]);
  });
  afterAll(() => kb.close());

  it('keeps the condition a yes-or-no question sets out (Enterprise: the intro, not the steps)', () => {
    const [first] = kb.retrieve(
      {
        text: 'We are an Enterprise customer looking to downgrade. Can I do that myself in the billing tab?',
      },
      5,
    );
    expect(fileOf(first?.chunk.sourceUri)).toBe('section_4.md');
  });
});
