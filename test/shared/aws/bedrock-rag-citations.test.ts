import type { CitationEvent } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import { citationOf } from '../../../shared/aws/bedrock-rag.ts';

const part = { textResponsePart: { text: 'Reset it in Settings.', span: { start: 0, end: 21 } } };
const references = [
  {
    content: { text: 'Settings > Password' },
    location: { type: 'S3' as const, s3Location: { uri: 's3://b/a.md' } },
  },
];

describe('citationOf', () => {
  it('reads the parts at the top level of a citation event', () => {
    const event: CitationEvent = { generatedResponsePart: part, retrievedReferences: references };
    expect(citationOf(event)).toEqual({ generatedResponsePart: part, retrievedReferences: references });
  });

  it('reads the deprecated nested citation when it is the only carrier', () => {
    const event: CitationEvent = {
      citation: { generatedResponsePart: part, retrievedReferences: references },
    };
    expect(citationOf(event)).toEqual({ generatedResponsePart: part, retrievedReferences: references });
  });

  it('prefers the top level when both carry a citation, and drops the nested copy', () => {
    const event: CitationEvent = {
      generatedResponsePart: part,
      retrievedReferences: references,
      citation: { generatedResponsePart: part, retrievedReferences: [] },
    };
    expect(citationOf(event)).toEqual({ generatedResponsePart: part, retrievedReferences: references });
  });
});
