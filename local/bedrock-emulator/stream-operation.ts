/**
 * RetrieveAndGenerateStream: the same answer as RetrieveAndGenerate, sent as an event stream the
 * way Bedrock sends it — the session id in a response header, then `output` events carrying a few
 * words each, paced like a model generating, with a `citation` event after the text it covers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { toParts } from './answer-settings.ts';
import { type AwsErrorShape, AwsServiceError } from './errors.ts';
import { encodeEvent, encodeException } from './event-stream.ts';
import {
  type AnswerTurn,
  citationShape,
  type OperationContext,
  screenedAnswer,
  startAnswer,
} from './operations.ts';
import type { EmulatorRoute } from './router.ts';

export interface StreamPacing {
  /** Pause between two `output` events. */
  readonly chunkDelayMs: number;
  /** Roughly how many characters one `output` event carries. */
  readonly chunkChars: number;
}

export const defaultStreamPacing: StreamPacing = { chunkDelayMs: 12, chunkChars: 24 };

/** Faults that only a stream can have; read per request, so a test can change them at any time. */
export interface StreamFaults {
  /** Break the connection after this many events, like a network cut mid-answer. */
  cutAfterEvents?: number | undefined;
  /**
   * End the stream with a modeled exception message after this many events, the way Bedrock reports
   * throttling or a failure once the answer has begun (the union's `throttlingException` etc.).
   */
  exceptionAfterEvents?: { readonly events: number; readonly shape: AwsErrorShape } | undefined;
}

/** Thrown inside the response body: the transport then resets the stream instead of ending it. */
export class StreamCutError extends Error {
  override readonly name = 'StreamCutError';
}

export function streamRoutes(
  context: OperationContext,
  pacing: StreamPacing = defaultStreamPacing,
  faults: StreamFaults = {},
): EmulatorRoute[] {
  return [
    {
      operation: 'RetrieveAndGenerateStream',
      method: 'POST',
      path: '/retrieveAndGenerateStream',
      handler: ({ body, request }) => {
        // Validation and session errors happen before the stream starts, as plain HTTP errors.
        const turn = startAnswer(context, body, request);
        return {
          status: 200,
          headers: {
            'content-type': 'application/vnd.amazon.eventstream',
            'x-amzn-bedrock-knowledge-base-session-id': turn.sessionId,
          },
          body: cutAfter(
            failAfter(streamAnswer(turn, pacing), faults.exceptionAfterEvents),
            faults.cutAfterEvents,
          ),
        };
      },
    },
  ];
}

async function* streamAnswer(turn: AnswerTurn, pacing: StreamPacing): AsyncGenerator<Uint8Array> {
  let answer = '';
  let first = true;
  try {
    // With a guardrail the whole answer is screened before any of it is sent (Bedrock's synchronous
    // mode), so the parts come from the screened answer; without one they are sent as generated.
    const screened = turn.guardrail === undefined ? undefined : screenedAnswer(turn);
    const parts = screened ? toParts(screened.answer) : turn.parts;
    const guardrailAction = screened?.guardrailAction;
    for (const part of parts) {
      if (part.type === 'citation') {
        yield encodeEvent('citation', citationShape(part, 'exclusive'));
        continue;
      }
      answer += part.text;
      for (const piece of splitIntoChunks(part.text, pacing.chunkChars)) {
        if (!first && pacing.chunkDelayMs > 0) await sleep(pacing.chunkDelayMs);
        first = false;
        yield encodeEvent('output', { text: piece });
      }
    }
    if (guardrailAction !== undefined) yield encodeEvent('guardrail', { action: guardrailAction });
    turn.finish(answer);
  } catch (error) {
    const failure =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalServerException', 'The stream failed.');
    yield encodeException(failure);
  }
}

async function* cutAfter(
  events: AsyncGenerator<Uint8Array>,
  limit: number | undefined,
): AsyncGenerator<Uint8Array> {
  if (limit === undefined) return yield* events;
  let sent = 0;
  for await (const event of events) {
    if (sent >= limit) throw new StreamCutError(`Stream cut after ${limit} events (fault injection)`);
    yield event;
    sent++;
  }
}

async function* failAfter(
  events: AsyncGenerator<Uint8Array>,
  fault: StreamFaults['exceptionAfterEvents'],
): AsyncGenerator<Uint8Array> {
  if (fault === undefined) return yield* events;
  let sent = 0;
  for await (const event of events) {
    if (sent >= fault.events) {
      yield encodeException(
        new AwsServiceError(fault.shape, `Injected ${fault.shape} after ${sent} events.`),
      );
      return;
    }
    yield event;
    sent++;
  }
}

/** Splits text at word boundaries into pieces of about `size` characters; joined, they are the text. */
export function splitIntoChunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const cut = rest.indexOf(' ', size);
    if (cut < 0) break;
    pieces.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  if (rest) pieces.push(rest);
  return pieces;
}
