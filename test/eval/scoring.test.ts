import { describe, expect, it } from 'vitest';
import { median, percentile, percentileOf } from '../bench/stats.ts';
import type { ApiCitation } from './client.ts';
import type { EvalCase } from './dataset.ts';
import {
  type CaseAnswer,
  citedSourcesOf,
  idKindOf,
  matchesSource,
  outcomeOf,
  scoreCase,
  summarize,
} from './scoring.ts';

const NO_ANSWER = 'Sorry, I am unable to assist you with this request.';
const cite = (...uris: string[]): ApiCitation => ({
  start: 0,
  end: 4,
  text: 'Text',
  references: uris.map((sourceUri) => ({ sourceUri, excerpt: '…' })),
});
const answered = (answer: string, citations: ApiCitation[], latency = 10): CaseAnswer => ({
  ok: true,
  sessionId: 's1',
  answer,
  citations,
  guardrail: { action: 'NONE' },
  turnLatenciesMs: [latency],
});
const question = (over: Partial<EvalCase> = {}): EvalCase => ({
  id: 'q',
  turns: ['How do I star a doc?'],
  expectNoAnswer: false,
  line: 1,
  ...over,
});

describe('percentile', () => {
  it('takes the nearest rank of a sorted sample', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.95)).toBe(10);
    expect(percentile(values, 0.9)).toBe(9);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([42], 0.95)).toBe(42);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it('sorts a copy when asked', () => {
    const values = [30, 10, 20];
    expect(percentileOf(values, 0.5)).toBe(20);
    expect(median([5, 1, 3, 2, 4])).toBe(3);
    expect(values).toEqual([30, 10, 20]);
  });
});

describe('matchesSource', () => {
  it('matches an exact URI or a path suffix at a folder boundary', () => {
    expect(matchesSource('s3://docs/section_12.md', 'section_12.md')).toBe(true);
    expect(matchesSource('s3://docs/section_12.md', 's3://docs/section_12.md')).toBe(true);
    expect(matchesSource('s3://docs/billing/refund.md', 'billing/refund.md')).toBe(true);
    expect(matchesSource('s3://docs/section_12.md', 'section_2.md')).toBe(false);
    expect(matchesSource('s3://docs/section_12.md', 'docs')).toBe(false);
  });
});

describe('citedSourcesOf and outcomeOf', () => {
  it('lists distinct sources in order of first citation', () => {
    expect(citedSourcesOf([cite('s3://d/b.md', 's3://d/a.md'), cite('s3://d/a.md', 's3://d/c.md')])).toEqual([
      's3://d/b.md',
      's3://d/a.md',
      's3://d/c.md',
    ]);
  });

  it('tells answers, the no-answer reply and guardrail blocks apart', () => {
    const none = { action: 'NONE' };
    expect(outcomeOf({ answer: NO_ANSWER, citations: [], guardrail: none }, NO_ANSWER)).toBe('no-answer');
    expect(outcomeOf({ answer: NO_ANSWER, citations: [cite('x')], guardrail: none }, NO_ANSWER)).toBe(
      'answered',
    );
    expect(
      outcomeOf(
        {
          answer: 'I cannot help with that.',
          citations: [],
          guardrail: { action: 'INTERVENED', blocked: true },
        },
        NO_ANSWER,
      ),
    ).toBe('guardrail');
    expect(outcomeOf({ answer: 'Click the star.', citations: [], guardrail: none }, NO_ANSWER)).toBe(
      'answered',
    );
  });
});

describe('scoreCase', () => {
  it('passes an answer citing an expected source and scores it against the reference', () => {
    const result = scoreCase(
      question({ expectedSources: ['section_1.md'], referenceAnswer: 'Click the star icon.' }),
      answered('Click the star icon.', [cite('s3://d/section_0.md'), cite('s3://d/section_1.md')]),
      NO_ANSWER,
    );
    expect(result.pass).toBe(true);
    expect(result.scores).toEqual({
      citationHit: true,
      firstCitationHit: false,
      declined: null,
      falseNoAnswer: false,
      rougeL: 1,
      bleu: expect.closeTo(1, 10),
    });
    expect(result.citedSources).toEqual(['s3://d/section_0.md', 's3://d/section_1.md']);
    expect(result.latencyMs).toBe(10);
  });

  it('misses an answer citing other sources, and says why', () => {
    const result = scoreCase(
      question({ expectedSources: ['section_1.md'] }),
      answered('x', [cite('s3://d/section_9.md')]),
      NO_ANSWER,
    );
    expect(result.pass).toBe(false);
    expect(result.problems).toEqual(['cites none of the expected sources']);
  });

  it('misses a declined answerable question', () => {
    const result = scoreCase(
      question({ expectedSources: ['section_1.md'] }),
      answered(NO_ANSWER, []),
      NO_ANSWER,
    );
    expect(result.outcome).toBe('no-answer');
    expect(result.scores.falseNoAnswer).toBe(true);
    expect(result.problems).toEqual(['declined a question the knowledge base answers']);
  });

  it('passes a declined off-topic question, by the no-answer reply or by the guardrail', () => {
    const offTopic = question({ expectNoAnswer: true });
    expect(scoreCase(offTopic, answered(NO_ANSWER, []), NO_ANSWER).pass).toBe(true);
    const blocked: CaseAnswer = {
      ...answered('Sorry, I cannot help with that.', []),
      guardrail: { action: 'INTERVENED', blocked: true },
    } as CaseAnswer;
    expect(scoreCase(offTopic, blocked, NO_ANSWER)).toMatchObject({
      pass: true,
      outcome: 'guardrail',
      scores: { declined: true },
    });
    expect(scoreCase(offTopic, answered('Paris will be sunny.', [cite('x')]), NO_ANSWER)).toMatchObject({
      pass: false,
      problems: ['answered a question it should have declined'],
    });
  });

  it('records a failed request as an error that misses every expectation', () => {
    const result = scoreCase(
      question({ turns: ['a', 'b'], expectedSources: ['x.md'], referenceAnswer: 'r' }),
      { ok: false, error: 'POST /v1/chat answered 502: UPSTREAM_ERROR (turn 2 of 2)', turnLatenciesMs: [12] },
      NO_ANSWER,
    );
    expect(result).toMatchObject({
      outcome: 'error',
      pass: false,
      latencyMs: null,
      kind: 'follow-up',
      question: 'b',
    });
    expect(result.scores).toMatchObject({ citationHit: false, rougeL: 0, bleu: 0 });
  });
});

