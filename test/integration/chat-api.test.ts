import { BedrockClient, GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelReference } from '../../config/bedrock-models.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import type { LocalStack } from '../../local/stack.ts';
import { API_KEY, apiClient, bootStack, OTHER_API_KEY } from '../helpers/local-stack.ts';

let stack: LocalStack;
let alice: ReturnType<typeof apiClient>;
let bob: ReturnType<typeof apiClient>;

beforeAll(async () => {
  stack = await bootStack();
  alice = apiClient(stack.url, API_KEY);
  bob = apiClient(stack.url, OTHER_API_KEY);
});
afterAll(() => stack?.close());

const citedUris = (body: { citations: { references: { sourceUri: string }[] }[] }) =>
  body.citations.flatMap((c) => c.references.map((r) => r.sourceUri));

describe('POST /v1/chat', () => {
  it('answers from the knowledge base with citations whose spans point into the answer', async () => {
    const res = await alice.chat('I forgot my password, how can I get back into my account?');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sessionId: expect.any(String),
      messageId: expect.any(String),
      answer: expect.any(String),
      guardrail: { action: 'NONE' },
    });
    expect(res.body.answer).not.toBe(knowledgeBaseSettings.noAnswerText);
    expect(res.body.citations.length).toBeGreaterThan(0);
    for (const citation of res.body.citations) {
      expect(res.body.answer.slice(citation.start, citation.end)).toBe(citation.text);
      for (const reference of citation.references) {
        expect(reference).toMatchObject({
          sourceUri: expect.stringMatching(/^s3:\/\//),
          excerpt: expect.any(String),
        });
        expect(reference.title).toEqual(expect.any(String));
      }
    }
    expect(citedUris(res.body)[0]).toMatch(/account\/reset-your-password\.md$/);
  });

  it('generates with the model the deployed stack uses by default, which the local Bedrock serves as AWS does', async () => {
    const res = await alice.chat('How do I reset my password?');
    expect(res.status).toBe(200);
    const sent = stack.emulator.requests().filter((request) => request.operation === 'RetrieveAndGenerate');
    type Sent = { retrieveAndGenerateConfiguration: { knowledgeBaseConfiguration: { modelArn: string } } };
    const modelArn = String(
      (sent.at(-1)?.body as Sent | undefined)?.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration
        .modelArn,
    );
    const model = parseModelReference(modelArn);
    expect([model.profileId, model.modelId]).toContain(knowledgeBaseSettings.generationModelId);
    if (model.kind === 'inference-profile') {
      const bedrock = new BedrockClient({
        endpoint: stack.aws.services.find((service) => service.service === 'bedrock')?.url,
        region: stack.aws.region,
        credentials: stack.aws.credentials,
      });
      const profile = await bedrock.send(
        new GetInferenceProfileCommand({ inferenceProfileIdentifier: modelArn }),
      );
      expect(profile.status).toBe('ACTIVE');
    }
  });

  it('declines off-topic questions with the no-answer reply and no citations', async () => {
    for (const question of [
      'What will the weather be like in Lisbon tomorrow?',
      'Who won the last football world cup?',
    ]) {
      const res = await alice.chat(question);
      expect(res.status).toBe(200);
      expect(res.body.answer).toBe(knowledgeBaseSettings.noAnswerText);
      expect(res.body.citations).toEqual([]);
    }
  });

  it('keeps a multi-turn session and understands a follow-up', async () => {
    const first = await alice.chat('How do I turn on two-factor authentication?');
    expect(first.status).toBe(200);
    const followUp = await alice.chat('what if I lose my phone?', first.body.sessionId);
    expect(followUp.status).toBe(200);
    expect(followUp.body.sessionId).toBe(first.body.sessionId);
    expect(followUp.body.citations.length).toBeGreaterThan(0);
    expect(citedUris(followUp.body)).toContainEqual(expect.stringMatching(/two-factor-authentication\.md$/));

    const transcript = await alice.request('GET', `/v1/sessions/${first.body.sessionId}`);
    expect(transcript.status).toBe(200);
    expect(transcript.body).toMatchObject({ sessionId: first.body.sessionId, createdAt: expect.any(String) });
    expect(transcript.body.messages.map((m: { role: string; text: string }) => [m.role, m.text])).toEqual([
      ['user', 'How do I turn on two-factor authentication?'],
      ['assistant', first.body.answer],
      ['user', 'what if I lose my phone?'],
      ['assistant', followUp.body.answer],
    ]);
    expect(transcript.body.messages[1]).toMatchObject({
      messageId: first.body.messageId,
      citations: first.body.citations,
    });
  });
});

