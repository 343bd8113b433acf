import { describe, expect, it } from 'vitest';
import type { ChatAnswer, Citation } from '../../shared/chat/types.ts';
import {
  escapeMrkdwn,
  formatSlackAnswer,
  formatSourceLink,
  formatSources,
  linkFor,
  MAX_BLOCK_TEXT,
  sourcesBlock,
  sourcesOf,
} from '../../shared/slack/format.ts';

const citation = (text: string, ...references: { sourceUri: string; title?: string }[]): Citation => ({
  start: 0,
  end: text.length,
  text,
  references: references.map((r) => ({ ...r, excerpt: '…' })),
});

const answer = (overrides: Partial<ChatAnswer>): ChatAnswer => ({
  sessionId: 's',
  messageId: 'm',
  answer: '',
  citations: [],
  guardrail: { action: 'NONE' },
  ...overrides,
});

describe('escapeMrkdwn', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('a & b <@U123> <!here> > c *bold* _it_ `code`')).toBe(
      'a &amp; b &lt;@U123&gt; &lt;!here&gt; &gt; c *bold* _it_ `code`',
    );
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });
});

describe('sources', () => {
  it('lists each cited source once, in the order first cited, with a readable title', () => {
    const sources = sourcesOf([
      citation(
        'a',
        { sourceUri: 'https://help.example/a', title: 'Article A' },
        { sourceUri: 's3://docs/b/beta-test.md' },
      ),
      citation(
        'b',
        { sourceUri: 'https://help.example/a', title: 'Article A' },
        { sourceUri: 'https://help.example/c' },
      ),
    ]);
    expect(sources).toEqual([
      { title: 'Article A', url: 'https://help.example/a' },
      { title: 'Beta test' },
      { title: 'C', url: 'https://help.example/c' },
    ]);
  });

  it('links s3 sources only under a configured base URL', () => {
    expect(linkFor('s3://lantern-documents/account/reset your password.md')).toBeUndefined();
    expect(linkFor('s3://lantern-documents/account/reset your password.md', 'https://help.example/kb')).toBe(
      'https://help.example/kb/account/reset%20your%20password.md',
    );
    expect(linkFor('HTTPS://help.example/x?a=1&b=2', 'https://ignored.example/')).toBe(
      'HTTPS://help.example/x?a=1&b=2',
    );
    expect(linkFor('confluence-page-123')).toBeUndefined();
  });

  it('leaves out the sources that do not fit in one Block Kit text, saying how many', () => {
    const sources = Array.from({ length: 80 }, (_, i) => ({
      title: `Article ${i}`,
      url: `https://help.example/${String(i).padStart(3, '0')}/${'x'.repeat(40)}`,
    }));
    const text = formatSources(sources) ?? '';
    expect(text.length).toBeLessThanOrEqual(MAX_BLOCK_TEXT);
    const lines = text.split('\n');
    const listed = lines.filter((line) => line.startsWith('• '));
    expect(lines[0]).toBe('*Sources*');
    expect(listed).toEqual(sources.slice(0, listed.length).map((s) => `• ${formatSourceLink(s)}`));
    expect(lines.at(-1)).toBe(`_…and ${80 - listed.length} more_`);
    // As many as fit: one more source and the note would not.
    expect(
      text.length + formatSourceLink(sources[listed.length] as (typeof sources)[0]).length + 3,
    ).toBeGreaterThan(MAX_BLOCK_TEXT);
    // A list that fits is whole, without a note.
    const few = formatSources(sources.slice(0, 5)) ?? '';
    expect(few.split('\n')).toHaveLength(6);
    expect(few).not.toContain('more_');
  });

  it('writes <url|title> links with the URL and the title escaped', () => {
    expect(formatSourceLink({ title: 'Plans & <pricing>', url: 'https://help.example/a?x=1&y=2|3' })).toBe(
      '<https://help.example/a?x=1&amp;y=2%7C3|Plans &amp; &lt;pricing&gt;>',
    );
    expect(formatSourceLink({ title: 'No <link>' })).toBe('No &lt;link&gt;');
  });
});

describe('formatSlackAnswer', () => {
  it('escapes the answer and appends the sources as <url|title> links', () => {
    const formatted = formatSlackAnswer(
      answer({
        answer: 'Use <Settings> & then *Security*.\n',
        citations: [
          citation('Use', { sourceUri: 'https://help.example/2fa', title: 'Two-factor authentication' }),
        ],
      }),
    );
    expect(formatted).toEqual({
      body: 'Use &lt;Settings&gt; &amp; then *Security*.',
      sources: '*Sources*\n• <https://help.example/2fa|Two-factor authentication>',
      text: 'Use &lt;Settings&gt; &amp; then *Security*.\n\n*Sources*\n• <https://help.example/2fa|Two-factor authentication>',
    });
    expect(sourcesBlock(formatted.sources ?? '')).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: formatted.sources }],
    });
  });

  it('posts the no-answer reply without a sources section', () => {
    expect(
      formatSlackAnswer(answer({ answer: 'Sorry, I am unable to assist you with this request.' })),
    ).toEqual({
      body: 'Sorry, I am unable to assist you with this request.',
      text: 'Sorry, I am unable to assist you with this request.',
    });
  });

  it("shows the guardrail's message, without sources, when the guardrail intervened", () => {
    const formatted = formatSlackAnswer(
      answer({
        answer: 'Sorry, I cannot help with that.',
        citations: [citation('x', { sourceUri: 'https://help.example/x', title: 'X' })],
        guardrail: { action: 'INTERVENED' },
      }),
    );
    expect(formatted).toEqual({
      body: 'Sorry, I cannot help with that.',
      text: 'Sorry, I cannot help with that.',
    });
  });

  it('maps s3 sources through the base URL when one is configured', () => {
    const formatted = formatSlackAnswer(
      answer({
        answer: 'Yes.',
        citations: [citation('Yes.', { sourceUri: 's3://b/billing/refund-policy.md' })],
      }),
      { sourceBaseUrl: 'https://help.example/' },
    );
    expect(formatted.sources).toBe(
      '*Sources*\n• <https://help.example/billing/refund-policy.md|Refund policy>',
    );
  });
});
