import type { Writable } from 'node:stream';

/** One Server-Sent Event. JSON never contains a raw newline, so one `data:` line is enough. */
export function formatSseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Proxies such as nginx buffer responses unless told not to.
  'x-accel-buffering': 'no',
};

/** Writes one chunk and waits for the stream to take it, so a slow client slows the producer. */
export async function writeChunk(stream: Writable, chunk: string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw new Error('The client went away');
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client went away'));
    };
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
}
