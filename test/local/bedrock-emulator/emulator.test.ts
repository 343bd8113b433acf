import { join } from 'node:path';
import {
  BedrockAgentRuntimeClient,
  ResourceNotFoundException,
  RetrieveAndGenerateCommand,
  type RetrieveAndGenerateCommandOutput,
  RetrieveCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeBaseSettings } from '../../../config/knowledge-base.ts';
import {
  AwsServiceError,
  type BedrockEmulator,
  startBedrockEmulator,
} from '../../../local/bedrock-emulator/index.ts';
import { splitSentences } from '../../../local/bedrock-emulator/ingestion/sentences.ts';
import { rejection } from '../../helpers/rejection.ts';

const helpCenter = join(import.meta.dirname, 'fixtures', 'help-center');
const onTopicQuestions = [
  'how do I install an extension on my board?',
  'can I get a refund on an annual plan?',
  'what happens to my boards when I downgrade?',
  'is there a shortcut to move a card up?',
  'how do I restore a board I archived?',
];

const KB_ID = 'HELPKB0001';
const knowledgeBases = [
  {
    knowledgeBaseId: KB_ID,
    dataSources: [
      { dataSourceId: 'HELPDS', type: 'S3' as const, folder: helpCenter, bucketName: 'help-center' },
    ],
  },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A chunk id URL-encoded, as recorded references carry it (`1%3A0%3A…`): no raw `:` left. */
const ENCODED_CHUNK_ID = /^[0-9a-f]{24}%3A\d+$/;

function clientFor(emulator: BedrockEmulator): BedrockAgentRuntimeClient {
  return new BedrockAgentRuntimeClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

function ragCommand(text: string, sessionId?: string, knowledgeBaseId = KB_ID) {
  return new RetrieveAndGenerateCommand({
    input: { text },
    ...(sessionId === undefined ? {} : { sessionId }),
    retrieveAndGenerateConfiguration: {
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: { knowledgeBaseId, modelArn: knowledgeBaseSettings.generationModelId },
    },
  });
}

const citedFiles = (response: RetrieveAndGenerateCommandOutput) =>
  (response.citations ?? []).map((c) =>
    c.retrievedReferences?.[0]?.location?.s3Location?.uri?.split('/').pop(),
  );

describe('Bedrock emulator over the real SDK client', () => {
  let emulator: BedrockEmulator;
  let client: BedrockAgentRuntimeClient;

  beforeAll(async () => {
    emulator = await startBedrockEmulator({ port: 0, knowledgeBases });
    await emulator.ingest();
    client = clientFor(emulator);
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.close();
  });

  it('listens on loopback', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers an on-topic question with citations of the right file, in the real shapes', async () => {
    const response = await client.send(ragCommand('How do I remove an extension from a board?'));
    expect(response.sessionId).toMatch(UUID);
    expect(citedFiles(response)[0]).toBe('install-an-extension.md');
    const text = response.output?.text ?? '';
    for (const citation of response.citations ?? []) {
      const part = citation.generatedResponsePart?.textResponsePart;
      // Spans are end-exclusive.
      // RetrieveAndGenerate spans end inclusive, as AWS answers.
      expect(text.slice(part?.span?.start, (part?.span?.end ?? 0) + 1)).toBe(part?.text);
      for (const reference of citation.retrievedReferences ?? []) {
        expect(reference.content?.text).toContain(part?.text);
        expect(reference).toEqual({
          content: { type: 'TEXT', text: expect.any(String) },
          location: {
            type: 'S3',
            s3Location: {
              uri: expect.stringMatching(/^s3:\/\/help-center\/guides\/install-an-extension\.md$/),
            },
          },
          metadata: {
            'x-amz-bedrock-kb-source-uri': reference.location?.s3Location?.uri,
            'x-amz-bedrock-kb-source-file-modality': 'TEXT',
            'x-amz-bedrock-kb-chunk-id': expect.stringMatching(ENCODED_CHUNK_ID),
            'x-amz-bedrock-kb-data-source-id': 'HELPDS',
            title: 'Install an extension',
            description: 'Add extensions to a board to connect it with other tools.',
            tags: ['extensions', 'setup'],
          },
        });
      }
    }
    expect(response.output?.text).toMatch(/^Remove an extension\nTo remove an extension:\n1\. Open/);
  });

  it('keeps every citation exact for every customer question: span slices, verbatim sentences', async () => {
    for (const question of onTopicQuestions) {
      const response = await client.send(ragCommand(question));
      const text = response.output?.text ?? '';
      expect(response.citations?.length, question).toBeGreaterThan(0);
      for (const citation of response.citations ?? []) {
        const part = citation.generatedResponsePart?.textResponsePart;
        expect(text.slice(part?.span?.start, (part?.span?.end ?? 0) + 1), question).toBe(part?.text);
        const source = citation.retrievedReferences?.[0]?.content?.text ?? '';
        for (const sentence of splitSentences(part?.text ?? ''))
          expect(source, question).toContain(sentence.text);
      }
    }
  });

  it('cites the right file for other customer questions', async () => {
    const cases: [string, string][] = [
      ['can I get a refund on an annual plan?', 'refunds.txt'],
      ['what happens to my boards when I downgrade?', 'change-plan.md'],
      ['is there a shortcut to move a card up?', 'keyboard-shortcuts.html'],
      ['how do I restore a board I archived?', 'archive-a-board.md'],
    ];
    for (const [question, file] of cases) {
      expect([question, citedFiles(await client.send(ragCommand(question)))[0]]).toEqual([question, file]);
    }
  });

  it('declines off-topic questions with the knowledge base reply and no citations', async () => {
    for (const question of [
      "What's the weather in Paris tomorrow?",
      'Who won the world cup?',
      'Tell me a joke',
    ]) {
      const response = await client.send(ragCommand(question));
      expect({ output: response.output, citations: response.citations }).toEqual({
        output: { text: knowledgeBaseSettings.noAnswerText },
        citations: [],
      });
      expect(response.sessionId).toMatch(UUID);
    }
  });

  it('keeps the conversation in a session: a follow-up is retrieved in context', async () => {
    const first = await client.send(ragCommand('How do I install an extension?'));
    expect(citedFiles(first)[0]).toBe('install-an-extension.md');
    const second = await client.send(ragCommand('and how do I remove it?', first.sessionId));
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.output?.text).toMatch(/^Remove an extension/);
  });

  it('rejects a malformed session id with a ValidationException', async () => {
    const error = await rejection(client.send(ragCommand('How do I archive a board?', 'not a valid id!')));
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as ValidationException).$metadata.httpStatusCode).toBe(400);
  });

  it('rejects an unknown session id with a ValidationException about the session', async () => {
    const error = await rejection(
      client.send(ragCommand('How do I archive a board?', '7d8e1b5a-0000-4000-8000-000000000000')),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(/session/i);
  });

  it('rejects input text over 1000 characters with a ValidationException', async () => {
    const error = await rejection(client.send(ragCommand('a'.repeat(1001))));
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe(
      "1 validation error detected: Value at 'input.text' failed to satisfy constraint: Member must have length less than or equal to 1000",
    );
  });

  it('answers an unknown knowledge base with ResourceNotFoundException', async () => {
    expect(
      await rejection(client.send(ragCommand('How do I archive a board?', undefined, 'NOSUCHKB01'))),
    ).toBeInstanceOf(ResourceNotFoundException);
    expect(
      await rejection(
        client.send(new RetrieveCommand({ knowledgeBaseId: 'NOSUCHKB01', retrievalQuery: { text: 'star' } })),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects a knowledge base id that breaks the model pattern with a ValidationException', async () => {
    const error = await rejection(client.send(ragCommand('How do I archive a board?', undefined, 'bad-id')));
    expect(error).toBeInstanceOf(ValidationException);
  });

  it('retrieves numberOfResults chunks in the Retrieve shapes', async () => {
    const response = await client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'How long do I have to ask for a refund on an annual plan?' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 2 } },
      }),
    );
    expect(response.retrievalResults).toHaveLength(2);
    expect(response.retrievalResults?.[0]).toEqual({
      content: { type: 'TEXT', text: expect.stringContaining('refunded in full within 30 days') },
      location: { type: 'S3', s3Location: { uri: 's3://help-center/billing/refunds.txt' } },
      metadata: {
        'x-amz-bedrock-kb-source-uri': 's3://help-center/billing/refunds.txt',
        'x-amz-bedrock-kb-source-file-modality': 'TEXT',
        'x-amz-bedrock-kb-chunk-id': expect.stringMatching(ENCODED_CHUNK_ID),
        'x-amz-bedrock-kb-data-source-id': 'HELPDS',
        title: 'Refund policy',
        audience: 'billing-admins',
      },
      score: 1,
    });
  });

  it("returns no title an S3 object's metadata does not give, as Bedrock does (only its own keys)", async () => {
    const response = await client.send(
      new RetrieveCommand({
        knowledgeBaseId: KB_ID,
        retrievalQuery: { text: 'How do I upgrade or downgrade the workspace plan?' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } },
      }),
    );
    const plan = response.retrievalResults?.find(
      (result) => result.location?.s3Location?.uri === 's3://help-center/billing/change-plan.md',
    );
    expect(Object.keys(plan?.metadata ?? {}).sort()).toEqual([
      'x-amz-bedrock-kb-chunk-id',
      'x-amz-bedrock-kb-data-source-id',
      'x-amz-bedrock-kb-source-file-modality',
      'x-amz-bedrock-kb-source-uri',
    ]);
  });

  it('serves HTTP/1.1 on the same port with the same error framing', async () => {
    const unknown = await fetch(`${emulator.url}/no/such/route`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await unknown.json()).toEqual({ message: 'No operation is served at POST /no/such/route.' });

    const malformed = await fetch(`${emulator.url}/retrieveAndGenerate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await malformed.json()).toEqual({ message: 'The request body is not valid JSON.' });
  });

  it('checks a request against the model before the operation runs, and answers as AWS does', async () => {
    const response = await fetch(`${emulator.url}/knowledgebases/NOSUCHKB01/retrieve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        retrievalQuery: { text: 'archive a board' },
        retrievalConfiguration: {
          vectorSearchConfiguration: { numberOfResults: 0, overrideSearchType: 'LEXICAL' },
        },
      }),
    });
    // The unknown knowledge base is not reached: AWS validates the request first.
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await response.json()).toEqual({
      message:
        "2 validation errors detected: Value '0' at 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'LEXICAL' at 'retrievalConfiguration.vectorSearchConfiguration.overrideSearchType' failed to satisfy constraint: Member must satisfy enum value set: [HYBRID, SEMANTIC]",
    });
  });

  it('answers over HTTP/1.1 too', async () => {
    const response = await fetch(`${emulator.url}/knowledgebases/${KB_ID}/retrieve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ retrievalQuery: { text: 'archive a board' } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { retrievalResults: unknown[] };
    expect(body.retrievalResults).toHaveLength(knowledgeBaseSettings.numberOfResults);
  });
});

describe('Bedrock emulator options', () => {
  it('ends sessions sessionLifetimeMs after their creation', async () => {
    const emulator = await startBedrockEmulator({ knowledgeBases, sessionLifetimeMs: 50 });
    const client = clientFor(emulator);
    try {
      await emulator.ingest();
      const first = await client.send(ragCommand('How do I archive a board?'));
      await new Promise((resolve) => setTimeout(resolve, 120));
      const error = await rejection(
        client.send(ragCommand('and can I bring it back later?', first.sessionId)),
      );
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as Error).message).toMatch(/session/i);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });

  it('consults the faults hook before each operation', async () => {
    const seen: string[] = [];
    const emulator = await startBedrockEmulator({
      knowledgeBases,
      faults: ({ operation }) => {
        seen.push(operation);
        if (operation === 'RetrieveAndGenerate')
          throw new AwsServiceError('ThrottlingException', 'Rate exceeded');
      },
    });
    const client = clientFor(emulator);
    try {
      const error = await rejection(client.send(ragCommand('How do I archive a board?')));
      expect(error).toBeInstanceOf(ThrottlingException);
      expect((error as ThrottlingException).$metadata.httpStatusCode).toBe(429);
      await client.send(new RetrieveCommand({ knowledgeBaseId: KB_ID, retrievalQuery: { text: 'star' } }));
      expect(seen).toEqual(['RetrieveAndGenerate', 'Retrieve']);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});
