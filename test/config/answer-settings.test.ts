import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnswerSettings,
  AnswerSettingsError,
  checkFilter,
  combineFilters,
  type FilterableAttribute,
  FilterLimitError,
  findProfile,
  parseAnswerSettings,
  type RetrievalFilter,
  readAnswerSettings,
} from '../../config/answer-settings.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';

const context = { source: 'answers.json', defaultModel: 'us.amazon.nova-lite-v1:0', today: '2026-12-07' };
const attributes: FilterableAttribute[] = [
  { name: 'tenant', type: 'string' },
  { name: 'year', type: 'number' },
  { name: 'public', type: 'boolean' },
  { name: 'tags', type: 'stringList' },
];
const tenantA = { equals: { key: 'tenant', value: 'a' } } as const;
const prompt = 'Answer from these.\n$search_results$\n$output_format_instructions$';

function parse(json: unknown): AnswerSettings {
  return parseAnswerSettings(json, context);
}

/** The message parseAnswerSettings throws for `json`; fails the test when it parses. */
function problem(json: unknown): string {
  try {
    parse(json);
  } catch (error) {
    expect(error).toBeInstanceOf(AnswerSettingsError);
    return (error as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

function withProfile(profile: Record<string, unknown>): unknown {
  return { attributes, profiles: { acme: profile } };
}

describe('parseAnswerSettings', () => {
  it('gives the deployment defaults when the file sets nothing', () => {
    expect(parse({})).toEqual({
      attributes: [],
      defaults: {
        name: 'default',
        models: ['us.amazon.nova-lite-v1:0'],
        numberOfResults: knowledgeBaseSettings.numberOfResults,
        queryDecomposition: false,
      },
      profiles: [],
    });
  });

  it('reads a full profile, taking unset fields from the defaults but never their local key', () => {
    const settings = parse({
      attributes,
      defaults: { numberOfResults: 8, inference: { temperature: 0.5 } },
      profiles: {
        acme: {
          filter: tenantA,
          models: ['us.amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0'],
          reranking: { modelId: 'cohere.rerank-v3-5:0', numberOfRerankedResults: 4 },
          queryDecomposition: true,
          generationPrompt: prompt,
          orchestrationPrompt: '$conversation_history$ $output_format_instructions$',
          usagePlan: { rateLimit: 10, burstLimit: 20, monthlyQuota: 1000 },
          localApiKey: 'acme-local-key-000000000',
        },
      },
    });
    expect(settings.profiles).toEqual([
      {
        name: 'acme',
        filter: tenantA,
        models: ['us.amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0'],
        numberOfResults: 8,
        reranking: { modelId: 'cohere.rerank-v3-5:0', numberOfRerankedResults: 4 },
        queryDecomposition: true,
        generationPrompt: prompt,
        orchestrationPrompt: '$conversation_history$ $output_format_instructions$',
        inference: { temperature: 0.5 },
        usagePlan: { rateLimit: 10, burstLimit: 20, monthlyQuota: 1000 },
        localApiKey: 'acme-local-key-000000000',
      },
    ]);
    expect(findProfile(settings, 'acme')?.name).toBe('acme');
    expect(findProfile(settings, 'default')).toBe(settings.defaults);
    expect(findProfile(settings, 'gone')).toBeUndefined();
  });

  it('accepts the example file', () => {
    const settings = readAnswerSettings(
      new URL('../../config/answer-settings.example.json', import.meta.url).pathname,
      {
        defaultModel: context.defaultModel,
        today: context.today,
      },
    );
    expect(settings.profiles.map((profile) => profile.name)).toEqual(['acme', 'globex']);
    expect(settings.profiles[0]?.reranking).toBeDefined();
    expect(settings.profiles[0]?.generationPrompt).toContain('$search_results$');
    expect(settings.profiles[0]?.filter).not.toEqual(settings.profiles[1]?.filter);
  });

  it.each([
    ['an unknown top-level member', { extra: 1 }, 'answers.json: $: unknown member(s): extra'],
    ['an unknown profile member', withProfile({ prompt: 'x' }), 'profiles.acme: unknown member(s): prompt'],
    [
      'a local key in the defaults',
      { defaults: { localApiKey: 'x'.repeat(20) } },
      'defaults: unknown member(s): localApiKey',
    ],
    [
      'an unknown attribute member',
      { attributes: [{ name: 'tenant', type: 'string', filterable: true }] },
      'attributes[0]: unknown member(s): filterable',
    ],
    [
      'a reserved attribute name',
      { attributes: [{ name: 'x-amz-bedrock-kb-source-uri', type: 'string' }] },
      'attributes[0].name: "x-amz-bedrock-kb-source-uri" uses the prefix x-amz-bedrock-kb-',
    ],
    [
      'an attribute name Bedrock refuses',
      { attributes: [{ name: 'has space', type: 'string' }] },
      'attributes[0].name: "has space" is not a metadata key',
    ],
    [
      'an attribute name over 100 characters',
      { attributes: [{ name: 'a'.repeat(101), type: 'string' }] },
      'attributes[0].name: must be at most 100 characters',
    ],
    [
      'an attribute declared twice',
      { attributes: [attributes[0], attributes[0]] },
      'attributes[1].name: "tenant" is declared twice',
    ],
    [
      'an unknown attribute type',
      { attributes: [{ name: 'tenant', type: 'date' }] },
      'attributes[0].type: must be one of string, number, boolean, stringList',
    ],
    [
      'a profile filter on an undeclared attribute',
      withProfile({ filter: { equals: { key: 'team', value: 'a' } } }),
      'profiles.acme.filter.equals.key: "team" is not a declared filterable attribute (declared: tenant, year, public, tags)',
    ],
    [
      'listContains on a string attribute',
      withProfile({ filter: { listContains: { key: 'tenant', value: 'a' } } }),
      'profiles.acme.filter.listContains: listContains does not apply to tenant, a string attribute',
    ],
    [
      'greaterThan on a string attribute',
      withProfile({ filter: { greaterThan: { key: 'tenant', value: 'a' } } }),
      'greaterThan does not apply to tenant, a string attribute (greaterThan takes number attributes)',
    ],
    [
      'startsWith on a list attribute',
      withProfile({ filter: { startsWith: { key: 'tags', value: 'a' } } }),
      'startsWith does not apply to tags, a stringList attribute',
    ],
    [
      'stringContains on a number attribute',
      withProfile({ filter: { stringContains: { key: 'year', value: '20' } } }),
      'stringContains does not apply to year, a number attribute (stringContains takes string or stringList attributes)',
    ],
    [
      'a value of the wrong type',
      withProfile({ filter: { equals: { key: 'year', value: '2024' } } }),
      'profiles.acme.filter.equals.value: must be a number, not the string "2024"',
    ],
    [
      'in with a single value instead of a list',
      withProfile({ filter: { in: { key: 'tenant', value: 'a' } } }),
      'profiles.acme.filter.in.value: must be a non-empty list of strings',
    ],
    [
      'notIn with a member of the wrong type',
      withProfile({ filter: { notIn: { key: 'year', value: [2024, '2025'] } } }),
      'profiles.acme.filter.notIn.value[1]: must be a number',
    ],
    [
      'two operators in one object',
      withProfile({ filter: { ...tenantA, notEquals: { key: 'tenant', value: 'b' } } }),
      'profiles.acme.filter: must hold exactly one operator, found equals, notEquals',
    ],
    [
      'an unknown operator',
      withProfile({ filter: { like: { key: 'tenant', value: 'a' } } }),
      'profiles.acme.filter: unknown operator(s): like',
    ],
    [
      'an andAll with one member',
      withProfile({ filter: { andAll: [tenantA] } }),
      'profiles.acme.filter.andAll: must hold 2 to 5 filters (holds 1)',
    ],
    [
      'an orAll with six members',
      withProfile({ filter: { orAll: Array.from({ length: 6 }, () => tenantA) } }),
      'profiles.acme.filter.orAll: must hold 2 to 5 filters (holds 6)',
    ],
    [
      'a filter nested three levels deep',
      withProfile({ filter: { andAll: [tenantA, { orAll: [tenantA, { andAll: [tenantA, tenantA] }] }] } }),
      'profiles.acme.filter.andAll[1].orAll[1].andAll: is nested deeper than Bedrock allows',
    ],
    [
      'a model without facts',
      withProfile({ models: ['meta.llama9-v1:0'] }),
      'profiles.acme.models[0]: meta.llama9-v1:0 is not a model config/bedrock-models.json has facts for',
    ],
    [
      'a model past its end of life',
      withProfile({ models: ['anthropic.claude-3-5-haiku-20241022-v1:0'] }),
      'profiles.acme.models[0]: anthropic.claude-3-5-haiku-20241022-v1:0 (Anthropic Claude 3.5 Haiku) is past its end of life (2026-06-19)',
    ],
    [
      'an embedding model as a generation model',
      withProfile({ models: ['amazon.titan-embed-text-v2:0'] }),
      'is not a knowledge-base generation model',
    ],
    ['an empty model list', withProfile({ models: [] }), 'profiles.acme.models: must be a non-empty list'],
    [
      'a generation prompt without its placeholders',
      withProfile({ generationPrompt: 'Be nice. $search_results$' }),
      'profiles.acme.generationPrompt: is missing the placeholder(s) $output_format_instructions$',
    ],
    [
      'a generation prompt over 4000 characters',
      withProfile({ generationPrompt: `${prompt}${'x'.repeat(4000)}` }),
      'profiles.acme.generationPrompt: must be at most 4000 characters',
    ],
    [
      'an orchestration prompt without the conversation',
      withProfile({ orchestrationPrompt: '$output_format_instructions$' }),
      'profiles.acme.orchestrationPrompt: is missing the placeholder(s) $conversation_history$',
    ],
    [
      'a reranking model that does not rerank',
      withProfile({ reranking: { modelId: 'amazon.nova-lite-v1:0' } }),
      'profiles.acme.reranking.modelId: amazon.nova-lite-v1:0 is not a Bedrock rerank model (known: amazon.rerank-v1:0, cohere.rerank-v3-5:0)',
    ],
    [
      'more reranked results than retrieved ones',
      withProfile({
        numberOfResults: 3,
        reranking: { modelId: 'amazon.rerank-v1:0', numberOfRerankedResults: 4 },
      }),
      'profiles.acme.reranking.numberOfRerankedResults: must be at most numberOfResults (3), is 4',
    ],
    [
      'a number of results over 100',
      withProfile({ numberOfResults: 101 }),
      'profiles.acme.numberOfResults: must be from 1 to 100',
    ],
    [
      'a temperature over 1',
      withProfile({ inference: { temperature: 1.5 } }),
      'profiles.acme.inference.temperature',
    ],
    [
      'five stop sequences',
      withProfile({ inference: { stopSequences: ['a', 'b', 'c', 'd', 'e'] } }),
      'profiles.acme.inference.stopSequences: must be a list of at most 4 strings',
    ],
    [
      'a usage plan without a burst',
      withProfile({ usagePlan: { rateLimit: 1 } }),
      'profiles.acme.usagePlan.burstLimit: is required',
    ],
    [
      'a local key too short for API Gateway',
      withProfile({ localApiKey: 'short' }),
      'profiles.acme.localApiKey: must be 20-128 letters',
    ],
    [
      'two profiles with one local key',
      {
        profiles: {
          acme: { localApiKey: 'same-local-key-000000000' },
          globex: { localApiKey: 'same-local-key-000000000' },
        },
      },
      'profiles.globex.localApiKey: is also the localApiKey of profile acme',
    ],
    ['a profile called default', { profiles: { default: {} } }, 'profiles.default: "default" is reserved'],
    ['a profile name with capitals', { profiles: { Acme: {} } }, 'profiles.Acme: a profile name is'],
  ])('refuses %s, naming it', (_name, json, message) => {
    const text = problem(json);
    expect(text.startsWith('answers.json: ')).toBe(true);
    expect(text).toContain(message);
  });

  it('names the file that cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'answer-settings-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "profiles": ');
    expect(() => readAnswerSettings(broken, context)).toThrowError(`${broken}: is not valid JSON`);
    expect(() => readAnswerSettings(join(dir, 'missing.json'), context)).toThrowError(
      `${join(dir, 'missing.json')}: cannot be read`,
    );
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify(withProfile({ models: ['nope'] })));
    expect(() => readAnswerSettings(wrong, context)).toThrowError(
      `${wrong}: profiles.acme.models[0]: nope is not`,
    );
  });
});

describe('checkFilter', () => {
  it('returns the filter it checked, holding only what the grammar knows', () => {
    const filter = {
      orAll: [
        { andAll: [tenantA, { greaterThanOrEquals: { key: 'year', value: 2024 } }] },
        { listContains: { key: 'tags', value: 'billing' } },
        { in: { key: 'tenant', value: ['a', 'b'] } },
        { equals: { key: 'public', value: true } },
      ],
    };
    expect(checkFilter(filter, attributes)).toEqual({ ok: true, filter });
  });

  it.each([
    ['not an object', 'tenant=a', 'filter: must be an object, not the string "tenant=a"'],
    ['an empty object', {}, 'filter: must hold one operator'],
    [
      'an extra member in a condition',
      { equals: { key: 'tenant', value: 'a', op: 1 } },
      'filter.equals: unknown member(s): op',
    ],
    ['a condition without its value', { equals: { key: 'tenant' } }, 'filter.equals: needs a value'],
    ['equals on a list attribute', { equals: { key: 'tags', value: 'a' } }, 'equals does not apply to tags'],
    [
      'a non-finite number',
      { lessThan: { key: 'year', value: null } },
      'filter.lessThan.value: must be a number, not null',
    ],
    ['a group that is not a list', { andAll: tenantA }, 'filter.andAll: must be a list of filters'],
  ])('refuses %s', (_name, filter, message) => {
    const result = checkFilter(filter, attributes);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toContain(message);
  });
});

describe('combineFilters', () => {
  const b = { equals: { key: 'tenant', value: 'b' } } as const;
  const year = { greaterThan: { key: 'year', value: 2000 } } as const;

  it('keeps whichever filter is there alone', () => {
    expect(combineFilters(undefined, undefined)).toBeUndefined();
    expect(combineFilters(tenantA, undefined)).toBe(tenantA);
    expect(combineFilters(undefined, b)).toBe(b);
  });

  it('merges both into one andAll', () => {
    expect(combineFilters({ andAll: [tenantA, year] }, { orAll: [b, tenantA] })).toEqual({
      andAll: [tenantA, year, { orAll: [b, tenantA] }],
    });
  });

  it('nests the two filters when their conditions do not fit one andAll', () => {
    const five = { andAll: [b, b, b, b, b] };
    expect(combineFilters({ andAll: [tenantA, year] }, five)).toEqual({
      andAll: [{ andAll: [tenantA, year] }, five],
    });
  });

  it('fails rather than drop the profile filter when nothing fits', () => {
    const deep = { andAll: [b, b, b, b, { orAll: [b, b] }] };
    expect(() => combineFilters({ orAll: [tenantA, { andAll: [year, year] }] }, deep)).toThrowError(
      FilterLimitError,
    );
  });

  it('never lets through a document the profile filter refuses, and stays within limits', () => {
    const document = fc.record({
      tenant: fc.constantFrom('a', 'b', 'c'),
      year: fc.integer({ min: 2020, max: 2026 }),
      public: fc.boolean(),
      tags: fc.subarray(['x', 'y', 'z']),
    });
    const condition: fc.Arbitrary<RetrievalFilter> = fc.oneof(
      fc.constantFrom('a', 'b', 'c').map((value) => ({ equals: { key: 'tenant', value } })),
      fc.constantFrom('a', 'b', 'c').map((value) => ({ notEquals: { key: 'tenant', value } })),
      fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((value) => ({ in: { key: 'tenant', value } })),
      fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((value) => ({ notIn: { key: 'tenant', value } })),
      fc.integer({ min: 2020, max: 2026 }).map((value) => ({ greaterThan: { key: 'year', value } })),
      fc.integer({ min: 2020, max: 2026 }).map((value) => ({ lessThanOrEquals: { key: 'year', value } })),
      fc.boolean().map((value) => ({ equals: { key: 'public', value } })),
      fc.constantFrom('x', 'y', 'z').map((value) => ({ listContains: { key: 'tags', value } })),
    );
    const group = (member: fc.Arbitrary<RetrievalFilter>): fc.Arbitrary<RetrievalFilter> =>
      fc
        .tuple(fc.boolean(), fc.array(member, { minLength: 2, maxLength: 5 }))
        .map(([and, members]) => (and ? { andAll: members } : { orAll: members }));
    const filter = fc.oneof(condition, group(condition), group(fc.oneof(condition, group(condition))));

    fc.assert(
      fc.property(filter, fc.option(filter, { nil: undefined }), document, (profile, request, doc) => {
        let combined: RetrievalFilter | undefined;
        try {
          combined = combineFilters(profile, request);
        } catch (error) {
          expect(error).toBeInstanceOf(FilterLimitError);
          return;
        }
        expect(combined).toBeDefined();
        const checked = checkFilter(combined, attributes);
        expect(checked.ok).toBe(true);
        if (!matches(profile, doc)) expect(matches(combined as RetrievalFilter, doc)).toBe(false);
        if (request !== undefined && !matches(request, doc)) {
          expect(matches(combined as RetrievalFilter, doc)).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

type Doc = Record<string, string | number | boolean | string[]>;

/** A tiny evaluator of the grammar, enough for the property above. */
function matches(filter: RetrievalFilter, doc: Doc): boolean {
  if ('andAll' in filter) return filter.andAll.every((member) => matches(member, doc));
  if ('orAll' in filter) return filter.orAll.some((member) => matches(member, doc));
  const [operator, { key, value }] = Object.entries(filter)[0] as [string, { key: string; value: unknown }];
  const actual = doc[key];
  switch (operator) {
    case 'equals':
      return actual === value;
    case 'notEquals':
      return actual !== value;
    case 'in':
      return (value as unknown[]).includes(actual);
    case 'notIn':
      return !(value as unknown[]).includes(actual);
    case 'greaterThan':
      return (actual as number) > (value as number);
    case 'lessThanOrEquals':
      return (actual as number) <= (value as number);
    case 'listContains':
      return (actual as string[]).includes(value as string);
    default:
      throw new Error(`the test evaluator does not know ${operator}`);
  }
}
