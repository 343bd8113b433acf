import {
  type KnowledgeBaseRetrieveAndGenerateConfiguration,
  RetrieveAndGenerateCommand,
  type RetrieveAndGenerateCommandOutput,
  RetrieveAndGenerateStreamCommand,
  ValidationException,
} from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../helpers/rejection.ts';
import { KB_ID, type MetadataFixture, MODEL_ARN, startMetadataEmulator, uriOf } from './metadata-fixture.ts';

const QUESTION = 'How do I download an invoice?';
const GENERATION_TEMPLATE =
  'You answer questions about invoices.\n<results>$search_results$</results>\n$output_format_instructions$';
const ORCHESTRATION_TEMPLATE = 'Rewrite the question.\n$conversation_history$\n$output_format_instructions$';
const KB_PATH = 'retrieveAndGenerateConfiguration.knowledgeBaseConfiguration';

type Settings = Omit<KnowledgeBaseRetrieveAndGenerateConfiguration, 'knowledgeBaseId' | 'modelArn'>;

describe('RetrieveAndGenerate prompt templates and inference settings', () => {
  let fixture: MetadataFixture;

  beforeAll(async () => {
    fixture = await startMetadataEmulator();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const command = (settings: Settings, text = QUESTION) =>
    new RetrieveAndGenerateCommand({
      input: { text },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: { knowledgeBaseId: KB_ID, modelArn: MODEL_ARN, ...settings },
      },
    });
  const ask = (settings: Settings, text = QUESTION) => fixture.client.send(command(settings, text));

  async function streamed(settings: Settings): Promise<{ text: string; citations: number }> {
    const response = await fixture.client.send(
      new RetrieveAndGenerateStreamCommand({
        input: { text: QUESTION },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: KB_ID, modelArn: MODEL_ARN, ...settings },
        },
      }),
    );
    let text = '';
    let citations = 0;
    for await (const event of response.stream ?? []) {
      if (event.output) text += event.output.text ?? '';
      if (event.citation) citations++;
    }
    return { text, citations };
  }

  const citedUris = (response: RetrieveAndGenerateCommandOutput) =>
    new Set(
      (response.citations ?? []).flatMap((c) =>
        (c.retrievedReferences ?? []).map((r) => r.location?.s3Location?.uri),
      ),
    );

  it('answers with citations under a template that keeps $output_format_instructions$', async () => {
    const plain = await ask({});
    const templated = await ask({
      generationConfiguration: { promptTemplate: { textPromptTemplate: GENERATION_TEMPLATE } },
      orchestrationConfiguration: { promptTemplate: { textPromptTemplate: ORCHESTRATION_TEMPLATE } },
    });
    expect(templated.output).toEqual(plain.output);
    expect(templated.citations?.length).toBeGreaterThan(0);
    expect(citedUris(templated)).toEqual(new Set([uriOf('alpha-invoices.md')]));
  });

  it('answers without citations when the generation template drops $output_format_instructions$', async () => {
    const settings: Settings = {
      generationConfiguration: { promptTemplate: { textPromptTemplate: 'Be brief.\n$search_results$' } },
    };
    const response = await ask(settings);
    expect(response.output?.text).toEqual((await ask({})).output?.text);
    expect(response.citations).toEqual([]);
    const stream = await streamed(settings);
    expect(stream).toEqual({ text: response.output?.text, citations: 0 });
  });

  it('refuses templates missing their required placeholders, naming the member', async () => {
    const error = await rejection(
      ask({
        generationConfiguration: { promptTemplate: { textPromptTemplate: 'Answer politely.' } },
        orchestrationConfiguration: {
          promptTemplate: { textPromptTemplate: '$output_format_instructions$' },
        },
      }),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe(
      `2 validation errors detected: Value at '${KB_PATH}.generationConfiguration.promptTemplate.textPromptTemplate' failed to satisfy constraint: Member must include the $search_results$ placeholder; ` +
        `Value at '${KB_PATH}.orchestrationConfiguration.promptTemplate.textPromptTemplate' failed to satisfy constraint: Member must include the $conversation_history$ placeholder`,
    );
  });

  it('refuses a template over 4000 characters, as the model bounds it', async () => {
    const error = await rejection(
      ask({
        generationConfiguration: {
          promptTemplate: {
            textPromptTemplate: `$search_results$ $output_format_instructions$ ${'x'.repeat(4000)}`,
          },
        },
      }),
    );
    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe(
      `1 validation error detected: Value at '${KB_PATH}.generationConfiguration.promptTemplate.textPromptTemplate' failed to satisfy constraint: Member must have length less than or equal to 4000`,
    );
  });

  it('cuts the answer after maxTokens words, citations clipped to it, in the stream too', async () => {
    const full = (await ask({})).output?.text ?? '';
    expect(full.split(/\s+/).length).toBeGreaterThan(6);
    const settings: Settings = {
      generationConfiguration: {
        inferenceConfig: { textInferenceConfig: { maxTokens: 6, temperature: 0.2, topP: 0.9 } },
      },
    };
    const response = await ask(settings);
    const text = response.output?.text ?? '';
    expect(text.split(/\s+/)).toHaveLength(6);
    expect(full.startsWith(text)).toBe(true);
    for (const citation of response.citations ?? []) {
      const part = citation.generatedResponsePart?.textResponsePart;
      expect((part?.span?.end ?? Number.POSITIVE_INFINITY) < text.length).toBe(true);
      expect(text.slice(part?.span?.start, (part?.span?.end ?? 0) + 1)).toBe(part?.text);
    }
    expect((await streamed(settings)).text).toBe(text);
  });

  it('stops the answer before the first stop sequence', async () => {
    const full = (await ask({})).output?.text ?? '';
    const stop = 'invoice date';
    expect(full).toContain(stop);
    const response = await ask({
      generationConfiguration: {
        inferenceConfig: { textInferenceConfig: { stopSequences: ['never there', stop] } },
      },
    });
    expect(response.output?.text).toBe(full.slice(0, full.indexOf(stop)));
  });

  it('leaves the answer alone for the orchestration step’s inference settings and model fields', async () => {
    const plain = await ask({});
    const response = await ask({
      orchestrationConfiguration: {
        inferenceConfig: { textInferenceConfig: { maxTokens: 1, stopSequences: ['invoice'] } },
        additionalModelRequestFields: { top_k: 5 },
      },
      generationConfiguration: { additionalModelRequestFields: { top_k: 5 } },
    });
    expect(response.output).toEqual(plain.output);
    expect(response.citations?.length).toBe(plain.citations?.length);
  });

  it('with QUERY_DECOMPOSITION, retrieves numberOfResults for each part of a compound question', async () => {
    const question =
      'How do I download an invoice from the Billing page; how do I export the invoice report as CSV?';
    const retrievalConfiguration = { vectorSearchConfiguration: { numberOfResults: 1 } };
    const whole = await ask({ retrievalConfiguration }, question);
    expect(citedUris(whole).size).toBe(1);
    const decomposed = await ask(
      {
        retrievalConfiguration,
        orchestrationConfiguration: { queryTransformationConfiguration: { type: 'QUERY_DECOMPOSITION' } },
      },
      question,
    );
    expect(citedUris(decomposed)).toEqual(new Set([uriOf('alpha-invoices.md'), uriOf('gamma-exports.md')]));
  });
});
