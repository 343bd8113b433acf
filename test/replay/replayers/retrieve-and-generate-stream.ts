import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { BedrockRag } from '../../../shared/aws/bedrock-rag.ts';
import { createAgentRuntimeClient } from '../../../shared/aws/clients.ts';
import { mapCitation } from '../../../shared/chat/citations.ts';
import type { Citation } from '../../../shared/chat/types.ts';
import { matchesOperation } from '../aws-model.ts';
import type { ReplayContext, Replayer } from '../context.ts';
import { encodeFrames, type RecordedFrame } from '../event-stream.ts';
import { expectCitations, type RecordedCitation, recordedCitation } from '../expected-citations.ts';

type Json = Record<string, unknown>;

const CITATION_PARTS = ['generatedResponsePart', 'retrievedReferences'] as const;

/**
 * The recorded frames, and the same stream with its citations carried only at the top level and only
 * in the deprecated nested `citation` (AWS sent both in 2025; either may be all a response has).
 */
function frameVariants(frames: readonly RecordedFrame[]): { name: string; frames: RecordedFrame[] }[] {
  const isCitation = (frame: RecordedFrame) => frame.headers[':event-type'] === 'citation';
  const withCitations = (rewrite: (payload: Json) => Json) =>
    frames.map((frame) =>
      isCitation(frame) ? { ...frame, payload: rewrite(frame.payload as Json) } : frame,
    );
  const topLevel = (payload: Json): Json => {
    const { citation: nested, ...rest } = payload;
    return CITATION_PARTS.some((key) => key in rest) ? rest : { ...((nested as Json | undefined) ?? {}) };
  };
  const nestedOnly = (payload: Json): Json => {
    const parts = topLevel(payload);
    return {
      citation: Object.fromEntries(CITATION_PARTS.filter((k) => k in parts).map((k) => [k, parts[k]])),
    };
  };
  const variants = [{ name: 'as recorded', frames: [...frames] }];
  if (frames.some(isCitation)) {
    variants.push({ name: 'top-level citation only', frames: withCitations(topLevel) });
    variants.push({ name: 'nested citation only', frames: withCitations(nestedOnly) });
  }
  return variants;
}

/** A citation event's parts as the recording carries them: top level first, else the nested copy. */
function recordedStreamCitation(payload: Json): RecordedCitation {
  const hasTopLevel = CITATION_PARTS.some((key) => key in payload);
  return recordedCitation(hasTopLevel ? payload : ((payload.citation as Json | undefined) ?? {}));
}

async function replayFrames(context: ReplayContext, frames: readonly RecordedFrame[]): Promise<void> {
  const { wire, config } = context;
  const sessionId = randomUUID();
  wire.reply({
    status: 200,
    headers: {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'replayed-request',
      'x-amzn-bedrock-knowledge-base-session-id': sessionId,
    },
    body: encodeFrames(frames),
  });
  const rag = new BedrockRag(createAgentRuntimeClient(config), {
    knowledgeBaseId: config.knowledgeBaseId,
    modelArn: config.modelArn,
  });
  const stream = await rag.stream({ text: 'replayed question' });
  expect(stream.bedrockSessionId).toBe(sessionId);

  // What the conversation engine does with the events: citations are placed in the text so far.
  let answer = '';
  const citations: Citation[] = [];
  const guardrail: string[] = [];
  for await (const event of stream.events) {
    if (event.type === 'text') answer += event.text;
    else if (event.type === 'citation') {
      const citation = mapCitation(answer, event.citation);
      if (citation) citations.push(citation);
    } else guardrail.push(event.action);
  }
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-agent-runtime', 'RetrieveAndGenerateStream', request)).toBe(
    true,
  );

  let recordedAnswer = '';
  const recorded: { citation: RecordedCitation; answerSoFar: string }[] = [];
  const recordedGuardrail: string[] = [];
  for (const frame of frames) {
    const payload = frame.payload as Json;
    const type = frame.headers[':event-type'];
    if (type === 'output' && typeof payload.text === 'string') recordedAnswer += payload.text;
    if (type === 'citation')
      recorded.push({ citation: recordedStreamCitation(payload), answerSoFar: recordedAnswer });
    if (type === 'guardrail' && typeof payload.action === 'string')
      recordedGuardrail.push(payload.action === 'INTERVENED' ? 'INTERVENED' : 'NONE');
  }
  expect(answer).toBe(recordedAnswer);
  expect(guardrail).toEqual(recordedGuardrail);
  expectCitations(answer, citations, recorded, 'exclusive');
}

/** `RetrieveAndGenerateStream` through `BedrockRag.stream`: spans end exclusive, as recorded. */
export const replayRetrieveAndGenerateStream: Replayer = async (recording, context) => {
  const frames = (recording.payload.events as RecordedFrame[] | undefined) ?? [];
  expect(frames.length).toBeGreaterThan(0);
  const run: string[] = [];
  for (const variant of frameVariants(frames)) {
    await replayFrames(context, variant.frames);
    run.push(variant.name);
  }
  return run;
};
