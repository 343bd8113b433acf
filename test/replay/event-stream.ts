import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One recorded frame: its string headers (`:message-type`, `:event-type`, …) and JSON payload. */
export interface RecordedFrame {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
}

/** `application/vnd.amazon.eventstream` frames, headers and payload as recorded, CRCs computed anew. */
export function encodeFrames(frames: readonly RecordedFrame[]): Uint8Array[] {
  return frames.map((frame) =>
    codec.encode({
      headers: Object.fromEntries(
        Object.entries(frame.headers).map(([name, value]) => [name, { type: 'string' as const, value }]),
      ),
      body: fromUtf8(JSON.stringify(frame.payload)),
    }),
  );
}