describe('summarize', () => {
  it('computes the rates over the cases each one applies to', () => {
    const results = [
      scoreCase(
        question({ id: 'a', expectedSources: ['a.md'], referenceAnswer: 'one two' }),
        answered('one two', [cite('s3://d/a.md')], 10),
        NO_ANSWER,
      ),
      scoreCase(
        question({ id: 'b', expectedSources: ['b.md'], referenceAnswer: 'three' }),
        answered('four', [cite('s3://d/z.md')], 20),
        NO_ANSWER,
      ),
      scoreCase(question({ id: 'c', expectedSources: ['c.md'] }), answered(NO_ANSWER, [], 30), NO_ANSWER),
      scoreCase(question({ id: 'x', expectNoAnswer: true }), answered(NO_ANSWER, [], 40), NO_ANSWER),
      scoreCase(
        question({ id: 'y', expectNoAnswer: true }),
        answered('Sure!', [cite('s3://d/q.md')], 50),
        NO_ANSWER,
      ),
      scoreCase(
        question({ id: 'e', expectedSources: ['e.md'] }),
        { ok: false, error: 'down', turnLatenciesMs: [] },
        NO_ANSWER,
      ),
    ];
    const summary = summarize(results);
    expect(summary).toMatchObject({
      cases: 6,
      byKind: { question: 4, 'follow-up': 0, 'no-answer': 2 },
      passed: 2,
      missed: 4,
      errors: 1,
      citationHitRate: 1 / 4,
      withExpectedSources: 4,
      noAnswerAccuracy: 1 / 2,
      expectNoAnswer: 2,
      falseNoAnswerRate: 1 / 3,
      answerable: 3,
      withReference: 2,
      latencyMs: { p50: 30, p95: 50, max: 50 },
      guardrailInterventions: 0,
    });
    expect(summary.rougeL).toBeCloseTo(0.5, 10);
  });

  it('groups cases by the kind their ids name, beside the totals', () => {
    const hit = answered('yes', [cite('s3://d/a.md')]);
    const summary = summarize([
      scoreCase(question({ id: 'kb-q01', expectedSources: ['a.md'] }), hit, NO_ANSWER),
      scoreCase(question({ id: 'kb-p01', expectedSources: ['b.md'] }), hit, NO_ANSWER),
      scoreCase(question({ id: 'kb-p02', expectedSources: ['a.md'] }), hit, NO_ANSWER),
      scoreCase(question({ id: 'kb-n01', expectNoAnswer: true }), answered(NO_ANSWER, []), NO_ANSWER),
    ]);
    expect(summary.byIdKind).toEqual({
      direct: { cases: 1, passed: 1 },
      paraphrase: { cases: 2, passed: 1 },
      'no-answer': { cases: 1, passed: 1 },
    });
    expect(summarize([scoreCase(question({ id: 'a' }), hit, NO_ANSWER)]).byIdKind).toBeUndefined();
  });

  it('reports null rates when no case applies', () => {
    const summary = summarize([scoreCase(question(), answered('hello', []), NO_ANSWER)]);
    expect(summary).toMatchObject({
      citationHitRate: null,
      noAnswerAccuracy: null,
      rougeL: null,
      bleu: null,
    });
  });
});

describe('idKindOf', () => {
  it('reads the kind letter of ids shaped <name>-<q|p|f|n><NN>, and nothing from other ids', () => {
    expect(['help-q01', 'help-p12', 'a-b-f03', 'x-n9', 'kb-x04', 'q01', 'help-q'].map(idKindOf)).toEqual([
      'direct',
      'paraphrase',
      'follow-up',
      'no-answer',
      undefined,
      undefined,
      undefined,
    ]);
  });
});
