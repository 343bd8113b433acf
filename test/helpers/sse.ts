import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  readonly event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are asserted field by field
  readonly data: any;
  /** Milliseconds since the request was sent. */
  readonly at: number;
}

export interface SseResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[];
  /** The raw body when the response was not an event stream (e.g. a JSON error). */
  readonly text: string;
}

/**
 * Posts to a streaming endpoint and parses the Server-Sent Events with a standard parser as they
 * arrive. `stopAfter` aborts the request once that many events have arrived (a client leaving).
 */
export async function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  options: { stopAfter?: number } = {},
): Promise<SseResponse> {
  const started = performance.now();
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  if (!response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
    return { status: response.status, headers: response.headers, events, text: await response.text() };
  }
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      events.push({
        event: message.event ?? 'message',
        data: JSON.parse(message.data),
        at: performance.now() - started,
      }),
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (options.stopAfter !== undefined && events.length >= options.stopAfter) {
        abort.abort();
        break;
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return { status: response.status, headers: response.headers, events, text: '' };
}
