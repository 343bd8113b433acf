import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestAll, KnowledgeBase } from '../../../local/bedrock-emulator/knowledge-base.ts';
import { SearchIndex } from '../../../local/bedrock-emulator/search-index.ts';
import {
  articleOf,
  classicOffTopicQuestions,
  codaCorpusFolder,
  followUps,
  knownOffTopicMisses,
  offTopicFollowUps,
  offTopicQuestions,
  onTopicQuestions,
} from './coda-questions.ts';
import { sampleFollowUps, sampleOffTopicQuestions, sampleOnTopicQuestions } from './sample-kb-questions.ts';

const SAMPLE_KB = join(import.meta.dirname, '../../../local/sample-kb');
const sampleKbPresent = existsSync(SAMPLE_KB) && readdirSync(SAMPLE_KB).length > 0;

async function ingestFolder(folder: string, bucketName = 'docs'): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName }]);
  await ingestAll([kb]);
  return kb;
}

const fileOf = (uri: string | undefined) => uri?.split('/').pop() ?? '';

describe('ingestion', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lantern-kb-'));
    await mkdir(join(folder, 'billing'));
    await mkdir(join(folder, '.git'));
    await writeFile(
      join(folder, 'billing', 'refunds.md'),
      '# Refund policy\n\nAnnual plans are refunded within 30 days.\n',
    );
    await writeFile(
      join(folder, 'webhooks.html'),
      '<title>Webhooks</title><p>Webhooks retry failed deliveries for 24 hours.</p>',
    );
    await writeFile(
      join(folder, 'shortcuts.txt'),
      'Keyboard shortcuts\n\nPress J to move to the next conversation.\n',
    );
    await writeFile(join(folder, 'logo.png'), 'not a document');
    await writeFile(join(folder, '.git', 'notes.md'), '# Hidden\n\nNever indexed.');
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('reads Markdown, HTML and text recursively into s3://bucket/<relative path> documents', async () => {
    const progress: { done: number; total: number; file: string }[] = [];
    const kb = new KnowledgeBase('KB', [
      { dataSourceId: 'DS', type: 'S3', folder, bucketName: 'lantern-docs' },
    ]);
    const result = await ingestAll([kb], (p) => progress.push(p));
    expect(result).toEqual({ documents: 3, chunks: 3 });
    expect(progress).toEqual([
      { done: 1, total: 3, file: 'billing/refunds.md' },
      { done: 2, total: 3, file: 'shortcuts.txt' },
      { done: 3, total: 3, file: 'webhooks.html' },
    ]);
    const [hit] = kb.retrieve({ text: 'How long do webhooks retry?' }, 1);
    expect(hit?.chunk).toMatchObject({
      sourceUri: 's3://lantern-docs/webhooks.html',
      title: 'Webhooks',
      text: 'Webhooks retry failed deliveries for 24 hours.',
      dataSourceId: 'DS',
    });
    expect(kb.retrieve({ text: 'refund annual plan' }, 1)[0]?.chunk.title).toBe('Refund policy');
    expect(kb.retrieve({ text: 'next conversation shortcut' }, 1)[0]?.chunk.title).toBe('Keyboard shortcuts');
  });

  it('re-ingests incrementally: changed documents replace their chunks, deleted ones leave', async () => {
    const kb = await ingestFolder(folder);
    const before = kb.retrieve({ text: 'refund annual plan' }, 1)[0]?.chunk.id;
    await writeFile(
      join(folder, 'billing', 'refunds.md'),
      '# Refund policy\n\nMonthly plans are never refunded.\n',
    );
    await rm(join(folder, 'shortcuts.txt'));
    const result = await ingestAll([kb]);
    expect(result).toEqual({ documents: 2, chunks: 2 });
    const after = kb.retrieve({ text: 'refund monthly plan' }, 1)[0]?.chunk;
    expect(after?.text).toBe('Refund policy\nMonthly plans are never refunded.');
    expect(after?.id).toBe(before);
    expect(kb.retrieve({ text: 'next conversation shortcut' }, 5)).toEqual([]);
  });
});

