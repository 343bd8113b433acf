import type { Citation as BedrockCitation } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import {
  anchorSpan,
  mapCitation,
  mapCitations,
  mapReference,
  titleFromUri,
} from '../../../shared/chat/citations.ts';

const answer = 'Open Settings to reset your password. You will get an email within five minutes.';
const first = 'Open Settings to reset your password.';
const second = 'You will get an email within five minutes.';

function bedrockCitation(
  text: string,
  start: number,
  end: number,
  uri = 's3://docs/account/reset-password.md',
): BedrockCitation {
  return {
    generatedResponsePart: { textResponsePart: { text, span: { start, end } } },
    retrievedReferences: [
      {
        content: { type: 'TEXT', text: `To reset your password, ${text}` },
        location: { type: 'S3', s3Location: { uri } },
        metadata: { 'x-amz-bedrock-kb-source-uri': uri, title: 'Reset your password' },
      },
    ],
  };
}

describe('mapCitations', () => {
  it('maps spans, text and references to the public contract', () => {
    const start = answer.indexOf(second);
    const mapped = mapCitations(answer, [
      bedrockCitation(first, 0, first.length),
      bedrockCitation(second, start, answer.length),
    ]);
    expect(mapped).toEqual([
      {
        start: 0,
        end: first.length,
        text: first,
        references: [
          {
            sourceUri: 's3://docs/account/reset-password.md',
            title: 'Reset your password',
            excerpt: `To reset your password, ${first}`,
          },
        ],
      },
      {
        start,
        end: answer.length,
        text: second,
        references: [
          {
            sourceUri: 's3://docs/account/reset-password.md',
            title: 'Reset your password',
            excerpt: `To reset your password, ${second}`,
          },
        ],
      },
    ]);
  });

  it('treats an inclusive span end the same as an exclusive one', () => {
    const [mapped] = mapCitations(answer, [bedrockCitation(first, 0, first.length - 1)]);
    expect(answer.slice(mapped?.start, mapped?.end)).toBe(first);
  });

  it('re-anchors a span that is off by a few characters', () => {
    const start = answer.indexOf(second);
    const [mapped] = mapCitations(answer, [bedrockCitation(second, start - 3, start + second.length - 3)]);
    expect(mapped).toMatchObject({ start, end: start + second.length, text: second });
  });

  it('drops citations without references and de-duplicates identical references', () => {
    const citation = bedrockCitation(first, 0, first.length);
    const doubled: BedrockCitation = {
      ...citation,
      retrievedReferences: [...(citation.retrievedReferences ?? []), ...(citation.retrievedReferences ?? [])],
    };
    const mapped = mapCitations(answer, [
      doubled,
      { generatedResponsePart: citation.generatedResponsePart, retrievedReferences: [] },
    ]);
    expect(mapped).toHaveLength(1);
    expect(mapped[0]?.references).toHaveLength(1);
  });

  it('reads the source from web and Confluence locations and falls back to the metadata uri', () => {
    const base = bedrockCitation(first, 0, first.length);
    const ref = base.retrievedReferences?.[0];
    const withLocation = (location: object, metadata: Record<string, string> = {}) =>
      mapCitations(answer, [{ ...base, retrievedReferences: [{ ...ref, location, metadata } as never] }])[0]
        ?.references[0];
    expect(withLocation({ type: 'WEB', webLocation: { url: 'https://example.com/a' } })?.sourceUri).toBe(
      'https://example.com/a',
    );
    expect(
      withLocation({ type: 'CONFLUENCE', confluenceLocation: { url: 'https://x.atlassian.net/wiki/p/1' } })
        ?.sourceUri,
    ).toBe('https://x.atlassian.net/wiki/p/1');
    expect(
      withLocation({ type: 'S3' }, { 'x-amz-bedrock-kb-source-uri': 's3://b/faq/refunds.md' }),
    ).toMatchObject({
      sourceUri: 's3://b/faq/refunds.md',
      title: 'Refunds',
    });
  });

  it('shortens long excerpts at a word boundary', () => {
    const base = bedrockCitation(first, 0, first.length);
    const long = 'word '.repeat(400);
    const [mapped] = mapCitations(answer, [
      {
        ...base,
        retrievedReferences: [{ ...base.retrievedReferences?.[0], content: { type: 'TEXT', text: long } }],
      },
    ]);
    const excerpt = mapped?.references[0]?.excerpt ?? '';
    expect(excerpt.length).toBeLessThanOrEqual(601);
    expect(excerpt.endsWith('word…')).toBe(true);
  });

  it('returns no citations for a no-answer reply', () => {
    expect(mapCitations('Sorry, I am unable to assist you with this request.', undefined)).toEqual([]);
  });
});

