import {
  type KnowledgeBaseVectorSearchConfiguration,
  RetrieveAndGenerateCommand,
  RetrieveAndGenerateStreamCommand,
  RetrieveCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../../helpers/rejection.ts';
import { KB_ID, type MetadataFixture, MODEL_ARN, startMetadataEmulator } from '../metadata-fixture.ts';

const HYBRID_REFUSED = `HYBRID search type is not supported for search operation on index ${KB_ID}`;

/** Retrieve, RetrieveAndGenerate and its stream (read to the end), all with the same search configuration. */
function callsWith(
  fixture: MetadataFixture,
  vectorSearchConfiguration: KnowledgeBaseVectorSearchConfiguration,
) {
  const retrievalConfiguration = { vectorSearchConfiguration };
  const ragConfiguration = {
    type: 'KNOWLEDGE_BASE' as const,
    knowledgeBaseConfiguration: { knowledgeBaseId: KB_ID, modelArn: MODEL_ARN, retrievalConfiguration },
  };
  return {
    Retrieve: () =>
      fixture.client.send(
        new RetrieveCommand({
          knowledgeBaseId: KB_ID,
          retrievalQuery: { text: 'invoice' },
          retrievalConfiguration,
        }),
      ),
    RetrieveAndGenerate: () =>
      fixture.client.send(
        new RetrieveAndGenerateCommand({
          input: { text: 'How do I get an invoice?' },
          retrieveAndGenerateConfiguration: ragConfiguration,
        }),
      ),
    RetrieveAndGenerateStream: async () => {
      const response = await fixture.client.send(
        new RetrieveAndGenerateStreamCommand({
          input: { text: 'How do I get an invoice?' },
          retrieveAndGenerateConfiguration: ragConfiguration,
        }),
      );
      for await (const _ of response.stream ?? []) {
        // read to the end: an error may also arrive as an event
      }
      return response;
    },
  };
}

describe('overrideSearchType on a knowledge base whose vectors are in S3 Vectors', () => {
  let fixture: MetadataFixture;
  beforeAll(async () => {
    fixture = await startMetadataEmulator({ vectorStore: 's3-vectors' });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('refuses HYBRID with the ValidationException AWS answers, on Retrieve, RetrieveAndGenerate and the stream', async () => {
    for (const [operation, call] of Object.entries(callsWith(fixture, { overrideSearchType: 'HYBRID' }))) {
      const error = await rejection(call());
      expect(error, operation).toBeInstanceOf(ValidationException);
      expect(error.message, operation).toBe(HYBRID_REFUSED);
      expect(error.$metadata?.httpStatusCode, operation).toBe(400);
    }
  });

  it('accepts SEMANTIC, the one type such a store offers', async () => {
    const calls = callsWith(fixture, { overrideSearchType: 'SEMANTIC' });
    const retrieved = await calls.Retrieve();
    expect(retrieved.retrievalResults?.length).toBeGreaterThan(0);
    await calls.RetrieveAndGenerate();
    await calls.RetrieveAndGenerateStream();
  });
});

describe('overrideSearchType on a knowledge base in OpenSearch Serverless', () => {
  let fixture: MetadataFixture;
  beforeAll(async () => {
    fixture = await startMetadataEmulator({ vectorStore: 'opensearch-serverless' });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('accepts HYBRID, which that store offers', async () => {
    const calls = callsWith(fixture, { overrideSearchType: 'HYBRID' });
    expect((await calls.Retrieve()).retrievalResults?.length).toBeGreaterThan(0);
    await calls.RetrieveAndGenerate();
    await calls.RetrieveAndGenerateStream();
  });
});