describe('small and empty folders', () => {
  it('ingests an empty folder and answers nothing, without failing', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lantern-empty-'));
    try {
      const kb = new KnowledgeBase('KB', [{ dataSourceId: 'DS', type: 'S3', folder, bucketName: 'b' }]);
      expect(await ingestAll([kb])).toEqual({ documents: 0, chunks: 0 });
      for (const text of ['How do I reset my password?', '', '???', 'it']) {
        expect(kb.retrieve({ text, history: ['How do I star a doc?'] }, 5)).toEqual([]);
        // With no documents, document frequencies are all 0: weights must stay usable numbers.
        const weights = [...kb.termWeights({ text, history: ['How do I star a doc?'] }).values()];
        expect(weights.length).toBeGreaterThan(0);
        expect(weights.filter((weight) => !(Number.isFinite(weight) && weight > 0))).toEqual([]);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('answers from a folder with a single short file, and declines what it does not cover', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lantern-one-'));
    try {
      await writeFile(
        join(folder, 'reset.md'),
        '# Reset your password\n\n1. Click Forgot password.\n2. Open the email.\n',
      );
      const kb = await ingestFolder(folder);
      const [hit] = kb.retrieve({ text: 'I forgot my pasword' }, 5);
      expect(hit?.chunk.title).toBe('Reset your password');
      expect(hit?.relevant).toBe(true);
      expect(kb.retrieve({ text: "What's the weather in Paris?" }, 5).some((r) => r.relevant)).toBe(false);
      await writeFile(join(folder, 'empty.md'), '');
      await writeFile(join(folder, 'only-heading.md'), '# Just a heading\n');
      // The empty file is skipped (see test/kb/emulator-ingestion.test.ts), the heading is a document.
      await expect(ingestAll([kb])).resolves.toMatchObject({ documents: 2 });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('typo correction', () => {
  const index = new SearchIndex();
  index.add({
    id: '1',
    title: 'Passwords',
    text: 'Delete your subscription and reset the password. Shows leaving dialog.',
  });

  it('corrects one slip of the keyboard in a word the corpus lacks', () => {
    expect(index.correct('subscripton')).toBe('subscript');
    expect(index.correct('pasdword')).toBe('password');
    expect(index.correct('delet')).toBe('delet');
    expect(index.correct('passowrd')).toBe('password');
  });

  it('leaves real words that are one letter from a known one alone', () => {
    expect(index.correct('leaking')).toBeUndefined();
    expect(index.correct('shoes')).toBeUndefined();
    expect(index.correct('resel')).toBeUndefined();
  });
});

describe('search index', () => {
  const scores = (index: SearchIndex, terms: string[]) =>
    Object.fromEntries(index.search(new Map(terms.map((t) => [t, 1])), 10).map((hit) => [hit.id, hit.score]));

  it('ranks by BM25 with title matches boosted, best first, at most `limit` hits', () => {
    const index = new SearchIndex();
    index.add({ id: 'text', title: 'Other', text: 'Invoices are sent monthly.' });
    index.add({ id: 'title', title: 'Invoices', text: 'They are sent monthly.' });
    index.add({ id: 'none', title: 'Passwords', text: 'Reset your password.' });
    const hits = index.search(new Map([['invoic', 1]]), 10);
    expect(hits.map((hit) => hit.id)).toEqual(['title', 'text']);
    expect(index.search(new Map([['invoic', 1]]), 1).map((hit) => hit.id)).toEqual(['title']);
  });

  it('keeps the order chunks were added in among equal scores', () => {
    const index = new SearchIndex();
    for (const id of ['b', 'a', 'c']) index.add({ id, title: '', text: 'Export the table.' });
    expect(index.search(new Map([['export', 1]]), 10).map((hit) => hit.id)).toEqual(['b', 'a', 'c']);
  });

  it('forgets removed chunks, and scores as if they had never been added', () => {
    const index = new SearchIndex();
    index.add({ id: 'x', title: 'Exports', text: 'Export a table to CSV.' });
    index.add({ id: 'y', title: 'Imports', text: 'Import a CSV file, then export it again.' });
    index.add({ id: 'z', title: 'Tables', text: 'A table holds rows.' });
    index.remove('y');
    const fresh = new SearchIndex();
    fresh.add({ id: 'x', title: 'Exports', text: 'Export a table to CSV.' });
    fresh.add({ id: 'z', title: 'Tables', text: 'A table holds rows.' });
    const after = scores(index, ['export', 'csv', 'tabl']);
    const expected = scores(fresh, ['export', 'csv', 'tabl']);
    expect(Object.keys(after)).toEqual(Object.keys(expected));
    for (const [id, score] of Object.entries(expected)) expect(after[id]).toBeCloseTo(score, 10);
    expect(index.isKnown('import')).toBe(false);
    expect(index.termsOf('y').size).toBe(0);

    index.add({ id: 'y', title: 'Imports', text: 'Import a spreadsheet.' });
    expect(index.search(new Map([['csv', 1]]), 10).map((hit) => hit.id)).toEqual(['x']);
    expect(index.search(new Map([['spreadsheet', 1]]), 10).map((hit) => hit.id)).toEqual(['y']);
  });
});

describe('retrieval over coda-help', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await ingestFolder(codaCorpusFolder, 'coda-help');
  });

  it('cites the right file for at least 88 % of customer questions, and the right article for 95 %', () => {
    let rightFile = 0;
    let rightArticle = 0;
    for (const { question, expected } of onTopicQuestions) {
      const [top] = kb.retrieve({ text: question }, 5);
      const file = fileOf(top?.chunk.sourceUri);
      if (top?.relevant && expected.includes(file)) rightFile += 1;
      if (top?.relevant && expected.some((e) => articleOf(e) === articleOf(file))) rightArticle += 1;
    }
    expect(rightFile / onTopicQuestions.length).toBeGreaterThanOrEqual(0.88);
    expect(rightArticle / onTopicQuestions.length).toBeGreaterThanOrEqual(0.95);
  });

  it('declines every off-topic question (but the known misses)', () => {
    const answered = offTopicQuestions.filter((q) => kb.retrieve({ text: q }, 5).some((r) => r.relevant));
    expect(answered.filter((q) => !knownOffTopicMisses.includes(q))).toEqual([]);
  });

  it('retrieves follow-ups in the context of the earlier question', () => {
    for (const { turns, expected } of followUps) {
      const [top] = kb.retrieve({ text: turns.at(-1) ?? '', history: turns.slice(0, -1) }, 5);
      expect({ turns, file: fileOf(top?.chunk.sourceUri), relevant: top?.relevant }).toEqual({
        turns,
        file: expect.toSatisfy((f: string) => expected.includes(f)),
        relevant: true,
      });
    }
  });

  it('retrieves a second turn that changes the subject on its own, not with the first topic', () => {
    const cases: [string[], string[]][] = [
      [
        ['How do I install a Pack?', 'How do I cancel my plan?'],
        ['section_4.md', 'section_5.md'],
      ],
      [['How do I import Airtable into a new doc?', 'How do I star a doc?'], ['section_1.md']],
      [['How do I star a doc?', 'ok and how do I get rid of it later?'], ['section_1.md']],
      [['Can I import my Airtable base into Coda?', 'why is it taking forever?'], ['section_42.md']],
    ];
    for (const [turns, expected] of cases) {
      const [top] = kb.retrieve({ text: turns.at(-1) ?? '', history: turns.slice(0, -1) }, 5);
      expect({ turns, file: fileOf(top?.chunk.sourceUri), relevant: top?.relevant }).toEqual({
        turns,
        file: expect.toSatisfy((f: string) => expected.includes(f)),
        relevant: true,
      });
    }
  });

  it('does not let an earlier on-topic question carry an off-topic follow-up', () => {
    for (const { turns } of offTopicFollowUps) {
      const results = kb.retrieve({ text: turns.at(-1) ?? '', history: turns.slice(0, -1) }, 5);
      expect({ turns, relevant: results.some((r) => r.relevant) }).toEqual({ turns, relevant: false });
    }
  });

  it('reads synonyms, phrases, typos and "un-" words the way the help center writes them', () => {
    const top = (text: string) => fileOf(kb.retrieve({ text }, 5)[0]?.chunk.sourceUri);
    expect(top('how do i favorite a doc')).toBe('section_1.md');
    expect(top('uninstall a pack')).toBe('section_36.md');
    expect(top('intall a pack from the gallery')).toBe('section_34.md');
    const weights = kb.termWeights({ text: 'how to unstar a doc' });
    expect(weights.conceptOf?.get('star')).toBe('star');
    expect(weights.conceptOf?.get('remov')).toBe('remov');
    expect(weights.wantsSteps).toBe(true);
  });

  it('returns at most numberOfResults, best first, with scores between 0 and 1', () => {
    const results = kb.retrieve({ text: 'custom icons' }, 3);
    expect(results).toHaveLength(3);
    const scores = results.map((r) => r.score);
    for (const score of scores) expect(score).toBeGreaterThan(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
    expect(scores[0]).toBe(1);
  });
});

describe.skipIf(!sampleKbPresent)('retrieval over the sample knowledge base', () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await ingestFolder(SAMPLE_KB);
  });

  it('declines every off-topic question there too', () => {
    const questions = [...classicOffTopicQuestions, ...sampleOffTopicQuestions];
    const answered = questions.filter((q) => kb.retrieve({ text: q }, 5).some((r) => r.relevant));
    expect(answered).toEqual([]);
  });

  it('finds the right article for at least 90 % of customer questions', () => {
    const right = sampleOnTopicQuestions.filter(({ question, expected }) => {
      const [top] = kb.retrieve({ text: question }, 5);
      return top?.relevant && expected.includes(top.chunk.sourceUri.replace('s3://docs/', ''));
    });
    expect(right.length / sampleOnTopicQuestions.length).toBeGreaterThanOrEqual(0.9);
  });

  it('retrieves follow-ups in context, and a new subject on its own', () => {
    for (const { turns, expected } of sampleFollowUps) {
      const [top] = kb.retrieve({ text: turns.at(-1) ?? '', history: turns.slice(0, -1) }, 5);
      expect({ turns, file: top?.chunk.sourceUri.replace('s3://docs/', '') }).toEqual({
        turns,
        file: expect.toSatisfy((f: string) => expected.includes(f)),
      });
    }
  });
});
