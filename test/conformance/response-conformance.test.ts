import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../local/bedrock-emulator/event-stream.ts';
import { judgeResponse } from './response-conformance.ts';
import type { WireExchange } from './wire-recorder.ts';

const exchange = (
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): WireExchange => ({
  method: 'POST',
  path: '/',
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Promise.resolve(Buffer.from(body)),
});

describe('judging a response by the model', () => {
  it('passes a response in the shape and finds each way out of it', async () => {
    const good = { sessionId: 'ab', output: { text: 'Hi' }, citations: [], guardrailAction: 'NONE' };
    expect(
      (
        await judgeResponse(
          'bedrock-agent-runtime',
          'RetrieveAndGenerate',
          exchange(200, JSON.stringify(good)),
        )
      ).divergences,
    ).toEqual([]);
    const bad = { output: { text: 'Hi' }, citations: [{ span: {} }], guardrailAction: 'BLOCKED' };
    expect(
      (
        await judgeResponse(
          'bedrock-agent-runtime',
          'RetrieveAndGenerate',
          exchange(200, JSON.stringify(bad)),
        )
      ).divergences,
    ).toEqual([
      "RetrieveAndGenerate output: 'sessionId' Member must not be null",
      "RetrieveAndGenerate output: 'citations.1.member.span' Member is not in the model",
      "RetrieveAndGenerate output: 'guardrailAction' Member must satisfy enum value set: [INTERVENED, NONE]",
    ]);
  });

  it('checks the success status and the error shapes an operation lists', async () => {
    const job = { ingestionJob: { knowledgeBaseId: 'KB12345678' } };
    const verdict = await judgeResponse(
      'bedrock-agent',
      'StartIngestionJob',
      exchange(200, JSON.stringify(job)),
    );
    expect(verdict.divergences[0]).toBe('StartIngestionJob: status 200, the model says 202');
    const unlisted = await judgeResponse(
      'bedrock-agent-runtime',
      'Retrieve',
      exchange(400, '{"message":"x"}', { 'x-amzn-errortype': 'SerializationException' }),
    );
    expect(unlisted.divergences).toEqual([
      'Retrieve error: SerializationException is not an error the operation lists',
    ]);
    const wrongStatus = await judgeResponse(
      'bedrock-agent-runtime',
      'Retrieve',
      exchange(500, '{"message":"x","extra":1}', { 'x-amzn-errortype': 'ValidationException' }),
    );
    expect(wrongStatus.divergences).toEqual([
      'Retrieve error: ValidationException answered with status 500, the model says 400',
      "Retrieve error body: 'extra' Member is not in the model",
    ]);
  });

  it('judges every event of a stream, and a citation carried only by the deprecated member', async () => {
    const frames = Buffer.concat([
      encodeEvent('output', { text: 'Hi' }),
      encodeEvent('citation', { citation: { retrievedReferences: [] } }),
      encodeEvent('trace', {}),
    ]);
    const verdict = await judgeResponse(
      'bedrock-agent-runtime',
      'RetrieveAndGenerateStream',
      exchange(200, frames, { 'x-amzn-bedrock-knowledge-base-session-id': 'ab' }),
    );
    expect(verdict.divergences).toEqual([
      "RetrieveAndGenerateStream event citation: '' Member carries its value only in deprecated members: [citation]",
      "RetrieveAndGenerateStream: event 'trace' is not a member of the stream's union",
    ]);
    expect(Object.fromEntries(verdict.events)).toEqual({ output: 1, citation: 1 });
    const noSession = await judgeResponse(
      'bedrock-agent-runtime',
      'RetrieveAndGenerateStream',
      exchange(200, ''),
    );
    expect(noSession.divergences).toEqual([
      "RetrieveAndGenerateStream output: 'sessionId' Member must not be null",
    ]);
  });
});
