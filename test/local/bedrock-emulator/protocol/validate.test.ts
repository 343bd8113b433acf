import { describe, expect, it } from 'vitest';
import { bindMessage } from '../../../../local/bedrock-emulator/protocol/bind.ts';
import { serviceModel } from '../../../../local/bedrock-emulator/protocol/service-model.ts';
import { checkShape, validationMessage } from '../../../../local/bedrock-emulator/protocol/validate.ts';
import { requestValidator } from '../../../../local/bedrock-emulator/protocol/validate-request.ts';

const agentRuntime = serviceModel('bedrock-agent-runtime');
const runtime = serviceModel('bedrock-runtime');
const agent = serviceModel('bedrock-agent');
const controlPlane = serviceModel('bedrock');

const message = (model: ReturnType<typeof serviceModel>, shape: string, value: unknown) =>
  validationMessage(checkShape(model, shape, value));

const validRag = {
  input: { text: 'How do I reset my password?' },
  retrieveAndGenerateConfiguration: {
    type: 'KNOWLEDGE_BASE',
    knowledgeBaseConfiguration: {
      knowledgeBaseId: 'KB12345678',
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0',
    },
  },
};

describe('model-backed request validation', () => {
  it('accepts what the model allows, including members it does not know (AWS ignores them)', () => {
    expect(checkShape(agentRuntime, 'RetrieveAndGenerateRequest', validRag)).toEqual([]);
    expect(checkShape(agentRuntime, 'RetrieveAndGenerateRequest', { ...validRag, extra: 1 })).toEqual([]);
    for (const modelArn of [
      'us.amazon.nova-lite-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
      'amazon.nova-lite-v1:0',
    ]) {
      const request = structuredClone(validRag);
      request.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.modelArn = modelArn;
      expect(checkShape(agentRuntime, 'RetrieveAndGenerateRequest', request), modelArn).toEqual([]);
    }
  });

  it('names a missing required member, as AWS does', () => {
    expect(
      message(agentRuntime, 'RetrieveAndGenerateRequest', { retrieveAndGenerateConfiguration: {} }),
    ).toBe(
      "2 validation errors detected: Value null at 'input' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'retrieveAndGenerateConfiguration.type' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports lengths, ranges, patterns and enums with the value, and hides sensitive values', () => {
    const request = structuredClone(validRag) as Record<string, unknown> & typeof validRag;
    request.input.text = 'x'.repeat(1001);
    Object.assign(request.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration, {
      knowledgeBaseId: 'kb-1',
      retrievalConfiguration: {
        vectorSearchConfiguration: { numberOfResults: 0, overrideSearchType: 'FUZZY' },
      },
    });
    const violations = checkShape(agentRuntime, 'RetrieveAndGenerateRequest', request);
    const kbPath = 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration';
    expect(violations).toEqual([
      {
        path: 'input.text',
        shown: undefined,
        constraint: 'Member must have length less than or equal to 1000',
      },
      {
        path: `${kbPath}.knowledgeBaseId`,
        shown: "'kb-1'",
        constraint: 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z]+$',
      },
      {
        path: `${kbPath}.retrievalConfiguration.vectorSearchConfiguration.numberOfResults`,
        shown: "'0'",
        constraint: 'Member must have value greater than or equal to 1',
      },
      {
        path: `${kbPath}.retrievalConfiguration.vectorSearchConfiguration.overrideSearchType`,
        shown: "'FUZZY'",
        constraint: 'Member must satisfy enum value set: [HYBRID, SEMANTIC]',
      },
    ]);
  });

  it('walks lists (AWS numbers items from 1) and requires exactly one member of a union', () => {
    const request = structuredClone(validRag);
    Object.assign(request.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration, {
      generationConfiguration: {
        inferenceConfig: { textInferenceConfig: { stopSequences: ['a', 'b', 'c', 'd', ''] } },
      },
    });
    const stops =
      'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.generationConfiguration.inferenceConfig.textInferenceConfig.stopSequences';
    expect(message(agentRuntime, 'RetrieveAndGenerateRequest', request)).toBe(
      `2 validation errors detected: Value '[a, b, c, d, ]' at '${stops}' failed to satisfy constraint: Member must have length less than or equal to 4; ` +
        `Value '' at '${stops}.5.member' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
    const base = { guardrailIdentifier: 'abc', guardrailVersion: '1', source: 'INPUT' };
    const twoMembers = [
      { text: { text: 'a' } },
      { text: { text: 'b' }, image: { format: 'png', source: {} } },
    ];
    expect(checkShape(runtime, 'ApplyGuardrailRequest', { ...base, content: twoMembers })).toEqual([
      {
        path: 'content.2.member',
        shown: undefined,
        constraint: 'Member must have exactly one of its members set: [text, image]',
      },
      {
        path: 'content.2.member.image.source',
        shown: undefined,
        constraint: 'Member must have exactly one of its members set: [bytes]',
      },
    ]);
    expect(
      checkShape(runtime, 'ApplyGuardrailRequest', {
        ...base,
        content: [{ text: { text: 'a', qualifiers: ['x'] } }],
      }),
    ).toEqual([
      {
        path: 'content.1.member.text.qualifiers.1.member',
        shown: "'x'",
        constraint: 'Member must satisfy enum value set: [grounding_source, query, guard_content]',
      },
    ]);
  });

  it('walks map keys and values, and leaves free-form documents alone', () => {
    const filter = (equals: unknown) => ({
      retrievalQuery: { text: 'q' },
      knowledgeBaseId: 'KB12345678',
      retrievalConfiguration: { vectorSearchConfiguration: { filter: { equals } } },
    });
    expect(
      checkShape(agentRuntime, 'RetrieveRequest', filter({ key: 'team', value: { any: ['json'] } })),
    ).toEqual([]);
    expect(checkShape(agentRuntime, 'RetrieveRequest', filter({ key: '', value: 1 }))[0]?.path).toBe(
      'retrievalConfiguration.vectorSearchConfiguration.filter.equals.key',
    );
    const withMetadata = { ...filter({ key: 'k', value: 1 }), retrievalQuery: { text: 'q' } };
    expect(checkShape(agentRuntime, 'RetrieveRequest', withMetadata)).toEqual([]);
  });

  it('binds URI labels, query strings and headers to their members before checking', () => {
    const job = bindMessage(agent, 'GetIngestionJobRequest', {
      params: { knowledgeBaseId: 'KB12345678', dataSourceId: 'short', ingestionJobId: 'JOB1234567' },
      headers: {},
      body: { knowledgeBaseId: 'ignored: bound to the URI' },
    });
    expect(job).toEqual({
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'short',
      ingestionJobId: 'JOB1234567',
    });
    expect(message(agent, 'GetIngestionJobRequest', job)).toBe(
      "1 validation error detected: Value 'short' at 'dataSourceId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z]{10}",
    );
    const list = bindMessage(controlPlane, 'ListFoundationModelsRequest', {
      query: new URLSearchParams('byOutputModality=SOUND&byProvider=Amazon'),
      headers: {},
      body: {},
    });
    expect(message(controlPlane, 'ListFoundationModelsRequest', list)).toBe(
      "1 validation error detected: Value 'SOUND' at 'byOutputModality' failed to satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]",
    );
    const invoke = bindMessage(runtime, 'InvokeModelRequest', {
      params: { modelId: 'amazon.nova-lite-v1:0' },
      headers: { 'x-amzn-bedrock-trace': 'LOUD', 'content-type': 'application/json' },
      body: 'e30=',
    });
    expect(checkShape(runtime, 'InvokeModelRequest', invoke).map((v) => v.path)).toEqual(['trace']);
  });

  it('checks responses strictly: unknown members, timestamp formats, a value carried only by a deprecated member', () => {
    expect(
      checkShape(agentRuntime, 'RetrieveAndGenerateResponse', {
        sessionId: 'ab',
        output: { text: 'x' },
        extra: 1,
      }),
    ).toEqual([]);
    const strict = (shape: string, value: unknown) =>
      checkShape(agentRuntime, shape, value, { strict: true }).map((v) => `${v.path}: ${v.constraint}`);
    expect(
      strict('RetrieveAndGenerateResponse', { sessionId: 'ab', output: { text: 'x' }, extra: 1 }),
    ).toEqual(['extra: Member is not in the model']);
    expect(strict('CitationEvent', { citation: { retrievedReferences: [] } })).toEqual([
      ': Member carries its value only in deprecated members: [citation]',
    ]);
    expect(
      checkShape(agent, 'IngestionJob', { startedAt: 1_700_000_000 }, { strict: true }).map((v) => v.path),
    ).toContain('startedAt');
  });

  it('refuses to serve a route no model describes', () => {
    expect(() => requestValidator({ operation: 'Retrieve', method: 'GET', path: '/retrieve' })).toThrow(
      /No AWS service model describes Retrieve at GET \/retrieve/,
    );
    expect(() =>
      requestValidator({
        operation: 'StartIngestionJob',
        method: 'PUT',
        path: '/knowledgebases/{knowledgeBaseId}/datasources/{dataSourceId}/ingestionjobs',
      }),
    ).not.toThrow();
  });
});
