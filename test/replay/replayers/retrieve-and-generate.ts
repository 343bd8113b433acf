import { basename } from 'node:path';
import { expect } from 'vitest';
import { BedrockRag } from '../../../shared/aws/bedrock-rag.ts';
import { createAgentRuntimeClient } from '../../../shared/aws/clients.ts';
import { matchesOperation } from '../aws-model.ts';
import type { ReplayContext, Replayer } from '../context.ts';
import { expectCitations, recordedCitation } from '../expected-citations.ts';
import { locationVariants } from '../location-variants.ts';
import type { Recording } from '../recordings.ts';

type Json = Record<string, unknown>;

/**
 * A `RetrieveAndGenerate` body from a recording. Some notebooks printed only one citation: the
 * answer it belongs to is then the one the notes quote, else the cited text itself; other citations
 * the notes keep from the same cell are replayed as bodies of their own.
 */
function responseBodies(recording: Recording): { name: string; body: Json }[] {
  const { payload, notes } = recording;
  if (!('generatedResponsePart' in payload)) return [{ name: 'as recorded', body: payload }];
  const quoted = /output\.text was: "(.*)"\.?$/s.exec(String(notes.summary ?? ''))?.[1];
  const alone = (citation: Json, answer?: string) => ({
    output: { text: answer ?? recordedCitation(citation).text },
    citations: [citation],
  });
  const others = Object.entries(notes)
    .filter(([, value]) => isCitation(value))
    .map(([key, value]) => ({ name: key, body: alone(value as Json) }));
  return [{ name: 'as recorded', body: alone(payload, quoted) }, ...others];
}

function isCitation(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'generatedResponsePart' in value;
}

async function replayBody(context: ReplayContext, body: Json): Promise<void> {
  const { wire, config } = context;
  const rag = new BedrockRag(createAgentRuntimeClient(config), {
    knowledgeBaseId: config.knowledgeBaseId,
    modelArn: config.modelArn,
  });
  wire.replyJson(body);
  const result = await rag.generate({ text: 'replayed question' });
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-agent-runtime', 'RetrieveAndGenerate', request)).toBe(true);

  const answer = String((body.output as Json | undefined)?.text ?? '');
  expect(result.answer).toBe(answer);
  expect(result.bedrockSessionId).toBe(typeof body.sessionId === 'string' ? body.sessionId : '');
  expect(result.guardrailAction).toBe(body.guardrailAction === 'INTERVENED' ? 'INTERVENED' : 'NONE');
  const citations = ((body.citations as Json[] | undefined) ?? []).map((c) => ({
    citation: recordedCitation(c),
    answerSoFar: answer,
  }));
  expectCitations(answer, result.citations, citations, 'inclusive');
}

/** `RetrieveAndGenerate` through `BedrockRag.generate`: spans end inclusive, as recorded. */
export const replayRetrieveAndGenerate: Replayer = async (recording, context) => {
  const run: string[] = [];
  for (const { name, body } of responseBodies(recording)) {
    await replayBody(context, body);
    run.push(name);
    for (const variant of locationVariants(body, basename(recording.file, '.json'))) {
      await replayBody(context, variant.body);
      run.push(`${name}, ${variant.name}`);
    }
  }
  return run;
};
