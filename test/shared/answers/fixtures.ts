import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type AnswerProfile, findProfile, parseAnswerSettings } from '../../../config/answer-settings.ts';
import type { AnswerEnvironment } from '../../../shared/answers/answer-environment.ts';

export const DEFAULT_MODEL = 'us.amazon.nova-lite-v1:0';
export const PROMPT = 'Acme voice.\n$search_results$\n$output_format_instructions$';

/** Two tenants on one knowledge base, one with reranking and its own prompt. */
export const settingsJson = {
  attributes: [
    { name: 'tenant', type: 'string' },
    { name: 'year', type: 'number' },
    { name: 'tags', type: 'stringList' },
  ],
  profiles: {
    acme: {
      filter: { equals: { key: 'tenant', value: 'acme' } },
      models: [DEFAULT_MODEL, 'amazon.nova-pro-v1:0'],
      numberOfResults: 8,
      reranking: { modelId: 'cohere.rerank-v3-5:0', numberOfRerankedResults: 3 },
      generationPrompt: PROMPT,
      inference: { temperature: 0.1, maxTokens: 500, stopSequences: ['END'] },
    },
    globex: {
      filter: { equals: { key: 'tenant', value: 'globex' } },
      queryDecomposition: true,
      orchestrationPrompt: 'Rewrite. $conversation_history$ $output_format_instructions$',
    },
  },
};

export const answers: AnswerEnvironment = {
  settings: parseAnswerSettings(settingsJson, {
    source: 'test',
    defaultModel: DEFAULT_MODEL,
    today: '2026-12-07',
  }),
  keyProfiles: new Map([
    ['key-acme', 'acme'],
    ['key-globex', 'globex'],
  ]),
  modelArns: new Map([
    [DEFAULT_MODEL, 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0'],
  ]),
  defaultModelArn: DEFAULT_MODEL,
  region: 'eu-west-1',
};

/** An API Gateway event for `body`, from an API key and/or through the Lambda authorizer. */
export function chatEvent(options: {
  readonly body?: unknown;
  readonly apiKeyId?: string;
  readonly authorizer?: Record<string, string>;
}): APIGatewayProxyEvent {
  return {
    resource: '/v1/chat',
    path: '/v1/chat',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify(options.body ?? { message: 'How do I export?' }),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'r-1',
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
      identity: { ...(options.apiKeyId ? { apiKeyId: options.apiKeyId } : {}) },
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A profile of the fixture settings, by name. */
export function profile(name: string): AnswerProfile {
  const found = findProfile(answers.settings, name);
  if (!found) throw new Error(`no profile ${name} in the fixture`);
  return found;
}
