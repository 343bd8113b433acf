import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizedSettingsJson, parseAnswerSettings } from '../../../config/answer-settings.ts';
import { parseAnswerEnvironment } from '../../../shared/answers/answer-environment.ts';
import { answerProfileOf } from '../../../shared/answers/answer-profile.ts';
import { ModelNotAllowedError, ragSettingsFor } from '../../../shared/answers/answer-request.ts';
import { answeringFor, defaultRetrieval } from '../../../shared/answers/chat-answering.ts';
import { ForbiddenError, ValidationError } from '../../../shared/errors.ts';
import { answers, chatEvent, DEFAULT_MODEL, PROMPT, profile, settingsJson } from './fixtures.ts';

const visitor = (profile?: string) => ({
  issuer: 'urn:lantern:visitor',
  sub: 'visitor-1',
  kind: 'visitor',
  ...(profile ? { profile } : {}),
});

describe('answerProfileOf', () => {
  it('gives an API key its profile, and a key without one the defaults', () => {
    expect(answerProfileOf(chatEvent({ apiKeyId: 'key-acme' }), answers).name).toBe('acme');
    expect(answerProfileOf(chatEvent({ apiKeyId: 'key-other' }), answers).name).toBe('default');
  });

  it('gives a visitor the profile its token was minted for', () => {
    expect(answerProfileOf(chatEvent({ authorizer: visitor('globex') }), answers).name).toBe('globex');
    expect(answerProfileOf(chatEvent({ authorizer: visitor() }), answers).name).toBe('default');
  });

  it('gives a signed-in user the defaults, or the key profile where the route takes a key too', () => {
    const user = { issuer: 'https://idp.example.com', sub: 'u-1', kind: 'user', profile: 'acme' };
    expect(answerProfileOf(chatEvent({ authorizer: user }), answers).name).toBe('default');
    expect(answerProfileOf(chatEvent({ authorizer: user, apiKeyId: 'key-globex' }), answers).name).toBe(
      'globex',
    );
  });

  it("refuses a visitor token sent with another profile's key, or naming a profile that is gone", () => {
    expect(() =>
      answerProfileOf(chatEvent({ authorizer: visitor('acme'), apiKeyId: 'key-globex' }), answers),
    ).toThrow(ForbiddenError);
    expect(() => answerProfileOf(chatEvent({ authorizer: visitor('initech') }), answers)).toThrow(
      ForbiddenError,
    );
  });
});

