import { describe, expect, it } from 'vitest';
import { analyze } from '../../../local/bedrock-emulator/analyzer.ts';
import {
  type AnswerPart,
  collectAnswer,
  generateAnswer,
  MAX_CHARS,
  type QueryWeights,
} from '../../../local/bedrock-emulator/generator.ts';
import { splitSentences } from '../../../local/bedrock-emulator/ingestion/sentences.ts';

const NO_ANSWER = 'Sorry, I am unable to assist you with this request.';

/** Every question word weighs 1: enough to test selection and spans without corpus statistics. */
const weightsFor = (question: string) => new Map(analyze(question).map((term) => [term, 1]));

const packArticle = [
  'Remove a Pack',
  'If you no longer wish to use a Pack you can remove it from your doc. Any building blocks that are used within the doc will break once the Pack is removed.',
  'To remove a Pack:',
  '1. Click the Insert button in the upper right of the doc.',
  '2. In the side panel click on the Packs menu item.',
  '3. Click on the Pack you want to remove.',
  'FAQs',
  'What access is granted to a Pack when I install it?',
  'Installing a Pack does not give it access to your account.',
].join('\n');

const resetArticle = [
  'Reset your password',
  'If you forgot your password, you can set a new one in a couple of minutes.',
  'Reset a forgotten password',
  '1. Go to the sign-in page and click Forgot password?.',
  '2. Enter the email address you use to sign in and click Send reset link.',
  '3. Open the email titled "Reset your password" and click Choose a new password.',
  '4. Enter your new password twice and click Save password.',
  'The reset link is valid for 60 minutes.',
].join('\n');

const iconArticle = [
  'Remove custom icons',
  'Makers can delete custom icons from the workspace library. Click the trash can icon to remove the icon.',
].join('\n');

function answer(question: string, passages: string[], weights: QueryWeights = weightsFor(question)) {
  const parts = [
    ...generateAnswer({
      queryWeights: weights,
      passages: passages.map((text, i) => ({ text, reference: `ref-${i}` })),
      noAnswerText: NO_ANSWER,
    }),
  ];
  return { parts, ...collectAnswer(parts) };
}

