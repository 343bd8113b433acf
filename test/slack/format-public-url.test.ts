import { describe, expect, it } from 'vitest';
import type { Citation } from '../../shared/chat/types.ts';
import { formatSources, sourcesOf } from '../../shared/slack/format.ts';

const cited = (references: Citation['references']): Citation => ({ start: 0, end: 1, text: 'a', references });

describe('sources with a public url', () => {
  it("links the title to the document's public url rather than the one derived from its S3 key", () => {
    const sources = sourcesOf(
      [
        cited([
          {
            sourceUri: 's3://docs/billing/refunds.md',
            title: 'Refunds',
            url: 'https://help.example.com/billing/refunds',
            excerpt: '…',
          },
          { sourceUri: 's3://docs/billing/plans.md', title: 'Plans', excerpt: '…' },
        ]),
      ],
      { sourceBaseUrl: 'https://files.example.com' },
    );
    expect(sources).toEqual([
      { title: 'Refunds', url: 'https://help.example.com/billing/refunds' },
      { title: 'Plans', url: 'https://files.example.com/billing/plans.md' },
    ]);
    expect(formatSources(sources)).toBe(
      '*Sources*\n• <https://help.example.com/billing/refunds|Refunds>\n• <https://files.example.com/billing/plans.md|Plans>',
    );
  });

  it('links to the public url even without a base url for S3 sources', () => {
    const sources = sourcesOf([
      cited([{ sourceUri: 's3://docs/a.md', title: 'A', url: 'https://help.example.com/a', excerpt: '…' }]),
    ]);
    expect(sources).toEqual([{ title: 'A', url: 'https://help.example.com/a' }]);
  });
});
