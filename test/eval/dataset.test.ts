import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, kindOf, loadDataset, parseDataset } from './dataset.ts';

const lines = (...values: unknown[]) =>
  values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');

describe('parseDataset', () => {
  it('reads questions, multi-turn cases and no-answer cases, skipping blank lines', () => {
    const cases = parseDataset(
      lines(
        {
          id: 'q1',
          question: 'How do I star a doc?',
          expectedSources: ['section_1.md'],
          referenceAnswer: 'Click the star.',
        },
        '',
        { id: 'f1', turns: ['How do I add a Pack?', 'and remove it?'], expectedSources: ['section_36.md'] },
        { id: 'x1', question: 'Weather in Paris?', expectNoAnswer: true },
      ),
      'set.jsonl',
    );
    expect(cases).toEqual([
      {
        id: 'q1',
        turns: ['How do I star a doc?'],
        expectedSources: ['section_1.md'],
        referenceAnswer: 'Click the star.',
        expectNoAnswer: false,
        line: 1,
      },
      {
        id: 'f1',
        turns: ['How do I add a Pack?', 'and remove it?'],
        expectedSources: ['section_36.md'],
        expectNoAnswer: false,
        line: 3,
      },
      { id: 'x1', turns: ['Weather in Paris?'], expectNoAnswer: true, line: 4 },
    ]);
    expect(cases.map(kindOf)).toEqual(['question', 'follow-up', 'no-answer']);
  });

  it.each([
    ['{"id":"a","question":"hi"', 'set.jsonl:2: not valid JSON'],
    ['["id","question"]', 'set.jsonl:2: must be a JSON object'],
    ['{"question":"hi"}', 'set.jsonl:2: "id" is required'],
    ['{"id":"a"}', 'set.jsonl:2: needs exactly one of "question" and "turns"'],
    ['{"id":"a","question":"hi","turns":["hi"]}', 'set.jsonl:2: needs exactly one of "question" and "turns"'],
    ['{"id":"a","turns":[]}', 'set.jsonl:2: "turns" must hold at least one message'],
    ['{"id":"a","turns":["ok",""]}', 'set.jsonl:2: "turns.1" must not be empty'],
    [
      `{"id":"a","question":"${'x'.repeat(1001)}"}`,
      'set.jsonl:2: "question" must be at most 1000 characters',
    ],
    [
      '{"id":"a","question":"hi","expectedSource":["a.md"]}',
      'set.jsonl:2: Unrecognized key: "expectedSource"',
    ],
    [
      '{"id":"a","question":"hi","expectedSources":"a.md"}',
      'set.jsonl:2: "expectedSources" must be an array',
    ],
    [
      '{"id":"a","question":"hi","expectNoAnswer":"yes"}',
      'set.jsonl:2: "expectNoAnswer" must be true or false',
    ],
    [
      '{"id":"a","question":"hi","expectNoAnswer":true,"expectedSources":["a.md"]}',
      'set.jsonl:2: "expectNoAnswer": true cannot be combined',
    ],
    ['{"id":"first","question":"again"}', 'set.jsonl:2: id "first" is already used on line 1'],
  ])('rejects %s with an error naming the line', (bad, message) => {
    const text = lines({ id: 'first', question: 'fine' }, bad);
    expect(() => parseDataset(text, 'set.jsonl')).toThrow(DatasetError);
    expect(() => parseDataset(text, 'set.jsonl')).toThrow(message);
  });

  it('rejects an empty dataset', () => {
    expect(() => parseDataset('\n\n', 'empty.jsonl')).toThrow('empty.jsonl: the dataset holds no cases');
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadDataset('/nonexistent/set.jsonl')).toThrow('cannot read dataset /nonexistent/set.jsonl');
  });
});

describe('the shipped datasets', () => {
  const dir = join(import.meta.dirname, 'datasets');
  it.each(readdirSync(dir).filter((f) => f.endsWith('.jsonl')))(
    '%s is valid and covers every kind of case',
    (file) => {
      const cases = loadDataset(join(dir, file));
      const kinds = new Set(cases.map(kindOf));
      expect([...kinds].sort()).toEqual(['follow-up', 'no-answer', 'question']);
      expect(cases.filter((c) => c.referenceAnswer).length).toBeGreaterThanOrEqual(15);
    },
  );
});
