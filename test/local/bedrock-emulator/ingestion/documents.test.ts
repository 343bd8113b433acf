import { describe, expect, it } from 'vitest';
import { documentFromText } from '../../../../local/bedrock-emulator/ingestion/documents.ts';
import { chunkSections } from '../../../../local/bedrock-emulator/ingestion/sections.ts';
import { parseSidecar } from '../../../../local/bedrock-emulator/ingestion/sidecar.ts';

describe('ingestion', () => {
  it('reads YAML front matter as metadata, its title as the title, and none of it as text', () => {
    const doc = documentFromText(
      'a.md',
      '---\ntitle: Export data\ndescription: Get a copy\ntags: [csv, json]\n---\nBody text.\n',
    );
    expect(doc).toMatchObject({
      title: 'Export data',
      text: 'Body text.',
      metadata: { title: 'Export data', description: 'Get a copy', tags: ['csv', 'json'] },
    });
  });

  it('reads TOML front matter, and lets the sidecar win over it', () => {
    const doc = documentFromText('a.md', '+++\ntitle = "Old"\nlevel = 2\n+++\nBody.\n', { title: 'New' });
    expect(doc).toMatchObject({ title: 'New', text: 'Body.', metadata: { title: 'New', level: 2 } });
  });

  it('reads plain and typed sidecar attributes, and refuses one without metadataAttributes', () => {
    expect(
      parseSidecar(
        '{"metadataAttributes": {"a": "x", "b": {"value": {"type": "NUMBER", "numberValue": 3}}}}',
      ),
    ).toEqual({ a: 'x', b: 3 });
    expect(() => parseSidecar('{"other": 1}')).toThrow(/metadataAttributes/);
  });

  it('reduces template tags, MDX modules, macros and callouts to the text a reader sees', () => {
    const doc = documentFromText(
      'a.md',
      [
        "import Tabs from '@theme/Tabs';",
        '{% include "note.html" %}Open **Settings**{{ site.name }}.',
        '{start_tabs}',
        '{!fragment.md!}',
        '1. Open the menu.',
        '2. {!contact-us.md!}',
        ':::tip Careful',
        'Save first.',
        ':::',
        '!!! warning ""',
        '',
        '    Back up your data.',
        '',
        '<Note>Only owners can do this.</Note>',
      ].join('\n'),
    );
    expect(doc.text).toBe(
      'Open Settings.\n1. Open the menu.\nSave first.\nBack up your data.\nOnly owners can do this.',
    );
  });

  it("keeps an HTML page's main content and drops its navigation and footer", () => {
    const doc = documentFromText(
      'p.html',
      '<nav>Home Pricing</nav><header>Site</header><main><h1>Shortcuts</h1><p>Press J.</p></main><footer>Legal</footer>',
    );
    expect(doc).toMatchObject({ title: 'Shortcuts', text: 'Shortcuts\nPress J.', headingLines: [0] });
  });

  it('cuts chunks along sections, each knowing the headings that open it', () => {
    const text = 'Guide\nIntro.\nInstall\nStep one.\nRemove\nStep two.';
    expect(chunkSections(text, [0, 2, 4], { maxTokens: 300, overlapPercentage: 20 })).toEqual([
      { text: 'Guide\nIntro.', headings: ['Guide'] },
      { text: 'Install\nStep one.', headings: ['Install'] },
      { text: 'Remove\nStep two.', headings: ['Remove'] },
    ]);
  });
});