describe('span end rules', () => {
  const withoutText = (start: number, end: number): BedrockCitation => {
    const citation = bedrockCitation(first, start, end);
    return { ...citation, generatedResponsePart: { textResponsePart: { span: { start, end } } } };
  };

  it('reads a RetrieveAndGenerate span without its text as ending inclusive', () => {
    const [mapped] = mapCitations(answer, [withoutText(0, first.length - 1)], 'inclusive');
    expect(mapped).toMatchObject({ start: 0, end: first.length, text: first });
  });

  it('reads a streamed span without its text as ending exclusive', () => {
    const mapped = mapCitation(answer, withoutText(0, first.length));
    expect(mapped).toMatchObject({ start: 0, end: first.length, text: first });
  });

  it('places a repeated text at its occurrence nearest a span that ran past the answer', () => {
    const repeated = 'Yes. It is. Yes.';
    const [mapped] = mapCitations(repeated, [bedrockCitation('Yes.', 15, 19)], 'inclusive');
    expect(mapped).toMatchObject({ start: 12, end: 16, text: 'Yes.' });
  });
});

describe('anchorSpan', () => {
  it('clamps a span without text to the answer', () => {
    expect(anchorSpan('short', '', 2, 99)).toEqual({ start: 2, end: 5, text: 'ort' });
  });
});

describe('mapReference', () => {
  const content = { type: 'TEXT' as const, text: 'A passage.' };

  it('names a structured source by its query and a drive document by its url', () => {
    const query = 'SELECT plan FROM accounts WHERE id = 7';
    expect(mapReference({ content, location: { type: 'SQL', sqlLocation: { query } } })).toMatchObject({
      sourceUri: query,
      title: 'SQL query',
    });
    const url = 'https://drive.example.com/docs/refund-policy.docx';
    expect(
      mapReference({ content, location: { type: 'ONEDRIVE', oneDriveLocation: { url } } }),
    ).toMatchObject({ sourceUri: url, title: 'Refund policy' });
    expect(
      mapReference({ content, location: { type: 'GOOGLEDRIVE', googleDriveLocation: { url } } }).sourceUri,
    ).toBe(url);
  });

  it('carries the public url from the metadata next to the S3 source', () => {
    const location = { type: 'S3' as const, s3Location: { uri: 's3://b/billing/refunds.md' } };
    const metadata = { title: 'Refunds', url: 'https://help.example.com/billing/refunds' };
    expect(mapReference({ content, location, metadata })).toEqual({
      sourceUri: 's3://b/billing/refunds.md',
      title: 'Refunds',
      url: 'https://help.example.com/billing/refunds',
      excerpt: 'A passage.',
    });
  });

  it('uses the page url of a Confluence location as its public url', () => {
    const url = 'https://x.atlassian.net/wiki/spaces/SUP/pages/1';
    const reference = mapReference({
      content,
      location: { type: 'CONFLUENCE', confluenceLocation: { url } },
    });
    expect(reference).toMatchObject({ sourceUri: url, url });
  });

  it('passes on only http and https urls, never a script, data or relative address', () => {
    const location = { type: 'S3' as const, s3Location: { uri: 's3://b/a.md' } };
    for (const refused of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'ftp://files.example.com/a',
      '/billing/refunds',
      'help.example.com/a',
      '',
    ]) {
      expect(mapReference({ content, location, metadata: { url: refused } }), refused).not.toHaveProperty(
        'url',
      );
    }
    expect(mapReference({ content, location, metadata: { url: ['https://a.example'] } })).not.toHaveProperty(
      'url',
    );
    expect(
      mapReference({
        content,
        location: { type: 'CONFLUENCE', confluenceLocation: { url: 'javascript:x' } },
      }),
    ).not.toHaveProperty('url');
    expect(mapReference({ content, location, metadata: { url: 'HTTP://help.example.com/a' } }).url).toBe(
      'http://help.example.com/a',
    );
  });

  it('keeps the score a Retrieve result carries, above 1 too', () => {
    const location = { type: 'S3' as const, s3Location: { uri: 's3://b/a.md' } };
    expect(mapReference({ content, location, score: 1.397601 }).score).toBe(1.397601);
  });
});

describe('titleFromUri', () => {
  it('humanises the file name', () => {
    expect(titleFromUri('s3://bucket/billing/change-your-plan.md')).toBe('Change your plan');
    expect(titleFromUri('unknown')).toBeUndefined();
  });
});
