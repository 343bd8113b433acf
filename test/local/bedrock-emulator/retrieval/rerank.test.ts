import {
  type MetadataConfigurationForReranking,
  RerankCommand,
  type RerankCommandInput,
  RetrieveAndGenerateCommand,
  RetrieveCommand,
  ValidationException,
  type VectorSearchRerankingConfiguration,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proximity, rerankScores } from '../../../../local/bedrock-emulator/retrieval/rerank.ts';
import { rejection } from '../../../helpers/rejection.ts';
import { DOCUMENTS, KB_ID, type MetadataFixture, startMetadataEmulator, uriOf } from '../metadata-fixture.ts';

const AMAZON_RERANK_OREGON = 'arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0';
const COHERE_RERANK_VIRGINIA = 'arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0';

const FILLER =
  'Our team reviews accounts, plans, workspaces, seats, invoices, exports, reports, integrations and settings every quarter to keep things tidy and fast for everyone.';
/** BM25 prefers the short page repeating "password"; the reranker the sentence naming all three words together. */
const RESET_DOCUMENTS = {
  'password-rules.md':
    '# Password rules\n\nA password needs twelve characters. Change the password each year; a password manager keeps every password safe. Support can reset a lost account. A link to the password guide is on the profile page.\n',
  'reset-email.md': `# Sign-in help\n\n${FILLER} ${FILLER}\n\nClick the reset password link in the email we send you.\n\n${FILLER}\n`,
  'seats.md': '# Seats\n\nAdd seats and plans from the admin page.\n',
};

const reranking = (
  modelArn: string,
  more: Partial<NonNullable<VectorSearchRerankingConfiguration['bedrockRerankingConfiguration']>> = {},
): VectorSearchRerankingConfiguration => ({
  type: 'BEDROCK_RERANKING_MODEL',
  bedrockRerankingConfiguration: { modelConfiguration: { modelArn }, ...more },
});

describe('the reranker', () => {
  it('prefers the passage holding the question words together over one repeating a single word', () => {
    const [repeats, together] = rerankScores('reset password link', [
      'password password password. Reset is elsewhere. Also a link.',
      'Click the reset password link in the email.',
    ]);
    expect(together).toBe(1);
    expect(repeats).toBeLessThan(together ?? 0);
  });

  it('weighs coverage first: a passage missing a rare question word ranks below one holding it', () => {
    const [partial, full] = rerankScores('export invoice csv', [
      'Export the invoice from the billing page.',
      'The invoice export downloads as CSV after a while.',
    ]);
    expect(full).toBeGreaterThan(partial ?? 1);
  });

  it('does not count how often a word repeats', () => {
    const [once, thrice] = rerankScores('invoice', ['An invoice.', 'Invoice, invoice and invoice.']);
    expect(once).toBe(thrice);
  });

  it('measures proximity as question terms over the shortest stretch holding them', () => {
    expect(proximity(['a', 'b'], ['a', 'b'])).toBe(1);
    expect(proximity(['a', 'x', 'x', 'b', 'a'], ['a', 'b'])).toBe(1);
    expect(proximity(['a', 'x', 'x', 'b'], ['a', 'b'])).toBe(0.5);
    expect(proximity(['a'], ['a'])).toBe(1);
    expect(proximity([], [])).toBe(0);
  });
});

