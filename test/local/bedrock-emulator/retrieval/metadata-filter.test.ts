import {
  type RetrievalFilter,
  RetrieveAndGenerateCommand,
  RetrieveAndGenerateStreamCommand,
  RetrieveCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../../local/bedrock-emulator/retrieval/metadata-filter.ts';
import { rejection } from '../../../helpers/rejection.ts';
import {
  ALL_FILES,
  KB_ID,
  type MetadataFixture,
  MODEL_ARN,
  postJson,
  startMetadataEmulator,
  uriOf,
} from '../metadata-fixture.ts';

describe('metadata filters on Retrieve and RetrieveAndGenerate', () => {
  let fixture: MetadataFixture;

  beforeAll(async () => {
    fixture = await startMetadataEmulator();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function retrievedFiles(
    filter: RetrievalFilter | undefined,
    numberOfResults = 10,
  ): Promise<string[]> {
    const response = await fixture.client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'invoice' },
        retrievalConfiguration: {
          vectorSearchConfiguration: { numberOfResults, ...(filter === undefined ? {} : { filter }) },
        },
      }),
    );
    return (response.retrievalResults ?? [])
      .map((result) => result.location?.s3Location?.uri?.split('/').pop() ?? '')
      .sort();
  }

  it('reaches every document without a filter', async () => {
    expect(await retrievedFiles(undefined)).toEqual(ALL_FILES);
  });

  it('applies each comparison operator to front matter, plain and typed sidecar attributes', async () => {
    const cases: [RetrievalFilter, string[]][] = [
      [{ equals: { key: 'product', value: 'alpha' } }, ['alpha-invoices.md']],
      [{ equals: { key: 'product', value: 'gamma' } }, ['gamma-exports.md']],
      [{ equals: { key: 'year', value: 2024 } }, ['beta-invoices.md']],
      [{ equals: { key: 'published', value: false } }, ['gamma-exports.md']],
      [
        { notEquals: { key: 'product', value: 'alpha' } },
        ['beta-invoices.md', 'gamma-exports.md', 'untagged-note.md'],
      ],
      [{ greaterThan: { key: 'year', value: 2023 } }, ['beta-invoices.md', 'gamma-exports.md']],
      [{ greaterThanOrEquals: { key: 'year', value: 2024 } }, ['beta-invoices.md', 'gamma-exports.md']],
      [{ lessThan: { key: 'year', value: 2024 } }, ['alpha-invoices.md']],
      [{ lessThanOrEquals: { key: 'year', value: 2024 } }, ['alpha-invoices.md', 'beta-invoices.md']],
      [{ in: { key: 'product', value: ['alpha', 'gamma'] } }, ['alpha-invoices.md', 'gamma-exports.md']],
      [
        { notIn: { key: 'product', value: ['alpha'] } },
        ['beta-invoices.md', 'gamma-exports.md', 'untagged-note.md'],
      ],
      [{ startsWith: { key: 'product', value: 'gam' } }, ['gamma-exports.md']],
      [{ listContains: { key: 'tags', value: 'billing' } }, ['alpha-invoices.md', 'beta-invoices.md']],
      [{ stringContains: { key: 'product', value: 'lph' } }, ['alpha-invoices.md']],
      [{ stringContains: { key: 'tags', value: 'report' } }, ['gamma-exports.md']],
    ];
    for (const [filter, files] of cases) {
      expect([filter, await retrievedFiles(filter)]).toEqual([filter, files]);
    }
  });

  it('matches no document on a missing key, except with notEquals and notIn', async () => {
    expect(await retrievedFiles({ equals: { key: 'audience', value: 'admin' } })).toEqual([
      'alpha-invoices.md',
    ]);
    expect(await retrievedFiles({ equals: { key: 'region', value: 'eu' } })).toEqual([]);
    expect(await retrievedFiles({ greaterThan: { key: 'region', value: 1 } })).toEqual([]);
    expect(await retrievedFiles({ notEquals: { key: 'audience', value: 'admin' } })).toEqual([
      'beta-invoices.md',
      'gamma-exports.md',
      'untagged-note.md',
    ]);
    expect(await retrievedFiles({ notIn: { key: 'region', value: ['eu'] } })).toEqual(ALL_FILES);
  });

  it('never converts types: a string does not equal a number, a string is not a list', async () => {
    expect(await retrievedFiles({ equals: { key: 'year', value: '2024' } })).toEqual([]);
    expect(await retrievedFiles({ equals: { key: 'year', value: true } })).toEqual([]);
    expect(await retrievedFiles({ listContains: { key: 'product', value: 'alpha' } })).toEqual([]);
    expect(await retrievedFiles({ greaterThan: { key: 'product', value: 1 } })).toEqual([]);
  });

  it('compares a list attribute member by member for equals and in, as the vector stores do', async () => {
    expect(await retrievedFiles({ equals: { key: 'tags', value: 'billing' } })).toEqual([
      'alpha-invoices.md',
      'beta-invoices.md',
    ]);
    expect(await retrievedFiles({ in: { key: 'tags', value: ['invoices', 'export'] } })).toEqual([
      'alpha-invoices.md',
      'gamma-exports.md',
    ]);
    expect(await retrievedFiles({ notEquals: { key: 'tags', value: 'billing' } })).toEqual([
      'gamma-exports.md',
      'untagged-note.md',
    ]);
    expect(await retrievedFiles({ equals: { key: 'tags', value: 'bill' } })).toEqual([]);
  });

  it('combines filters with andAll and orAll, one level of nesting', async () => {
    const filter: RetrievalFilter = {
      orAll: [
        {
          andAll: [
            { listContains: { key: 'tags', value: 'billing' } },
            { greaterThanOrEquals: { key: 'year', value: 2024 } },
          ],
        },
        { equals: { key: 'published', value: false } },
      ],
    };
    expect(await retrievedFiles(filter)).toEqual(['beta-invoices.md', 'gamma-exports.md']);
    expect(
      await retrievedFiles({
        andAll: [
          { equals: { key: 'published', value: true } },
          { notEquals: { key: 'product', value: 'beta' } },
        ],
      }),
    ).toEqual(['alpha-invoices.md']);
  });

  it("filters on Bedrock's own source URI and data source id", async () => {
    expect(
      await retrievedFiles({
        equals: { key: 'x-amz-bedrock-kb-source-uri', value: uriOf('untagged-note.md') },
      }),
    ).toEqual(['untagged-note.md']);
    expect(
      await retrievedFiles({ equals: { key: 'x-amz-bedrock-kb-data-source-id', value: 'METADS0001' } }),
    ).toEqual(ALL_FILES);
  });

  it('filters before taking the best numberOfResults: a low-ranked match still comes back', async () => {
    const unfiltered = await fixture.client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'invoice' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 10 } },
      }),
    );
    const last = unfiltered.retrievalResults?.at(-1)?.location?.s3Location?.uri;
    expect(last).toBeDefined();
    const filtered = await fixture.client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'invoice' },
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 1,
            filter: { equals: { key: 'x-amz-bedrock-kb-source-uri', value: last } },
          },
        },
      }),
    );
    expect(filtered.retrievalResults?.map((r) => r.location?.s3Location?.uri)).toEqual([last]);
    expect(filtered.retrievalResults?.[0]?.score).toBe(1);
  });

  it('answers RetrieveAndGenerate only from documents the filter admits', async () => {
    const ask = (filter: RetrievalFilter) =>
      fixture.client.send(
        new RetrieveAndGenerateCommand({
          input: { text: 'How do I download an invoice?' },
          retrieveAndGenerateConfiguration: {
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseConfiguration: {
              knowledgeBaseId: KB_ID,
              modelArn: MODEL_ARN,
              retrievalConfiguration: { vectorSearchConfiguration: { filter } },
            },
          },
        }),
      );
    const open = await ask({ equals: { key: 'product', value: 'alpha' } });
    const cited = (open.citations ?? []).flatMap((c) =>
      (c.retrievedReferences ?? []).map((r) => r.location?.s3Location?.uri),
    );
    expect(cited.length).toBeGreaterThan(0);
    expect(new Set(cited)).toEqual(new Set([uriOf('alpha-invoices.md')]));

    const closed = await ask({ equals: { key: 'product', value: 'delta' } });
    expect(closed.citations).toEqual([]);
  });

  it('answers RetrieveAndGenerateStream only from documents the filter admits', async () => {
    const response = await fixture.client.send(
      new RetrieveAndGenerateStreamCommand({
        input: { text: 'How do I get an invoice?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: {
            knowledgeBaseId: KB_ID,
            modelArn: MODEL_ARN,
            retrievalConfiguration: {
              vectorSearchConfiguration: { filter: { equals: { key: 'product', value: 'beta' } } },
            },
          },
        },
      }),
    );
    const cited = new Set<string | undefined>();
    for await (const event of response.stream ?? []) {
      for (const reference of event.citation?.citation?.retrievedReferences ??
        event.citation?.retrievedReferences ??
        [])
        cited.add(reference.location?.s3Location?.uri);
    }
    expect(cited).toEqual(new Set([uriOf('beta-invoices.md')]));
  });

  describe('refuses malformed filters with a ValidationException naming the member', () => {
    const retrieveBody = (filter: unknown) => ({
      retrievalQuery: { text: 'invoice' },
      retrievalConfiguration: { vectorSearchConfiguration: { filter } },
    });
    const at = 'retrievalConfiguration.vectorSearchConfiguration.filter';
    const UNION_MEMBERS =
      '[andAll, equals, greaterThan, greaterThanOrEquals, in, lessThan, lessThanOrEquals, listContains, notEquals, notIn, orAll, startsWith, stringContains]';
    const cases: [string, unknown, string][] = [
      [
        'two operators in one object',
        { equals: { key: 'product', value: 'alpha' }, notEquals: { key: 'year', value: 2023 } },
        `Value at '${at}' failed to satisfy constraint: Member must have exactly one of its members set: ${UNION_MEMBERS}`,
      ],
      [
        'no operator',
        {},
        `Value at '${at}' failed to satisfy constraint: Member must have exactly one of its members set: ${UNION_MEMBERS}`,
      ],
      [
        'andAll of one filter',
        { andAll: [{ equals: { key: 'product', value: 'alpha' } }] },
        `Value at '${at}.andAll' failed to satisfy constraint: Member must have length greater than or equal to 2`,
      ],
      [
        'orAll of six filters',
        { orAll: Array.from({ length: 6 }, (_, i) => ({ equals: { key: 'year', value: 2020 + i } })) },
        `Value at '${at}.orAll' failed to satisfy constraint: Member must have length less than or equal to 5`,
      ],
      [
        'logical operators nested two levels',
        {
          andAll: [
            {
              orAll: [
                { andAll: [{ equals: { key: 'a', value: 1 } }, { equals: { key: 'b', value: 2 } }] },
                { equals: { key: 'c', value: 3 } },
              ],
            },
            { equals: { key: 'd', value: 4 } },
          ],
        },
        `Value at '${at}.andAll.1.member.orAll.1.member.andAll' failed to satisfy constraint: Member must not nest andAll or orAll more than 1 level deep`,
      ],
      [
        'a string where a number is compared',
        { greaterThan: { key: 'year', value: '2023' } },
        `Value at '${at}.greaterThan.value' failed to satisfy constraint: Member must be a number`,
      ],
      [
        'a string where in wants a list',
        { in: { key: 'product', value: 'alpha' } },
        `Value at '${at}.in.value' failed to satisfy constraint: Member must be a non-empty list of strings`,
      ],
      [
        'an empty list for notIn',
        { notIn: { key: 'product', value: [] } },
        `Value at '${at}.notIn.value' failed to satisfy constraint: Member must be a non-empty list of strings`,
      ],
      [
        'a list where equals wants one value',
        { equals: { key: 'product', value: ['alpha'] } },
        `Value at '${at}.equals.value' failed to satisfy constraint: Member must be a string, a number or a boolean`,
      ],
      [
        'a number where startsWith wants text',
        { startsWith: { key: 'product', value: 1 } },
        `Value at '${at}.startsWith.value' failed to satisfy constraint: Member must be a string`,
      ],
      [
        'no key',
        { equals: { value: 'alpha' } },
        `Value null at '${at}.equals.key' failed to satisfy constraint: Member must not be null`,
      ],
    ];
    for (const [name, filter, message] of cases) {
      it(name, async () => {
        const answer = await postJson(
          fixture.emulator,
          `/knowledgebases/${KB_ID}/retrieve`,
          retrieveBody(filter),
        );
        expect(answer).toEqual({
          status: 400,
          errorType: 'ValidationException',
          message: `1 validation error detected: ${message}`,
        });
      });
    }

    it('ignores a member every object inherits ("constructor") like any unknown member', async () => {
      const files = async (filter: unknown) => {
        const response = await fetch(`${fixture.emulator.url}/knowledgebases/${KB_ID}/retrieve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(retrieveBody(filter)),
        });
        const json = (await response.json()) as {
          retrievalResults?: { location: { s3Location: { uri: string } } }[];
        };
        return [
          response.status,
          json.retrievalResults?.map((result) => result.location.s3Location.uri.split('/').pop()),
        ];
      };
      const equals = { key: 'product', value: 'alpha' };
      const expected = await files({ equals });
      expect(expected).toEqual([200, ['alpha-invoices.md']]);
      for (const member of ['constructor', 'toString', 'hasOwnProperty', 'notAnOperator']) {
        const filter = { equals, [member]: { key: 'product', value: [] } };
        expect([member, await files(filter)]).toEqual([member, expected]);
      }
    });

    it('through the SDK too, on RetrieveAndGenerate, naming the member where it sits there', async () => {
      const error = await rejection(
        fixture.client.send(
          new RetrieveAndGenerateCommand({
            input: { text: 'invoice' },
            retrieveAndGenerateConfiguration: {
              type: 'KNOWLEDGE_BASE',
              knowledgeBaseConfiguration: {
                knowledgeBaseId: KB_ID,
                modelArn: MODEL_ARN,
                retrievalConfiguration: {
                  vectorSearchConfiguration: { filter: { lessThan: { key: 'year', value: 'soon' } } },
                },
              },
            },
          }),
        ),
      );
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value at 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.retrievalConfiguration.vectorSearchConfiguration.filter.lessThan.value' failed to satisfy constraint: Member must be a number",
      );
    });
  });
});

describe('matchesFilter', () => {
  const attributes = { product: 'alpha', year: 2023, tags: ['billing', 'invoices'], published: true };

  it('judges one document the way the operators are documented', () => {
    expect(matchesFilter({ equals: { key: 'published', value: true } }, attributes)).toBe(true);
    expect(matchesFilter({ notEquals: { key: 'published', value: true } }, attributes)).toBe(false);
    expect(matchesFilter({ stringContains: { key: 'tags', value: 'voice' } }, attributes)).toBe(true);
    expect(matchesFilter({ listContains: { key: 'tags', value: 'voice' } }, attributes)).toBe(false);
    expect(matchesFilter({ startsWith: { key: 'product', value: 'Al' } }, attributes)).toBe(false);
    expect(
      matchesFilter(
        {
          orAll: [
            { equals: { key: 'year', value: 1999 } },
            { lessThanOrEquals: { key: 'year', value: 2023 } },
          ],
        },
        attributes,
      ),
    ).toBe(true);
  });
});

describe('metadata filters on a store with non-filterable keys (S3 Vectors)', () => {
  let fixture: MetadataFixture;

  beforeAll(async () => {
    fixture = await startMetadataEmulator({
      nonFilterableMetadataKeys: ['title', 'tags'],
      vectorStore: 's3-vectors',
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const retrieved = async (filter: RetrievalFilter) => {
    const response = await fixture.client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'invoice' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 10, filter } },
      }),
    );
    return (response.retrievalResults ?? []).map((result) => result.location?.s3Location?.uri ?? '');
  };

  it('matches a non-filterable key as if the documents had none, and filters on the others', async () => {
    expect(await retrieved({ equals: { key: 'title', value: 'Alpha invoices' } })).toEqual([]);
    expect(await retrieved({ listContains: { key: 'tags', value: 'billing' } })).toEqual([]);
    expect(await retrieved({ equals: { key: 'product', value: 'alpha' } })).toEqual([
      uriOf('alpha-invoices.md'),
    ]);
  });

  it('refuses the prefix and substring operators S3 Vectors cannot evaluate, wherever they sit', async () => {
    for (const filter of [
      { startsWith: { key: 'product', value: 'al' } },
      {
        andAll: [
          { equals: { key: 'product', value: 'alpha' } },
          { stringContains: { key: 'product', value: 'lph' } },
        ],
      },
    ] as RetrievalFilter[]) {
      const error = await rejection(retrieved(filter));
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toMatch(
        /(startsWith|stringContains)' failed to satisfy constraint: Member is not supported by this knowledge base's vector store \(S3 Vectors\)/,
      );
    }
  });

  it('still returns the non-filterable keys as metadata', async () => {
    const response = await fixture.client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'invoice' },
        retrievalConfiguration: {
          vectorSearchConfiguration: { filter: { equals: { key: 'product', value: 'alpha' } } },
        },
      }),
    );
    expect(response.retrievalResults?.[0]?.metadata).toMatchObject({ title: 'Alpha invoices' });
  });
});
