/**
 * AWS event-stream framing (`application/vnd.amazon.eventstream`) with the SDK's own codec from
 * `@smithy/core`, so the prelude, headers and CRCs are exactly what the SDK's decoder expects.
 */
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { AwsServiceError } from './errors.ts';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const string = (value: string) => ({ type: 'string' as const, value });

/** An `event` message: the union member's name and its JSON payload. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': string('event'),
      ':event-type': string(eventType),
      ':content-type': string('application/json'),
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/**
 * An `exception` message: a modeled error raised after the stream began. The exception type is the
 * union member name (`throttlingException`), i.e. the shape name with a lower-case first letter.
 */
export function encodeException(error: AwsServiceError): Uint8Array {
  const memberName = error.shape.charAt(0).toLowerCase() + error.shape.slice(1);
  return codec.encode({
    headers: {
      ':message-type': string('exception'),
      ':exception-type': string(memberName),
      ':content-type': string('application/json'),
    },
    body: fromUtf8(JSON.stringify({ message: error.message, ...error.extra })),
  });
}
