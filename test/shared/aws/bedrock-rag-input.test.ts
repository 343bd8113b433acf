import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { describe, expect, it } from 'vitest';
import { ragSettingsFor } from '../../../shared/answers/answer-request.ts';
import { BedrockRag } from '../../../shared/aws/bedrock-rag.ts';
import { configureFromSettings } from '../../../shared/aws/bedrock-rag-settings.ts';
import { answers, PROMPT, profile } from '../answers/fixtures.ts';

const options = {
  knowledgeBaseId: 'KB12345678',
  modelArn: 'default-model',
  numberOfResults: 5,
  guardrail: { guardrailId: 'gr1', guardrailVersion: '1' },
};
const rag = new BedrockRag({} as BedrockAgentRuntimeClient, { ...options, configure: configureFromSettings });

describe('BedrockRag.input', () => {
  it('sends what it always sent for a request without settings', () => {
    expect(rag.input({ text: 'hi', bedrockSessionId: 'b-1' })).toEqual({
      input: { text: 'hi' },
      sessionId: 'b-1',
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: 'KB12345678',
          modelArn: 'default-model',
          retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } },
          generationConfiguration: { guardrailConfiguration: { guardrailId: 'gr1', guardrailVersion: '1' } },
        },
      },
    });
  });

  it('sends the same without a configurer, which functions without answer profiles use', () => {
    const plain = new BedrockRag({} as BedrockAgentRuntimeClient, options);
    expect(plain.input({ text: 'hi', bedrockSessionId: 'b-1' })).toEqual(
      rag.input({ text: 'hi', bedrockSessionId: 'b-1' }),
    );
  });

  it("carries a reranking profile's model, filter, reranking, prompt and inference settings", () => {
    const settings = ragSettingsFor(
      profile('acme'),
      { filter: { greaterThan: { key: 'year', value: 2023 } } },
      answers,
    );
    expect(rag.input({ text: 'hi', settings })).toEqual({
      input: { text: 'hi' },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: 'KB12345678',
          modelArn: 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 8,
              filter: {
                andAll: [
                  { equals: { key: 'tenant', value: 'acme' } },
                  { greaterThan: { key: 'year', value: 2023 } },
                ],
              },
              rerankingConfiguration: {
                type: 'BEDROCK_RERANKING_MODEL',
                bedrockRerankingConfiguration: {
                  modelConfiguration: {
                    modelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/cohere.rerank-v3-5:0',
                  },
                  numberOfRerankedResults: 3,
                },
              },
            },
          },
          generationConfiguration: {
            promptTemplate: { textPromptTemplate: PROMPT },
            inferenceConfig: {
              textInferenceConfig: { temperature: 0.1, maxTokens: 500, stopSequences: ['END'] },
            },
            guardrailConfiguration: { guardrailId: 'gr1', guardrailVersion: '1' },
          },
        },
      },
    });
  });

  it("carries a decomposing profile's orchestration prompt and query transformation", () => {
    const settings = ragSettingsFor(profile('globex'), {}, answers);
    expect(rag.input({ text: 'hi', settings })).toEqual({
      input: { text: 'hi' },
      retrieveAndGenerateConfiguration: {
        type: 'KNOWLEDGE_BASE',
        knowledgeBaseConfiguration: {
          knowledgeBaseId: 'KB12345678',
          modelArn: 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
          retrievalConfiguration: {
            vectorSearchConfiguration: {
              numberOfResults: 5,
              filter: { equals: { key: 'tenant', value: 'globex' } },
            },
          },
          generationConfiguration: { guardrailConfiguration: { guardrailId: 'gr1', guardrailVersion: '1' } },
          orchestrationConfiguration: {
            promptTemplate: {
              textPromptTemplate: 'Rewrite. $conversation_history$ $output_format_instructions$',
            },
            queryTransformationConfiguration: { type: 'QUERY_DECOMPOSITION' },
          },
        },
      },
    });
  });
});