describe('reranking retrieved chunks and the Rerank operation, over the SDK', () => {
  let fixture: MetadataFixture;

  beforeAll(async () => {
    fixture = await startMetadataEmulator({}, { ...RESET_DOCUMENTS, ...DOCUMENTS });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function retrieve(
    text: string,
    rerankingConfiguration?: VectorSearchRerankingConfiguration,
    region = 'us-west-2',
  ): Promise<{ file: string; score: number }[]> {
    const response = await fixture.clientIn(region).send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text },
        retrievalConfiguration: {
          vectorSearchConfiguration: {
            numberOfResults: 10,
            ...(rerankingConfiguration === undefined ? {} : { rerankingConfiguration }),
          },
        },
      }),
    );
    return (response.retrievalResults ?? []).map((result) => ({
      file: result.location?.s3Location?.uri?.split('/').pop() ?? '',
      score: result.score ?? -1,
    }));
  }

  it('reorders retrieved chunks by the rerank score and reports that score', async () => {
    const first = await retrieve('reset password link');
    expect(first.map((r) => r.file).slice(0, 2)).toEqual(['password-rules.md', 'reset-email.md']);
    const reranked = await retrieve('reset password link', reranking(AMAZON_RERANK_OREGON));
    expect(reranked.map((r) => r.file).slice(0, 2)).toEqual(['reset-email.md', 'password-rules.md']);
    expect(reranked[0]?.score).toBe(1);
    expect(reranked.map((r) => r.file).sort()).toEqual(first.map((r) => r.file).sort());
  });

  it('keeps numberOfRerankedResults of them', async () => {
    const reranked = await retrieve(
      'reset password link',
      reranking(AMAZON_RERANK_OREGON, { numberOfRerankedResults: 1 }),
    );
    expect(reranked.map((r) => r.file)).toEqual(['reset-email.md']);
  });

  it('answers RetrieveAndGenerate from the reranked chunks', async () => {
    const answer = async (rerankingConfiguration?: VectorSearchRerankingConfiguration) => {
      const response = await fixture.clientIn('us-west-2').send(
        new RetrieveAndGenerateCommand({
          input: { text: 'Where is the reset password link?' },
          retrieveAndGenerateConfiguration: {
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseConfiguration: {
              knowledgeBaseId: KB_ID,
              modelArn: 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0',
              retrievalConfiguration: {
                vectorSearchConfiguration: {
                  numberOfResults: 5,
                  ...(rerankingConfiguration === undefined ? {} : { rerankingConfiguration }),
                },
              },
            },
          },
        }),
      );
      return (response.citations ?? []).map((c) => c.retrievedReferences?.[0]?.location?.s3Location?.uri);
    };
    expect((await answer())[0]).toBe(uriOf('password-rules.md'));
    expect(await answer(reranking(AMAZON_RERANK_OREGON, { numberOfRerankedResults: 1 }))).toEqual([
      uriOf('reset-email.md'),
    ]);
  });

  it('lets the reranker read the metadata chosen by metadataConfiguration', async () => {
    // Only alpha-invoices.md says `audience: admin`, in its front matter, not in its text.
    const rankOfAlpha = async (metadataConfiguration?: MetadataConfigurationForReranking) =>
      (
        await retrieve(
          'admin invoice',
          reranking(
            AMAZON_RERANK_OREGON,
            metadataConfiguration === undefined ? {} : { metadataConfiguration },
          ),
        )
      ).findIndex((r) => r.file === 'alpha-invoices.md');
    const selective = (mode: 'fieldsToInclude' | 'fieldsToExclude'): MetadataConfigurationForReranking =>
      mode === 'fieldsToInclude'
        ? {
            selectionMode: 'SELECTIVE',
            selectiveModeConfiguration: { fieldsToInclude: [{ fieldName: 'audience' }] },
          }
        : {
            selectionMode: 'SELECTIVE',
            selectiveModeConfiguration: { fieldsToExclude: [{ fieldName: 'audience' }] },
          };
    const withoutMetadata = await rankOfAlpha();
    expect(await rankOfAlpha({ selectionMode: 'ALL' })).toBe(0);
    expect(await rankOfAlpha(selective('fieldsToInclude'))).toBeLessThan(withoutMetadata);
    expect(await rankOfAlpha(selective('fieldsToExclude'))).toBe(withoutMetadata);
  });

  it('accepts Cohere Rerank 3.5 in us-east-1 but refuses Amazon Rerank there, as Bedrock offers them', async () => {
    expect(
      (await retrieve('reset password link', reranking(COHERE_RERANK_VIRGINIA), 'us-east-1'))[0]?.file,
    ).toBe('reset-email.md');
    const refused = await rejection(
      retrieve(
        'reset password link',
        reranking('arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0'),
        'us-east-1',
      ),
    );
    expect(refused).toBeInstanceOf(ValidationException);
    expect(refused.message).toBe('The provided model identifier is invalid.');
  });

  it('refuses a generation model, an unknown model and another region’s ARN as the reranker', async () => {
    for (const modelArn of [
      'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/acme.rerank-v9:0',
      'arn:aws:bedrock:eu-central-1::foundation-model/amazon.rerank-v1:0',
    ]) {
      const refused = await rejection(retrieve('reset password link', reranking(modelArn)));
      expect([modelArn, refused.name, refused.message]).toEqual([
        modelArn,
        'ValidationException',
        'The provided model identifier is invalid.',
      ]);
    }
  });

  it('refuses a reranking configuration without its Bedrock settings, naming the member', async () => {
    const refused = await rejection(retrieve('reset password link', { type: 'BEDROCK_RERANKING_MODEL' }));
    expect(refused.message).toBe(
      "1 validation error detected: Value at 'retrievalConfiguration.vectorSearchConfiguration.rerankingConfiguration.bedrockRerankingConfiguration' failed to satisfy constraint: Member must not be null",
    );
  });

  const rerankInput = (modelArn: string, numberOfResults?: number): RerankCommandInput => ({
    queries: [{ type: 'TEXT', textQuery: { text: 'reset password link' } }],
    sources: [
      {
        type: 'INLINE',
        inlineDocumentSource: { type: 'TEXT', textDocument: { text: 'Add seats from the admin page.' } },
      },
      {
        type: 'INLINE',
        inlineDocumentSource: {
          type: 'TEXT',
          textDocument: {
            text: 'A password needs twelve characters; reset it yearly. A link is on the profile.',
          },
        },
      },
      {
        type: 'INLINE',
        inlineDocumentSource: {
          type: 'JSON',
          jsonDocument: { title: 'Sign-in help', body: 'Click the reset password link in the email.' },
        },
      },
    ],
    rerankingConfiguration: {
      type: 'BEDROCK_RERANKING_MODEL',
      bedrockRerankingConfiguration: {
        modelConfiguration: { modelArn },
        ...(numberOfResults === undefined ? {} : { numberOfResults }),
      },
    },
  });

  it('Rerank answers every source best first with the same scorer, TEXT and JSON documents alike', async () => {
    const response = await fixture
      .clientIn('us-west-2')
      .send(new RerankCommand(rerankInput(AMAZON_RERANK_OREGON)));
    expect(response.results?.map((r) => r.index)).toEqual([2, 1, 0]);
    expect(response.results?.[0]).toEqual({ index: 2, relevanceScore: 1 });
    expect(response.results?.[2]).toEqual({ index: 0, relevanceScore: 0 });
    expect(response.nextToken).toBeUndefined();
  });

  it('Rerank keeps numberOfResults and takes a bare model id', async () => {
    const response = await fixture
      .clientIn('us-east-1')
      .send(new RerankCommand(rerankInput('cohere.rerank-v3-5:0', 1)));
    expect(response.results?.map((r) => r.index)).toEqual([2]);
  });

  it('Rerank refuses a model Bedrock does not offer for reranking in the region', async () => {
    const refused = await rejection(
      fixture.clientIn('us-east-1').send(new RerankCommand(rerankInput('amazon.rerank-v1:0'))),
    );
    expect(refused).toBeInstanceOf(ValidationException);
    expect(refused.message).toBe('The provided model identifier is invalid.');
  });

  it('Rerank refuses a TEXT source without its text, naming the member', async () => {
    const input = rerankInput(AMAZON_RERANK_OREGON);
    const refused = await rejection(
      fixture.clientIn('us-west-2').send(
        new RerankCommand({
          ...input,
          sources: [{ type: 'INLINE', inlineDocumentSource: { type: 'TEXT' } }, ...(input.sources ?? [])],
        }),
      ),
    );
    expect(refused.message).toBe(
      "1 validation error detected: Value at 'sources.1.member.inlineDocumentSource.textDocument.text' failed to satisfy constraint: Member must not be null",
    );
  });
});
