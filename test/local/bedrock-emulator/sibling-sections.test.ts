/**
 * Ranking among the sections of one article (an intro without a heading, task sections, FAQs),
 * on a small made-up help center so each case shows one signal: the FAQ entry asking the
 * customer's question, the opening that introduces a subject over a section on one part of it,
 * the section doing the task a how-to question names, and a follow-up's own words.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';

const sections: Record<string, string> = {
  'boards_section_0.md':
    'Ever wanted one place for the cards of every project? Now you have it. Cards from all your projects land in one place. Widgetly boards are a shared space for your team, and you can filter, group and share them with guests.\n',
  'boards_section_1.md':
    '**Board chat**\n\nBoard chat lets everyone on a board talk about its cards, and it is part of every Widgetly plan.\n\n1. Open the chat panel from the board header.\n2. Start a thread about any card on the board.\n3. Mention teammates to bring them into the board chat.\n\nBoard chat keeps the history of each board, so people who join the board later can read it.\n',
  'boards_section_2.md':
    '**Archive boards**\n\nArchived boards are hidden from the sidebar but keep their cards. You can search archived boards and open an archived board at any time.\n\n1. Open the board menu.\n2. Click **Archive**.\n3. Confirm to archive the board. It then shows in the archived boards list.\n',
  'boards_section_3.md':
    '**Remove boards**\n\nAdmins can delete boards from the trash of the workspace.\n\n1. Open the trash from the sidebar.\n2. Find the board.\n3. Click **Delete forever**.\n',
  'boards_section_4.md':
    '**FAQs**\n\nHow can I delete my workspace?\n\nThe account owner can close it from the billing page.\n\nCan I export cards to a spreadsheet?\n\nYes: in the board menu, choose **Export** and pick CSV.\n',
  'billing_section_0.md':
    'Your plan decides how many boards and guests you can have. Upgrade or downgrade from the billing page at any time.\n',
};

const fileOf = (uri: string | undefined) => uri?.split('/').pop() ?? '';

describe('ranking sibling sections', () => {
  let folder: string;
  let kb: KnowledgeBase;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lantern-siblings-'));
    for (const [name, text] of Object.entries(sections)) await writeFile(join(folder, name), text);
    kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'docs' }]);
    await ingestAll([kb]);
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  const top = (text: string, history?: string[]) =>
    fileOf(kb.retrieve({ text, ...(history ? { history } : {}) }, 5)[0]?.chunk.sourceUri);

  it('prefers the FAQ entry that asks the question over a section sharing its words', () => {
    expect(top('how do I delete a workspace')).toBe('boards_section_4.md');
  });

  it('answers a what-is question from the opening, not a section on one part of the subject', () => {
    expect(top('what are Widgetly boards?')).toBe('boards_section_0.md');
    expect(top('what is board chat?')).toBe('boards_section_1.md');
  });

  it('prefers the section doing the task a how-to question names', () => {
    expect(top('how to get rid of a board we archived')).toBe('boards_section_3.md');
    expect(top('how do I archive a board')).toBe('boards_section_2.md');
  });

  it('answers a follow-up from a section with its own words, not the previous answer again', () => {
    expect(top('and how do I export them?', ['How do I archive boards?'])).toBe('boards_section_4.md');
  });
});
