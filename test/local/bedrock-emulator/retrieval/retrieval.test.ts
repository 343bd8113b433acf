import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestAll, KnowledgeBase } from '../../../../local/bedrock-emulator/knowledge-base.ts';
import { ChunkIndex } from '../../../../local/bedrock-emulator/retrieval/chunk-index.ts';
import { planQuery } from '../../../../local/bedrock-emulator/retrieval/query-plan.ts';
import { rankChunks } from '../../../../local/bedrock-emulator/retrieval/rank.ts';

const helpCenter = join(import.meta.dirname, '..', 'fixtures', 'help-center');
const kb = new KnowledgeBase('RETRIEVAL1', [
  { dataSourceId: 'DOCS000001', type: 'S3', folder: helpCenter, bucketName: 'docs' },
]);
const top = (text: string, history: string[] = []) => {
  const [first] = kb.retrieve({ text, history }, 3);
  return first?.relevant
    ? `${first.chunk.sourceUri.split('/').pop()} ${first.chunk.headings?.at(-1) ?? ''}`
    : 'declined';
};

beforeAll(async () => {
  await ingestAll([kb]);
});

describe('retrieval', () => {
  it('ranks the section whose heading and body answer the question first', () => {
    expect(top('how do I remove an extension?')).toBe('install-an-extension.md Remove an extension');
    expect(top('restore an archived board')).toBe('archive-a-board.md Restore an archived board');
  });

  it('finds documents by their front-matter description and sidecar title', () => {
    expect(kb.retrieve({ text: 'connect other tools' }, 1)[0]?.chunk.title).toBe('Install an extension');
    expect(top('refund policy')).toMatch(/^refunds\.txt/);
  });

  it('reads a follow-up with the question before it', () => {
    expect(top('and how do I remove it?', ['How do I install an extension?'])).toBe(
      'install-an-extension.md Remove an extension',
    );
  });

  it('declines a question the documents do not cover', () => {
    expect(top("What's the weather in Paris tomorrow?")).toBe('declined');
    expect(top('Who won the football match last night?')).toBe('declined');
  });

  it('declines a question naming something the documents never mention', () => {
    expect(top('How do I archive a board in Trello?')).toBe('declined');
    expect(top('How do I archive a board?')).toMatch(/^archive-a-board\.md/);
  });

  it('declines a question naming a format or product by an acronym the documents never use', () => {
    expect(top('How do I restore an archived board from a CSV?')).toBe('declined');
    expect(top('HOW DO I RESTORE AN ARCHIVED BOARD?')).toMatch(/^archive-a-board\.md/);
  });

  it('does not take an everyday abbreviation (ASAP, a time in PM) for the name of something else', () => {
    expect(top('I need to restore an archived board ASAP, before 5 PM')).toMatch(/^archive-a-board\.md/);
  });

  it('declines when only a few everyday words of the question are scattered through a section', () => {
    expect(top('what should I cook for dinner at the end of a long day?')).toBe('declined');
  });

  it('meets a word the documents write as one when the question writes it as two', () => {
    const index = new ChunkIndex();
    const doc = (id: string, body: string) =>
      index.add({ id, title: '', headings: '', description: '', body });
    doc('login', 'Open the login page and enter your email address.');
    doc('log', 'The activity log lists every change: look in the log for what you edited.');
    doc('away', 'Set your status to away when you leave.');
    const plan = planQuery('where do I log in with my email?', [], index);
    expect(index.search(plan.terms, 1)[0]?.id).toBe('login');
    expect(plan.joined.get('log')).toBe('login');
    // Only a content word starts a join: "a way" is not "away".
    expect(planQuery('is there a way to leave?', [], index).own.has('awai')).toBe(false);
  });

  it('answers a follow-up from a section headed by the topic asked about before', () => {
    const index = new ChunkIndex();
    const add = (id: string, title: string, headings: string, body: string) =>
      index.add({ id, title, headings, description: '', body });
    add(
      'boards',
      'Boards',
      'Delete a board',
      'Deleting a board keeps the cards inside it in your workspace.',
    );
    add(
      'import',
      'Import from another tool',
      'Clean up',
      'Delete the cards inside, then delete the cards inside the imported board, so the cards go.',
    );
    add('share', 'Share a workspace', 'Members', 'Invite members to share a workspace with them.');
    const plan = planQuery(
      'and when I delete it, do the cards inside go as well?',
      ['tell me about boards'],
      index,
    );
    expect(rankChunks(plan, index, 3)[0]?.id).toBe('boards');
  });

  it('answers a follow-up whose earlier question used words the documents lack', () => {
    const index = new ChunkIndex();
    const add = (id: string, title: string, body: string) =>
      index.add({ id, title, headings: '', description: '', body });
    add('remove', 'Remove custom icons', 'Delete an icon from the workspace library.');
    add('upload', 'Upload custom icons', 'Upload an image as an icon for your workspace.');
    add('billing', 'Pay an invoice', 'Pay by card from the billing page.');
    const plan = planQuery('and how do I delete it?', ['how do I upload my glyphs for the crew?'], index);
    const [first] = rankChunks(plan, index, 3);
    expect([first?.id, first?.relevant]).toEqual(['remove', true]);
  });

  it('reads a second question asking what will follow as a follow-up', () => {
    const index = new ChunkIndex();
    const add = (id: string, title: string, body: string) =>
      index.add({ id, title, headings: '', description: '', body });
    add('password', 'Change your account password', 'Changing your password signs you out on every device.');
    add('devices', 'Manage your devices', 'Devices you trust stay signed in for thirty days.');
    add('billing', 'Pay an invoice', 'Pay by card from the billing page.');
    const history = ['where can I set a new account password?'];
    const plan = planQuery('will my other devices stay signed in?', history, index);
    expect(plan.followUp).toBe(true);
    expect(rankChunks(plan, index, 3)[0]?.id).toBe('password');
  });

  it('takes capitalised words in a row for one name, unknown unless a section holds them together', () => {
    const index = new ChunkIndex();
    const doc = (id: string, body: string) =>
      index.add({ id, title: '', headings: '', description: '', body });
    doc('store', 'Sell your templates on Amazon and other stores.');
    doc('calls', 'Mute the echo on calls from the settings.');
    doc('inbox', 'Open the Team Inbox to see new messages.');
    expect(planQuery('does it work with my Amazon Echo?', [], index).unknownNames).toEqual(['Amazon Echo']);
    expect(planQuery('where is the Team Inbox?', [], index).unknownNames).toEqual([]);
  });
  it('answers a question typed in Title Case as it answers the same question in lower case', () => {
    const index = new ChunkIndex();
    index.add({
      id: 'email',
      title: 'Your email address',
      headings: '',
      description: '',
      body: 'To update the email address of your account, open your profile.',
    });
    for (const question of ['how do I change my email address?', 'How Do I Change My Email Address']) {
      const plan = planQuery(question, [], index);
      expect([question, plan.unknownNames, rankChunks(plan, index, 1)[0]?.relevant]).toEqual([
        question,
        [],
        true,
      ]);
    }
  });

  it('takes capitalised words opening a question for a name, unless the first is a function word', () => {
    const index = new ChunkIndex();
    index.add({ id: 'app', title: '', headings: '', description: '', body: 'The app shows a watch face.' });
    expect(planQuery('Garmin Watch: is there an app?', [], index).unknownNames).toEqual(['Garmin Watch']);
    expect(planQuery('What Apps are there?', [], index).unknownNames).toEqual([]);
  });

  it('joins two words into one only when nothing but spaces stands between them', () => {
    const index = new ChunkIndex();
    index.add({ id: 'login', title: '', headings: '', description: '', body: 'The login page, the log.' });
    expect(planQuery('where do I download the log? In admin?', [], index).terms.has('login')).toBe(false);
    expect(planQuery('where do I download the log in admin?', [], index).terms.has('login')).toBe(true);
  });

  it('still judges a word joined with its neighbour where the question uses it alone', () => {
    const index = new ChunkIndex();
    const doc = (id: string, body: string) =>
      index.add({ id, title: '', headings: '', description: '', body });
    doc('login', 'Open the login page.');
    doc('audit', 'See every change in the audit log.');
    const plan = planQuery('How do I log in and see the audit log?', [], index);
    expect([...plan.judged].sort()).toEqual(['audit', 'log', 'see']);
    expect(plan.terms.get('login')).toBe(1);
  });

  it('takes a follow-up written as two words the corpus joins for a follow-up, as with other words', () => {
    const index = new ChunkIndex();
    index.add({
      id: 'mobile',
      title: '',
      headings: '',
      description: '',
      body: 'On your phone, the login screen lets you sign on; the log lists devices.',
    });
    const history = ['how do I reset my password?'];
    expect(planQuery('can I sign on from my phone?', history, index).followUp).toBe(true);
    expect(planQuery('can I log in from my phone?', history, index).followUp).toBe(true);
  });
});
