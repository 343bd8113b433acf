import { describe, expect, it } from 'vitest';
import { guardrailPolicy } from '../../../../config/guardrail.ts';
import {
  buildTopicModel,
  scoreTopic,
  TOPIC_THRESHOLD,
} from '../../../../local/bedrock-emulator/guardrail/topics.ts';

const [investmentAdvice] = guardrailPolicy.topicPolicyConfig.topicsConfig;
const model = buildTopicModel(investmentAdvice);

describe('denied topic scoring', () => {
  it('weighs the topic words: name words most, recurring words more, everyday words less', () => {
    expect(model.terms.get('invest')).toBe(2.25);
    expect(model.terms.get('stock')).toBe(1.5);
    expect(model.terms.get('bitcoin')).toBe(1);
    expect(model.terms.get('price')).toBe(0.5);
    // Numbers and single letters from "401(k)" and "S&P 500" are not topic words.
    for (const noise of ['401', 'k', 's', 'p', '500']) expect(model.terms.has(noise)).toBe(false);
  });

  it.each([
    'Should I buy Tesla stock now?',
    'Which stocks would you recommend for a beginner?',
    'How should I invest $10,000?',
    'Is now a good time to sell my Apple shares?',
    'Will gold prices rise next year?',
  ])('puts %j on the topic', (text) => {
    const score = scoreTopic(model, text);
    expect(score.detected).toBe(true);
    expect(score.score).toBeGreaterThanOrEqual(TOPIC_THRESHOLD);
  });

  it.each([
    ['invests time, not money', 'How do I invest time in setting up workflows?'],
    ['names a product', 'Does our Investment plan tier include SSO?'],
    ['has one topic word only', 'Can I add the stock ticker widget?'],
    ['has everyday words only', 'Should I buy more seats now or next month?'],
    ['shares a report', 'Should I share the report with the client now?'],
    ['asks for a recommendation about the product', 'Can you recommend a good plan for my team?'],
  ])('keeps a question that %s off the topic', (_why, text) => {
    expect(scoreTopic(model, text).detected).toBe(false);
  });

  it('reports the topic terms it matched', () => {
    expect([...scoreTopic(model, 'Is Bitcoin a good investment?').matched].sort()).toEqual([
      'bitcoin',
      'good',
      'invest',
    ]);
  });
});
