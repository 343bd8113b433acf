/**
 * Every operation Lantern uses, driven through the real SDK clients against the emulator, each
 * response judged on the wire by the operation's output shape in AWS's model, every event of the
 * streamed answer included.
 */
import { join } from 'node:path';
import {
  BedrockClient,
  ResourceNotFoundException as ControlPlaneNotFound,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
} from '@aws-sdk/client-bedrock';
import {
  BedrockAgentClient,
  GetDataSourceCommand,
  GetIngestionJobCommand,
  ListIngestionJobsCommand,
  StartIngestionJobCommand,
  StopIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import {
  BedrockAgentRuntimeClient,
  RerankCommand,
  ResourceNotFoundException,
  RetrieveAndGenerateCommand,
  type RetrieveAndGenerateCommandInput,
  RetrieveAndGenerateStreamCommand,
  RetrieveCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { ApplyGuardrailCommand, BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localGuardrail } from '../../config/guardrail.ts';
import {
  type BedrockEmulator,
  type StreamFaults,
  startBedrockEmulator,
} from '../../local/bedrock-emulator/index.ts';
import type { ServiceName } from '../../local/bedrock-emulator/protocol/service-model.ts';
import { rejection } from '../helpers/rejection.ts';
import { judgeResponse } from './response-conformance.ts';
import { type WireExchange, WireRecorder } from './wire-recorder.ts';

const KB = 'KBCONFORM1';
const S3_DS = 'DSDOCS0001';
const CONFLUENCE_DS = 'DSCONF0001';
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ACTIVE_MODEL = 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0';
const root = join(import.meta.dirname, '..', '..', 'local');

describe('the emulator against AWS service models', () => {
  let emulator: BedrockEmulator;
  const recorder = new WireRecorder();
  let runtime: BedrockAgentRuntimeClient;
  let guardrails: BedrockRuntimeClient;
  let agent: BedrockAgentClient;
  let controlPlane: BedrockClient;
  /** Operations judged, and events judged by type, with every divergence found. */
  const judged = new Set<string>();
  const events = new Map<string, number>();
  const divergences: string[] = [];
  const streamFaults: StreamFaults = {};

  async function judge(service: ServiceName, operation: string, exchange: WireExchange) {
    const verdict = await judgeResponse(service, operation, exchange);
    judged.add(`${service}:${operation}`);
    for (const [type, count] of verdict.events) events.set(type, (events.get(type) ?? 0) + count);
    divergences.push(...verdict.divergences);
    return verdict;
  }

  beforeAll(async () => {
    emulator = await startBedrockEmulator({
      port: 0,
      knowledgeBases: [
        {
          knowledgeBaseId: KB,
          dataSources: [
            { dataSourceId: S3_DS, type: 'S3', folder: join(root, 'sample-kb'), bucketName: 'lantern-docs' },
            { dataSourceId: CONFLUENCE_DS, type: 'CONFLUENCE', folder: join(root, 'sample-confluence') },
          ],
        },
      ],
      streamPacing: { chunkDelayMs: 0, chunkChars: 24 },
      streamFaults,
    });
    await emulator.ingest();
    const common = { endpoint: emulator.url, region: REGION, credentials, maxAttempts: 1 };
    runtime = new BedrockAgentRuntimeClient({ ...common, requestHandler: recorder.handler('h2') });
    guardrails = new BedrockRuntimeClient({ ...common, requestHandler: recorder.handler('h2') });
    agent = new BedrockAgentClient({ ...common, requestHandler: recorder.handler('http/1.1') });
    controlPlane = new BedrockClient({ ...common, requestHandler: recorder.handler('http/1.1') });
  });

  afterAll(async () => {
    runtime?.destroy();
    guardrails?.destroy();
    agent?.destroy();
    controlPlane?.destroy();
    await emulator?.close();
    // The figures the closing note reports: what was judged, and that nothing diverged.
    console.info(
      `conformance: ${judged.size} operations, ${[...events.values()].reduce((a, b) => a + b, 0)} events ` +
        `(${[...events].map(([type, n]) => `${type} ${n}`).join(', ')}), ${divergences.length} divergences`,
    );
  });

  const ragInput = (text: string, guarded: boolean): RetrieveAndGenerateCommandInput => ({
    input: { text },
    retrieveAndGenerateConfiguration: {
      type: 'KNOWLEDGE_BASE',
      knowledgeBaseConfiguration: {
        knowledgeBaseId: KB,
        modelArn: ACTIVE_MODEL,
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } },
        ...(guarded
          ? {
              generationConfiguration: {
                guardrailConfiguration: {
                  guardrailId: localGuardrail.id,
                  guardrailVersion: localGuardrail.version,
                },
              },
            }
          : {}),
      },
    },
  });

  it('Retrieve answers in RetrieveResponse', async () => {
    const response = await runtime.send(
      new RetrieveCommand({ knowledgeBaseId: KB, retrievalQuery: { text: 'How do I reset my password?' } }),
    );
    expect(response.retrievalResults?.length).toBeGreaterThan(0);
    expect((await judge('bedrock-agent-runtime', 'Retrieve', recorder.last())).divergences).toEqual([]);
  });

  it('RetrieveAndGenerate answers in RetrieveAndGenerateResponse, with and without a guardrail', async () => {
    for (const guarded of [false, true]) {
      const response = await runtime.send(
        new RetrieveAndGenerateCommand(ragInput('How do I reset my password?', guarded)),
      );
      expect(response.citations?.length).toBeGreaterThan(0);
      expect(response.guardrailAction !== undefined).toBe(guarded);
      const verdict = await judge('bedrock-agent-runtime', 'RetrieveAndGenerate', recorder.last());
      expect(verdict.divergences).toEqual([]);
    }
  });

  it('RetrieveAndGenerateStream sends only events of its union, each in its shape', async () => {
    for (const guarded of [false, true]) {
      const response = await runtime.send(
        new RetrieveAndGenerateStreamCommand(ragInput('How do I reset my password?', guarded)),
      );
      let text = '';
      for await (const event of response.stream ?? []) text += event.output?.text ?? '';
      expect(text.length).toBeGreaterThan(0);
      const verdict = await judge('bedrock-agent-runtime', 'RetrieveAndGenerateStream', recorder.last());
      expect(verdict.divergences).toEqual([]);
      expect(verdict.events.get('output')).toBeGreaterThan(0);
      expect(verdict.events.get('citation')).toBeGreaterThan(0);
      expect(verdict.events.has('guardrail')).toBe(guarded);
    }
  });

  it('RetrieveAndGenerateStream reports a failure after the answer began as an exception event of its union', async () => {
    streamFaults.exceptionAfterEvents = { events: 2, shape: 'ThrottlingException' };
    try {
      const response = await runtime.send(
        new RetrieveAndGenerateStreamCommand(ragInput('How do I reset my password?', false)),
      );
      const failure = await rejection(
        (async () => {
          for await (const _event of response.stream ?? []);
        })(),
      );
      expect(failure).toBeInstanceOf(ThrottlingException);
      const verdict = await judge('bedrock-agent-runtime', 'RetrieveAndGenerateStream', recorder.last());
      expect(verdict.divergences).toEqual([]);
      expect(verdict.events.get('throttlingException')).toBe(1);
    } finally {
      streamFaults.exceptionAfterEvents = undefined;
    }
  });

  it('ApplyGuardrail answers in ApplyGuardrailResponse', async () => {
    await guardrails.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: localGuardrail.id,
        guardrailVersion: localGuardrail.version,
        source: 'INPUT',
        content: [{ text: { text: 'My email is jane.doe@example.com, can you reset my password?' } }],
      }),
    );
    expect((await judge('bedrock-runtime', 'ApplyGuardrail', recorder.last())).divergences).toEqual([]);
  });

  it('ApplyGuardrail with outputScope FULL (every filter, topic and PII type listed) answers in its shape', async () => {
    await guardrails.send(
      new ApplyGuardrailCommand({
        guardrailIdentifier: localGuardrail.id,
        guardrailVersion: localGuardrail.version,
        source: 'INPUT',
        content: [{ text: { text: 'My email is jane.doe@example.com, can you reset my password?' } }],
        outputScope: 'FULL',
      }),
    );
    expect((await judge('bedrock-runtime', 'ApplyGuardrail', recorder.last())).divergences).toEqual([]);
  });

  it('the ingestion-job operations and GetDataSource answer in their shapes and statuses', async () => {
    const ids = { knowledgeBaseId: KB, dataSourceId: S3_DS };
    const started = await agent.send(new StartIngestionJobCommand(ids));
    expect((await judge('bedrock-agent', 'StartIngestionJob', recorder.last())).divergences).toEqual([]);
    const ingestionJobId = started.ingestionJob?.ingestionJobId ?? '';
    await agent.send(new GetIngestionJobCommand({ ...ids, ingestionJobId }));
    expect((await judge('bedrock-agent', 'GetIngestionJob', recorder.last())).divergences).toEqual([]);
    await agent.send(
      new ListIngestionJobsCommand({
        ...ids,
        filters: [{ attribute: 'STATUS', operator: 'EQ', values: ['STARTING', 'IN_PROGRESS', 'COMPLETE'] }],
        sortBy: { attribute: 'STARTED_AT', order: 'DESCENDING' },
        maxResults: 10,
      }),
    );
    expect((await judge('bedrock-agent', 'ListIngestionJobs', recorder.last())).divergences).toEqual([]);
    // A job may already have finished; stopping it is then a ConflictException, judged as an error.
    await agent.send(new StopIngestionJobCommand({ ...ids, ingestionJobId })).catch(() => undefined);
    expect((await judge('bedrock-agent', 'StopIngestionJob', recorder.last())).divergences).toEqual([]);
    for (const dataSourceId of [S3_DS, CONFLUENCE_DS]) {
      await agent.send(new GetDataSourceCommand({ knowledgeBaseId: KB, dataSourceId }));
      expect((await judge('bedrock-agent', 'GetDataSource', recorder.last())).divergences).toEqual([]);
    }
  });

  it('GetFoundationModel reports an Active or Legacy model from the dated file, in the region asked', async () => {
    const active = await controlPlane.send(
      new GetFoundationModelCommand({ modelIdentifier: 'amazon.nova-lite-v1:0' }),
    );
    expect(active.modelDetails).toEqual({
      modelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0',
      modelId: 'amazon.nova-lite-v1:0',
      modelName: 'Nova Lite',
      providerName: 'Amazon',
      modelLifecycle: { status: 'ACTIVE' },
    });
    expect((await judge('bedrock', 'GetFoundationModel', recorder.last())).divergences).toEqual([]);
    const legacy = await controlPlane.send(
      new GetFoundationModelCommand({
        modelIdentifier:
          'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      }),
    );
    expect(legacy.modelDetails?.modelLifecycle?.status).toBe('LEGACY');
    expect((await judge('bedrock', 'GetFoundationModel', recorder.last())).divergences).toEqual([]);
  });

  it('GetFoundationModel answers a model past its end of life as AWS does', async () => {
    const gone = await rejection(
      controlPlane.send(
        new GetFoundationModelCommand({ modelIdentifier: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
      ),
    );
    expect(gone).toBeInstanceOf(ControlPlaneNotFound);
    expect(gone.$metadata?.httpStatusCode).toBe(404);
    expect(gone.message).toBe(
      'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
    );
    expect((await judge('bedrock', 'GetFoundationModel', recorder.last())).divergences).toEqual([]);
  });

  it('GetInferenceProfile describes a system-defined profile of a listed model', async () => {
    const profile = await controlPlane.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'eu.amazon.nova-lite-v1:0' }),
    );
    expect(profile).toMatchObject({
      inferenceProfileId: 'eu.amazon.nova-lite-v1:0',
      inferenceProfileArn:
        'arn:aws:bedrock:eu-west-1:000000000000:inference-profile/eu.amazon.nova-lite-v1:0',
      status: 'ACTIVE',
      type: 'SYSTEM_DEFINED',
      models: [{ modelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0' }],
    });
    expect((await judge('bedrock', 'GetInferenceProfile', recorder.last())).divergences).toEqual([]);
    for (const missing of ['eu.no.such-model-v1:0', 'us.amazon.nova-lite-v1:0']) {
      // An unknown profile, and a US one, which Europe's regions do not offer.
      const unknown = await rejection(
        controlPlane.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: missing })),
      );
      expect(unknown, missing).toBeInstanceOf(ControlPlaneNotFound);
      expect((await judge('bedrock', 'GetInferenceProfile', recorder.last())).divergences).toEqual([]);
    }
  });

  it('refuses an out-of-range numberOfResults with a ValidationException naming the member', async () => {
    const error = await rejection(
      runtime.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'password' },
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 101 } },
        }),
      ),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      "1 validation error detected: Value '101' at 'retrievalConfiguration.vectorSearchConfiguration.numberOfResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    expect((await judge('bedrock-agent-runtime', 'Retrieve', recorder.last())).divergences).toEqual([]);
  });

  it('refuses a malformed model ARN with a ValidationException naming the member and the pattern', async () => {
    const input = ragInput('How do I reset my password?', false);
    const malformed = 'arn:aws:bedrock:eu-west-1::foundation-model/Nova Lite';
    const configuration = input.retrieveAndGenerateConfiguration;
    const withArn = {
      ...input,
      retrieveAndGenerateConfiguration: {
        ...configuration,
        type: 'KNOWLEDGE_BASE' as const,
        knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: malformed },
      },
    };
    for (const command of [
      new RetrieveAndGenerateCommand(withArn),
      new RetrieveAndGenerateStreamCommand(withArn),
    ]) {
      const error = await rejection(runtime.send(command as RetrieveAndGenerateCommand));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toMatch(
        new RegExp(
          `^1 validation error detected: Value '${malformed}' at 'retrieveAndGenerateConfiguration\\.knowledgeBaseConfiguration\\.modelArn' failed to satisfy constraint: Member must satisfy regular expression pattern: \\^\\(arn:aws`,
        ),
      );
    }
  });

  it("refuses to generate with an embedding model or another geography's profile, as AWS does", async () => {
    const input = ragInput('How do I reset my password?', false);
    const refusals = [
      [
        'arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0',
        'The model arn provided is not supported. Please check your configuration and retry the request.',
      ],
      [
        'arn:aws:bedrock:eu-west-1:000000000000:inference-profile/us.amazon.nova-lite-v1:0',
        'The provided model identifier is invalid.',
      ],
    ];
    for (const [modelArn, message] of refusals) {
      const request = {
        ...input,
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE' as const,
          knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn },
        },
      };
      for (const command of [
        new RetrieveAndGenerateCommand(request),
        new RetrieveAndGenerateStreamCommand(request),
      ]) {
        const error = await rejection(runtime.send(command as RetrieveAndGenerateCommand));
        expect(error, modelArn).toBeInstanceOf(ValidationException);
        expect(error.message).toBe(message);
      }
    }
  });

  it('refuses a generation model past its end of life with the error AWS gives', async () => {
    const input = ragInput('How do I reset my password?', false);
    const eol = 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0';
    const error = await rejection(
      runtime.send(
        new RetrieveAndGenerateCommand({
          ...input,
          retrieveAndGenerateConfiguration: {
            type: 'KNOWLEDGE_BASE',
            knowledgeBaseConfiguration: { knowledgeBaseId: KB, modelArn: eol },
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(
      'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
    );
    expect(
      (await judge('bedrock-agent-runtime', 'RetrieveAndGenerate', recorder.last())).divergences,
    ).toEqual([]);
  });

  it('Rerank and filtered, reranked retrieval answer in their shapes', async () => {
    // Rerank models are not offered in eu-west-1: this client signs for Frankfurt, where they are.
    const frankfurt = new BedrockAgentRuntimeClient({
      endpoint: emulator.url,
      region: 'eu-central-1',
      credentials,
      maxAttempts: 1,
      requestHandler: recorder.handler('h2'),
    });
    try {
      const modelArn = 'arn:aws:bedrock:eu-central-1::foundation-model/amazon.rerank-v1:0';
      const reranked = await frankfurt.send(
        new RerankCommand({
          queries: [{ type: 'TEXT', textQuery: { text: 'reset my password' } }],
          sources: ['Reset a forgotten password from the sign-in page.', 'Invite a teammate.'].map(
            (text) => ({
              type: 'INLINE',
              inlineDocumentSource: { type: 'TEXT', textDocument: { text } },
            }),
          ),
          rerankingConfiguration: {
            type: 'BEDROCK_RERANKING_MODEL',
            bedrockRerankingConfiguration: { modelConfiguration: { modelArn } },
          },
        }),
      );
      expect(reranked.results?.[0]?.index).toBe(0);
      expect((await judge('bedrock-agent-runtime', 'Rerank', recorder.last())).divergences).toEqual([]);

      const retrieved = await frankfurt.send(
        new RetrieveCommand({
          knowledgeBaseId: KB,
          retrievalQuery: { text: 'How do I reset my password?' },
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 5,
              filter: { equals: { key: 'x-amz-bedrock-kb-data-source-id', value: S3_DS } },
              rerankingConfiguration: {
                type: 'BEDROCK_RERANKING_MODEL',
                bedrockRerankingConfiguration: {
                  modelConfiguration: { modelArn },
                  numberOfRerankedResults: 2,
                },
              },
            },
          },
        }),
      );
      expect(retrieved.retrievalResults?.length).toBe(2);
      expect((await judge('bedrock-agent-runtime', 'Retrieve', recorder.last())).divergences).toEqual([]);
    } finally {
      frankfurt.destroy();
    }
  });

  it('covers every operation Lantern uses, with no divergence from the models', () => {
    expect([...judged].sort()).toEqual([
      'bedrock-agent-runtime:Rerank',
      'bedrock-agent-runtime:Retrieve',
      'bedrock-agent-runtime:RetrieveAndGenerate',
      'bedrock-agent-runtime:RetrieveAndGenerateStream',
      'bedrock-agent:GetDataSource',
      'bedrock-agent:GetIngestionJob',
      'bedrock-agent:ListIngestionJobs',
      'bedrock-agent:StartIngestionJob',
      'bedrock-agent:StopIngestionJob',
      'bedrock-runtime:ApplyGuardrail',
      'bedrock:GetFoundationModel',
      'bedrock:GetInferenceProfile',
    ]);
    expect(divergences).toEqual([]);
  });
});
