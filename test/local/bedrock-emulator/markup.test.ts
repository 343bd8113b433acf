import { describe, expect, it } from 'vitest';
import { htmlToDocumentText } from '../../../local/bedrock-emulator/ingestion/html-text.ts';
import { markdownToDocumentText } from '../../../local/bedrock-emulator/ingestion/markdown-text.ts';
import { plainTextToDocumentText } from '../../../local/bedrock-emulator/ingestion/plain-text.ts';
import { chooseTitle, humanizeFileName, titleOf } from '../../../local/bedrock-emulator/ingestion/title.ts';

describe('markdownToDocumentText', () => {
  it('strips markup to one block per line, keeping link text and dropping images', () => {
    const text = markdownToDocumentText(
      [
        '# Install a Pack',
        '',
        'Packs are **installed** into [individual docs](https://x.example). Install one per doc.',
        '',
        '![demo.gif](https://img.example/demo.gif)To start, use the *slash* menu.',
        '',
        '1. Open the `Insert` panel',
        '2. Click **Packs** &amp; search',
        '',
        '* Private packs',
        '* Tips & tricks',
        '',
        '| Plan | Price |',
        '| --- | --- |',
        '| Pro | $10 |',
      ].join('\n'),
    );
    expect(text.lines).toEqual([
      'Install a Pack',
      'Packs are installed into individual docs. Install one per doc.',
      'To start, use the slash menu.',
      '1. Open the Insert panel',
      '2. Click Packs & search',
      '- Private packs',
      '- Tips & tricks',
      'Plan | Price',
      'Pro | $10',
    ]);
    expect(text.heading).toBe('Install a Pack');
  });

  it('numbers the items of loose ordered lists on the same line as their text', () => {
    const text = markdownToDocumentText('1. First step.\n\n2. Second step.\n');
    expect(text.lines).toEqual(['1. First step.', '2. Second step.']);
  });

  it('reads setext headings made of bold text as the heading', () => {
    const text = markdownToDocumentText(
      '**Star your docs**\n==================\n\nTo star a doc, click the star.\n',
    );
    expect(text.heading).toBe('Star your docs');
    expect(text.lines).toEqual(['Star your docs', 'To star a doc, click the star.']);
  });

  it('reports an all-bold opening line as a label', () => {
    const text = markdownToDocumentText('**Remove custom icons**\n\nMakers can delete custom icons.\n');
    expect(text.heading).toBeUndefined();
    expect(text.leadingLabel).toBe('Remove custom icons');
  });

  it('indents nested list items and the later blocks of an item, so procedures keep their shape', () => {
    const text = markdownToDocumentText(
      [
        '1. Choose how to connect:',
        '   - Gmail: sign in with Google',
        '   - Other: enter the server names',
        '2. Click **Packs**  ',
        '   Alternatively use the search box.',
        '3. Click Save.',
      ].join('\n'),
    );
    expect(text.lines).toEqual([
      '1. Choose how to connect:',
      '  - Gmail: sign in with Google',
      '  - Other: enter the server names',
      '2. Click Packs',
      '  Alternatively use the search box.',
      '3. Click Save.',
    ]);
  });

  it('drops a table of contents (in-page links) with its heading, and the colon of a heading', () => {
    const text = markdownToDocumentText(
      [
        'Packs add building blocks to a doc.',
        '',
        '### Within this article you will find...',
        '',
        '* [Install a Pack](#h_1)',
        '* [Remove a Pack](#h_2)',
        '',
        '## In a doc:',
        '',
        '* Click **Insert**',
        '* See [the gallery](https://coda.io/gallery)',
      ].join('\n'),
    );
    expect(text.lines).toEqual([
      'Packs add building blocks to a doc.',
      'In a doc',
      '- Click Insert',
      '- See the gallery',
    ]);
  });

  it('keeps text, drops scripts and styles, and finds <title> and <h1>', () => {
    const text = htmlToDocumentText(
      '<html><head><title>Billing | Help</title><style>p{}</style></head><body>' +
        '<h1>Change your plan</h1><script>alert(1)</script><p>Go to <b>Settings</b> &rarr; Billing.<br>Then pick a plan.</p>' +
        '<ol start="3"><li>Third</li><li><p>Fourth</p></li></ol><table><tr><th>A</th><th>B</th></tr></table></body></html>',
    );
    expect(text.titleElement).toBe('Billing | Help');
    expect(text.heading).toBe('Change your plan');
    expect(text.lines).toEqual([
      'Change your plan',
      'Go to Settings → Billing.',
      'Then pick a plan.',
      '3. Third',
      '4. Fourth',
      'A | B',
    ]);
  });

  it('keeps preformatted lines', () => {
    expect(htmlToDocumentText('<pre>line one\n  line two</pre>').lines).toEqual(['line one', '  line two']);
  });
});

describe('plainTextToDocumentText', () => {
  it('joins wrapped lines, splits paragraphs and list items, and spots a title line', () => {
    const text = plainTextToDocumentText(
      'Refund policy\n\nWe refund annual plans\nwithin 30 days.\n\n- Monthly plans: no refunds\n- Annual plans: prorated\n',
    );
    expect(text.lines).toEqual([
      'Refund policy',
      'We refund annual plans within 30 days.',
      '- Monthly plans: no refunds',
      '- Annual plans: prorated',
    ]);
    expect(text.leadingLabel).toBe('Refund policy');
  });
});

describe('chooseTitle', () => {
  it('prefers the top-level heading', () => {
    expect(chooseTitle({ lines: ['x'], heading: 'H1', titleElement: 'T', leadingLabel: 'L' }, 'a.md')).toBe(
      'H1',
    );
  });

  it('falls back to <title>, then an opening bold line or heading', () => {
    expect(chooseTitle({ lines: ['x'], titleElement: 'T', leadingLabel: 'L' }, 'a.md')).toBe('T');
    expect(chooseTitle({ lines: ['L', 'x'], leadingLabel: 'L' }, 'a.md')).toBe('L');
  });

  it('then uses the first sentence, shortened at a word boundary when long', () => {
    expect(chooseTitle({ lines: ['Not all docs are used the same way. More text.'] }, 'a.md')).toBe(
      'Not all docs are used the same way',
    );
    const long = chooseTitle(
      {
        lines: [
          'We understand that the features of the paid plans may not be necessary for everyone at all.',
        ],
      },
      'a.md',
    );
    expect(long).toBe('We understand that the features of the paid plans may not be necessary for…');
  });

  it('says when the title is only the first sentence, which retrieval does not boost', () => {
    expect(titleOf({ lines: ['Not all docs are used the same way. More.'] }, 'a.md')).toEqual({
      title: 'Not all docs are used the same way',
      fromFirstSentence: true,
    });
    expect(titleOf({ lines: ['x'], heading: 'Star your docs' }, 'a.md')).toEqual({
      title: 'Star your docs',
      fromFirstSentence: false,
    });
  });

  it('finally humanises the file name', () => {
    expect(chooseTitle({ lines: [] }, 'billing/refund_policy.md')).toBe('Refund policy');
    expect(humanizeFileName('docs/getting-started.html')).toBe('Getting started');
    expect(humanizeFileName('section_12.md')).toBe('Section 12');
  });
});
