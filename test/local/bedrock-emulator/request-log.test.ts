import {
  RetrieveAndGenerateCommand,
  type RetrieveAndGenerateCommandInput,
  RetrieveCommand,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../helpers/rejection.ts';
import { KB_ID, type MetadataFixture, MODEL_ARN, startMetadataEmulator } from './metadata-fixture.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const profileRequest: RetrieveAndGenerateCommandInput = {
  input: { text: 'How do I download an invoice?' },
  retrieveAndGenerateConfiguration: {
    type: 'KNOWLEDGE_BASE',
    knowledgeBaseConfiguration: {
      knowledgeBaseId: KB_ID,
      modelArn: MODEL_ARN,
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: 3,
          filter: { equals: { key: 'product', value: 'alpha' } },
          rerankingConfiguration: {
            type: 'BEDROCK_RERANKING_MODEL',
            bedrockRerankingConfiguration: {
              modelConfiguration: {
                modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0',
              },
              numberOfRerankedResults: 2,
            },
          },
        },
      },
      generationConfiguration: {
        promptTemplate: {
          textPromptTemplate: 'Answer as Alpha support.\n$search_results$\n$output_format_instructions$',
        },
        inferenceConfig: {
          textInferenceConfig: { temperature: 0.1, maxTokens: 300, stopSequences: ['\n\n'] },
        },
      },
    },
  },
};

describe('the request log', () => {
  let fixture: MetadataFixture;

  beforeAll(async () => {
    fixture = await startMetadataEmulator({ requestLogSize: 3 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('keeps each request’s operation, arrival, URI labels, parsed body and status, and no headers', async () => {
    fixture.emulator.clearRequests();
    await fixture.client.send(new RetrieveAndGenerateCommand(profileRequest));
    await fixture.client.send(
      new RetrieveCommand({ knowledgeBaseId: KB_ID, retrievalQuery: { text: 'invoice' } }),
    );
    const [rag, retrieve] = fixture.emulator.requests();
    expect(rag).toEqual({
      operation: 'RetrieveAndGenerate',
      receivedAt: expect.stringMatching(ISO),
      params: {},
      body: profileRequest,
      status: 200,
    });
    expect(retrieve).toEqual({
      operation: 'Retrieve',
      receivedAt: expect.stringMatching(ISO),
      params: { knowledgeBaseId: KB_ID },
      body: { retrievalQuery: { text: 'invoice' } },
      status: 200,
    });
    expect(JSON.stringify(fixture.emulator.requests())).not.toMatch(/authorization|Credential=|x-amz-date/i);
  });

  it('logs refused requests with their status', async () => {
    fixture.emulator.clearRequests();
    await rejection(
      fixture.client.send(
        new RetrieveCommand({
          knowledgeBaseId: KB_ID,
          retrievalQuery: { text: 'invoice' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 101 } },
        }),
      ),
    );
    expect(fixture.emulator.requests().map((r) => [r.operation, r.status])).toEqual([['Retrieve', 400]]);
  });

  it('keeps only the most recent requestLogSize requests, oldest first', async () => {
    fixture.emulator.clearRequests();
    for (const text of ['one', 'two', 'three', 'four', 'five']) {
      await fixture.client.send(new RetrieveCommand({ knowledgeBaseId: KB_ID, retrievalQuery: { text } }));
    }
    expect(
      fixture.emulator
        .requests()
        .map((r) => (r.body as { retrievalQuery: { text: string } }).retrievalQuery.text),
    ).toEqual(['three', 'four', 'five']);
  });

  it('is emptied by clearRequests, and what a caller read cannot be changed', async () => {
    await fixture.client.send(
      new RetrieveCommand({ knowledgeBaseId: KB_ID, retrievalQuery: { text: 'invoice' } }),
    );
    const read = fixture.emulator.requests();
    const body = read.at(-1)?.body as { retrievalQuery: { text: string } } | undefined;
    expect(body?.retrievalQuery.text).toBe('invoice');
    expect(() => {
      if (body !== undefined) body.retrievalQuery.text = 'changed';
    }).toThrow(TypeError);
    expect(body?.retrievalQuery.text).toBe('invoice');
    fixture.emulator.clearRequests();
    expect(fixture.emulator.requests()).toEqual([]);
    expect(read.length).toBeGreaterThan(0);
  });
});