describe('sessions belong to the key that created them', () => {
  it('hides a session from another key: read, delete and chat all answer 404', async () => {
    const created = await alice.chat('How do I invite a teammate?');
    const id = created.body.sessionId;
    for (const res of [
      await bob.request('GET', `/v1/sessions/${id}`),
      await bob.request('DELETE', `/v1/sessions/${id}`),
      await bob.chat('and what roles are there?', id),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await alice.request('GET', `/v1/sessions/${id}`)).body.messages).toHaveLength(2);
  });

  it('deletes a session for its owner, after which it is gone', async () => {
    const created = await alice.chat('How do I cancel my subscription?');
    const id = created.body.sessionId;
    const deleted = await alice.request('DELETE', `/v1/sessions/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await alice.request('GET', `/v1/sessions/${id}`)).status).toBe(404);
    expect((await alice.request('DELETE', `/v1/sessions/${id}`)).status).toBe(404);
    expect((await alice.chat('follow-up', id)).status).toBe(404);
  });
});

describe('bad input gets a JSON error, never a stack trace', () => {
  // What breaks the deployed request model (config/request-models.ts) API Gateway refuses before the
  // function runs, in its own words; the handler names the problem in what passes the model.
  const GATEWAY = /^Invalid request body$/;
  const cases: [string, unknown, number, RegExp][] = [
    ['malformed JSON', '{"message":', 400, GATEWAY],
    ['an empty body', '', 400, GATEWAY],
    ['a JSON array', '[1,2]', 400, GATEWAY],
    ['a JSON string', '"hello"', 400, GATEWAY],
    ['a message of the wrong type', { message: 42 }, 400, GATEWAY],
    ['a missing message', { sessionId: 'abc' }, 400, GATEWAY],
    ['an empty message', { message: '' }, 400, GATEWAY],
    ['a whitespace message', { message: '   \n\t ' }, 400, /must not be empty/],
    ['a message over 1,000 characters', { message: 'a'.repeat(1001) }, 400, GATEWAY],
    ['a message padded past 1,000 characters', { message: ` ${'a'.repeat(999)} ` }, 400, GATEWAY],
    ['a sessionId of the wrong type', { message: 'hi', sessionId: 7 }, 400, GATEWAY],
    ['an unknown member', { message: 'hi', sessionld: 'typo' }, 400, /sessionld/],
    ['an unknown session', { message: 'hi', sessionId: 'no-such-session' }, 404, /not found/],
    ['a body over 64 KB', { message: 'hi', padding: 'x'.repeat(70_000) }, 413, /larger than/],
  ];
  for (const [name, body, status, message] of cases) {
    it(`${name} → ${status}`, async () => {
      const res = await alice.request('POST', '/v1/chat', body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.error).toEqual({ code: expect.any(String), message: expect.stringMatching(message) });
      expect(res.text).not.toMatch(/\bat .+\.ts:\d+/);
    });
  }

  it('accepts a message of exactly 1,000 characters', async () => {
    const res = await alice.chat(`How do I reset my password? ${'please '.repeat(200)}`.slice(0, 1000));
    expect(res.status).toBe(200);
  });

  it('refuses requests without a key or with a wrong key', async () => {
    for (const client of [apiClient(stack.url, null), apiClient(stack.url, 'not-a-real-key')]) {
      for (const res of [await client.chat('hi'), await client.request('GET', '/v1/sessions/x')]) {
        expect([401, 403]).toContain(res.status);
        expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String) });
      }
    }
  });

  it("answers unknown routes and methods as API Gateway does, with its JSON 403 'Missing Authentication Token'", async () => {
    for (const [method, path] of [
      ['GET', '/v1/nope'],
      ['PUT', '/v1/chat'],
      ['GET', '/v1/sessions'],
      ['GET', '/v1/sessions/a/b/c'],
    ] as const) {
      const res = await alice.request(method, path);
      expect(res.status).toBe(403);
      expect(res.body.error).toEqual({ code: 'FORBIDDEN', message: 'Missing Authentication Token' });
    }
  });
});

describe('GET /v1/health', () => {
  it('answers 200 without a key once ingestion finished', async () => {
    const res = await apiClient(stack.url, null).request('GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