describe('generateAnswer', () => {
  it('answers with 2 to 4 consecutive sentences from the best passage', () => {
    const { text, citations } = answer('How do I remove a Pack from my doc?', [packArticle]);
    const sentences = splitSentences(text);
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    expect(sentences.length).toBeLessThanOrEqual(4);
    expect(text).toContain('If you no longer wish to use a Pack you can remove it from your doc.');
    expect(citations).toHaveLength(1);
    expect(citations[0]?.references).toEqual(['ref-0']);
  });

  it('reports end-exclusive spans that slice the answer to the cited text', () => {
    for (const question of [
      'How do I remove a Pack?',
      'Can I delete a custom icon?',
      'What access does a Pack get?',
    ]) {
      const { text, citations } = answer(question, [packArticle, iconArticle]);
      expect(citations.length).toBeGreaterThan(0);
      for (const citation of citations) {
        expect(text.slice(citation.span.start, citation.span.end)).toBe(citation.text);
      }
    }
  });

  it('quotes each cited sentence verbatim from the passage it cites', () => {
    const passages = [packArticle, iconArticle];
    const { citations } = answer('How do I remove a Pack or a custom icon?', passages);
    for (const citation of citations) {
      const source = passages[Number(String(citation.references[0]).slice(4))] ?? '';
      for (const sentence of splitSentences(citation.text)) expect(source).toContain(sentence.text);
    }
  });

  it('does not answer with headings or FAQ questions, only with the sentences under them', () => {
    const { text } = answer('What access is granted to a Pack when I install it?', [packArticle]);
    expect(text).not.toContain('What access is granted');
    expect(text).toContain('Installing a Pack does not give it access to your account.');
  });

  it('keeps a numbered step list together after its lead-in', () => {
    const { text } = answer('Steps to remove a Pack', [
      'To remove a Pack from your doc:\n1. Click the Insert button.\n2. Click the Packs menu item.\n3. Click Remove.',
    ]);
    expect(text).toBe(
      'To remove a Pack from your doc:\n1. Click the Insert button.\n2. Click the Packs menu item.\n3. Click Remove.',
    );
  });

  it('adds a second source only when it covers something the first did not', () => {
    const both = answer('How do I remove a Pack and a custom icon?', [packArticle, iconArticle]);
    expect(both.citations.map((c) => c.references[0])).toEqual(['ref-0', 'ref-1']);
    const one = answer('How do I remove a Pack?', [packArticle, iconArticle]);
    expect(one.citations.map((c) => c.references[0])).toEqual(['ref-0']);
  });

  it('caps the answer length', () => {
    const long = Array.from(
      { length: 12 },
      (_, i) => `Packs sentence ${i} ${'filler '.repeat(20)}ends here.`,
    ).join(' ');
    const { text } = answer('packs', [long]);
    expect(text.length).toBeLessThanOrEqual(MAX_CHARS);
  });

  it('yields text before the citation that covers it, so a stream can emit parts in order', () => {
    const { parts } = answer('How do I remove a Pack?', [packArticle]);
    const kinds = parts.map((p: AnswerPart<string>) => p.type);
    expect(kinds.at(-1)).toBe('citation');
    expect(kinds.indexOf('text')).toBe(0);
  });

  it('says the no-answer text, without citations, when there is nothing to answer from', () => {
    expect(answer('How do I remove a Pack?', [])).toMatchObject({ text: NO_ANSWER, citations: [] });
    expect(answer('weather tomorrow', [packArticle])).toMatchObject({ text: NO_ANSWER, citations: [] });
  });

  it('answers from the start of a procedure, not from the step that matched best', () => {
    const { text, citations } = answer('How do I reset my password?', [resetArticle]);
    expect(text).toBe(
      [
        '1. Go to the sign-in page and click Forgot password?.',
        '2. Enter the email address you use to sign in and click Send reset link.',
        '3. Open the email titled "Reset your password" and click Choose a new password.',
        '4. Enter your new password twice and click Save password.',
      ].join('\n'),
    );
    expect(citations).toHaveLength(1);
  });

  it('starts a procedure at its lead-in when it has one', () => {
    const { text } = answer('How do I remove a Pack?', [packArticle]);
    expect(text.startsWith('To remove a Pack:\n1. Click the Insert button')).toBe(true);
    expect(text).toContain('3. Click on the Pack you want to remove.');
  });

  it('gives a long procedure its first steps, then the most relevant one as a citation of its own', () => {
    const filler = 'and then read the explanation on the screen carefully before going on';
    const steps = Array.from({ length: 12 }, (_, i) => `${i + 1}. Open panel ${i + 1} ${filler}.`);
    steps[10] = '11. Click Export to download the archive.';
    const passage = [
      'Export your data',
      'To export everything:',
      ...steps,
      'Exports are kept for a week.',
    ].join('\n');
    const { text, citations } = answer('export download archive', [passage]);
    expect(text.length).toBeLessThanOrEqual(MAX_CHARS);
    expect(text.startsWith('To export everything:\n1. Open panel 1')).toBe(true);
    expect(text.endsWith('\n11. Click Export to download the archive.')).toBe(true);
    expect(text).not.toContain('10. Open panel 10');
    expect(citations.length).toBeGreaterThan(1);
    for (const citation of citations) {
      expect(citation.references).toEqual(['ref-0']);
      expect(text.slice(citation.span.start, citation.span.end)).toBe(citation.text);
      expect(passage).toContain(citation.text);
    }
  });

  it('keeps nested steps indented, and answers with the steps when the question asks how', () => {
    const passage = [
      'AI column',
      'You can use an AI column to fill every cell of a column with generated content.',
      '1. Press the Add column button.',
      '2. Choose where AI fills content:',
      '  1. To fill one cell, press the AI button in the cell.',
      '  2. To fill all cells, choose the AI column type.',
      '3. Select Fill.',
    ].join('\n');
    const weights: QueryWeights = Object.assign(weightsFor('fill column AI'), { wantsSteps: true });
    const { text } = answer('fill column AI', [passage], weights);
    expect(text).toBe(passage.split('\n').slice(1).join('\n'));
  });

  it('does not open on a sentence that leans on the one before it', () => {
    const passage = [
      'Starred docs',
      'Starring docs saves them to your own My Shortcuts list. It does not change the view for others in your workspace.',
    ].join('\n');
    const { text } = answer('does starring change the view for others', [passage]);
    expect(text.startsWith('Starring docs saves them')).toBe(true);
  });

  it('cites a second document that answers nearly as well, with its own citation', () => {
    const roles = 'Roles\n- Viewer: Viewers can read conversations, but they cannot reply to customers.';
    const pricing = 'Pricing\nViewers can read conversations for free on the Team plan.';
    const { text, citations } = answer('what can viewers read', [roles, pricing]);
    expect(citations.map((c) => c.references[0])).toEqual(['ref-0', 'ref-1']);
    expect(text).toContain('\n\nViewers can read conversations for free on the Team plan.');
  });

  it('does not pad the answer with a weakly related second document', () => {
    const format = 'Format text\nSelect a value and use the menu to bold or underline it.';
    const editing = 'Editing\nValues in a generated column are not editable directly.';
    const { citations } = answer('bold a value', [format, editing]);
    expect(citations.map((c) => c.references[0])).toEqual(['ref-0']);
  });
});