describe('ragSettingsFor', () => {
  it("sends the profile's settings, its first model and the rerank model's ARN in the stack's region", () => {
    expect(ragSettingsFor(profile('acme'), {}, answers)).toEqual({
      modelArn: 'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
      numberOfResults: 8,
      filter: { equals: { key: 'tenant', value: 'acme' } },
      reranking: {
        modelArn: 'arn:aws:bedrock:eu-west-1::foundation-model/cohere.rerank-v3-5:0',
        numberOfRerankedResults: 3,
      },
      generationPrompt: PROMPT,
      inference: { temperature: 0.1, maxTokens: 500, stopSequences: ['END'] },
    });
  });

  it('ANDs the request filter with the profile filter and takes an allowed model', () => {
    const settings = ragSettingsFor(
      profile('acme'),
      { filter: { equals: { key: 'tenant', value: 'globex' } }, model: 'amazon.nova-pro-v1:0' },
      answers,
    );
    expect(settings.modelArn).toBe('amazon.nova-pro-v1:0');
    expect(settings.filter).toEqual({
      andAll: [{ equals: { key: 'tenant', value: 'acme' } }, { equals: { key: 'tenant', value: 'globex' } }],
    });
  });

  it('refuses a model outside the allow-list with 403 MODEL_NOT_ALLOWED naming the allowed ones', () => {
    let error: unknown;
    try {
      ragSettingsFor(profile('acme'), { model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' }, answers);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelNotAllowedError);
    expect(error).toMatchObject({
      status: 403,
      code: 'MODEL_NOT_ALLOWED',
      message: `Model anthropic.claude-sonnet-4-5-20250929-v1:0 is not allowed for this API key; allowed: ${DEFAULT_MODEL}, amazon.nova-pro-v1:0`,
    });
  });

  it('refuses a bad filter with 400 naming the problem', () => {
    expect(() =>
      ragSettingsFor(profile('acme'), { filter: { equals: { key: 'team', value: 'x' } } }, answers),
    ).toThrow(
      new ValidationError(
        'filter.equals.key: "team" is not a declared filterable attribute (declared: tenant, year, tags)',
      ),
    );
  });

  it('refuses with 400 a condition the vector store cannot evaluate, wherever it sits in the filter', () => {
    const onS3Vectors = { ...answers, vectorStore: 's3-vectors' as const };
    const nested = {
      andAll: [
        { equals: { key: 'tenant', value: 'acme' } },
        {
          orAll: [{ in: { key: 'year', value: [2025] } }, { stringContains: { key: 'tags', value: 'bill' } }],
        },
      ],
    };
    expect(() => ragSettingsFor(profile('acme'), { filter: nested }, onS3Vectors)).toThrow(
      new ValidationError(
        'filter.andAll[1].orAll[1].stringContains: this knowledge base keeps its vectors in S3 Vectors, which filters by equality, ranges and lists, not by prefix or substring (use equals or in)',
      ),
    );
    const prefix = { startsWith: { key: 'tenant', value: 'ac' } };
    expect(() => ragSettingsFor(profile('acme'), { filter: prefix }, onS3Vectors)).toThrow(
      /filter\.startsWith: /,
    );
    // OpenSearch Serverless evaluates both, and so does a deployment that does not say.
    for (const store of [{ vectorStore: 'opensearch-serverless' as const }, {}]) {
      expect(
        ragSettingsFor(profile('acme'), { filter: nested }, { ...answers, ...store }).filter,
      ).toBeDefined();
    }
    expect(
      ragSettingsFor(profile('acme'), { filter: { listContains: { key: 'tags', value: 'x' } } }, onS3Vectors)
        .filter,
    ).toBeDefined();
  });

  it('refuses, rather than drops the profile filter, when the two cannot be combined within limits', () => {
    const a = { equals: { key: 'tenant', value: 'a' } };
    const wide = { andAll: [a, a, a, a, { orAll: [a, a] }] };
    const tight = { ...profile('globex'), filter: { orAll: [a, { andAll: [a, a] }] } };
    expect(() => ragSettingsFor(tight, { filter: wide }, answers)).toThrow(ValidationError);
  });
});

describe('answeringFor without answer settings', () => {
  it('adds nothing to a turn that chose nothing and still refuses a filter or a model', () => {
    expect(answeringFor(chatEvent({ apiKeyId: 'k' }), {}, undefined)).toEqual({});
    expect(() => answeringFor(chatEvent({ apiKeyId: 'k' }), { model: 'x' }, undefined)).toThrow(
      ModelNotAllowedError,
    );
    expect(() =>
      answeringFor(chatEvent({ apiKeyId: 'k' }), { filter: { equals: { key: 'a', value: 1 } } }, undefined),
    ).toThrow(/not a declared filterable attribute \(declared: none\)/);
  });

  it('sends the defaults as Lantern always did when no file is given', () => {
    const environment = parseAnswerEnvironment({ MODEL_ARN: 'model-x' });
    expect(defaultRetrieval(environment)).toEqual({ modelArn: 'model-x', numberOfResults: 5 });
  });
});

describe('parseAnswerEnvironment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'answer-env-'));
  const file = join(dir, 'answers.json');
  // As synth bundles it and npm start writes it: checked, then every profile spelled out.
  writeFileSync(
    file,
    normalizedSettingsJson(
      parseAnswerSettings(settingsJson, { source: 'test', defaultModel: DEFAULT_MODEL }),
    ),
  );

  const outlineless = join(dir, 'raw.json');
  writeFileSync(outlineless, JSON.stringify({ profiles: { acme: {} } }));

  it('reads the file, the key profiles and the model ARNs', () => {
    const environment = parseAnswerEnvironment({
      MODEL_ARN: DEFAULT_MODEL,
      AWS_REGION: 'eu-west-1',
      ANSWER_SETTINGS_FILE: file,
      API_KEY_PROFILES: '{"abc123":"acme"}',
      MODEL_ARNS:
        '{"amazon.nova-pro-v1:0":"arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-pro-v1:0"}',
    });
    expect(environment.settings.profiles.map((profile) => profile.name)).toEqual(['acme', 'globex']);
    expect([...environment.keyProfiles]).toEqual([['abc123', 'acme']]);
    expect(environment.region).toBe('eu-west-1');
    expect(environment.vectorStore).toBeUndefined();
    expect(parseAnswerEnvironment({ MODEL_ARN: DEFAULT_MODEL, VECTOR_STORE: 's3-vectors' }).vectorStore).toBe(
      's3-vectors',
    );
  });

  it.each([
    [{ ANSWER_SETTINGS_FILE: join(dir, 'missing.json') }, 'ANSWER_SETTINGS_FILE'],
    [{ ANSWER_SETTINGS_FILE: outlineless }, 'is not an answer settings file as synth and npm start write it'],
    [{ API_KEY_PROFILES: '[1]' }, 'API_KEY_PROFILES must be a JSON object'],
    [
      { API_KEY_PROFILES: '{"abc":"nobody"}' },
      'maps key abc to "nobody", which the settings file does not define',
    ],
    [{ MODEL_ARNS: '{"m": 3}' }, 'MODEL_ARNS must map non-empty strings'],
    [{ MODEL_ARNS: 'not json' }, 'MODEL_ARNS must be a JSON object'],
    [{ VECTOR_STORE: 'pinecone' }, 'VECTOR_STORE must be s3-vectors or opensearch-serverless, not pinecone'],
  ])('fails at cold start with a ConfigError naming the variable (%j)', (env, message) => {
    expect(() => parseAnswerEnvironment({ MODEL_ARN: DEFAULT_MODEL, ...env })).toThrow(message);
  });
});
