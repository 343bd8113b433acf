import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asRecorded, type Cases, validationAnswers } from './validation-cases.ts';

const recorded = JSON.parse(
  readFileSync(join(import.meta.dirname, 'validation-messages.json'), 'utf8'),
) as Cases;

describe('every validator answers as recorded (values and error bodies alike)', async () => {
  const answers = asRecorded(await validationAnswers()) as Cases;

  it('covers the same validators and inputs as the recording', () => {
    expect(Object.keys(answers)).toEqual(Object.keys(recorded));
    for (const [group, cases] of Object.entries(recorded)) {
      expect(
        answers[group]?.map(([input]) => input),
        group,
      ).toEqual(cases.map(([input]) => input));
    }
    // Rejections are most of what is recorded: a validator that accepted everything would fail here.
    const rejections = Object.values(recorded)
      .flat()
      .filter(([, answer]) => 'error' in answer);
    expect(rejections.length).toBeGreaterThan(90);
  });

  for (const [group, cases] of Object.entries(recorded)) {
    it(group, () => {
      cases.forEach(([input, expected], i) => {
        expect(answers[group]?.[i]?.[1], `${group} #${i}: ${JSON.stringify(input).slice(0, 120)}`).toEqual(
          expected,
        );
      });
    });
  }
});
