import { describe, expect, it } from 'vitest';
import { toVerdict } from '../../../shared/aws/bedrock-guardrail.ts';

const input = 'My address is 1 Main Street.';

describe('toVerdict', () => {
  it('lets a masked question through as its masked text: intervened is not blocked', () => {
    const verdict = toVerdict(input, {
      action: 'GUARDRAIL_INTERVENED',
      outputs: [{ text: 'My address is {ADDRESS}.' }],
      assessments: [
        {
          sensitiveInformationPolicy: {
            piiEntities: [{ action: 'ANONYMIZED', detected: true, match: '1 Main Street', type: 'ADDRESS' }],
            regexes: [],
          },
        },
      ],
    });
    expect(verdict).toEqual({
      action: 'INTERVENED',
      blocked: false,
      text: 'My address is {ADDRESS}.',
      policies: ['sensitiveInformationPolicy'],
    });
  });

  it('counts no policy for the idle entries a FULL-scope response lists', () => {
    const verdict = toVerdict(input, {
      action: 'GUARDRAIL_INTERVENED',
      outputs: [{ text: 'Sorry.' }],
      assessments: [
        {
          contentPolicy: { filters: [{ type: 'HATE', confidence: 'NONE', action: 'NONE', detected: false }] },
          topicPolicy: { topics: [{ name: 'Investing', type: 'DENY', action: 'BLOCKED', detected: true }] },
        },
      ],
    });
    expect(verdict).toEqual({
      action: 'INTERVENED',
      blocked: true,
      text: 'Sorry.',
      policies: ['topicPolicy'],
    });
  });

  it('passes the question on unchanged when the guardrail took no action', () => {
    expect(toVerdict(input, { action: 'NONE', outputs: [], assessments: [] })).toEqual({
      action: 'NONE',
      blocked: false,
      text: input,
      policies: [],
    });
  });
});
