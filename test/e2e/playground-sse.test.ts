import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** The page's SSE parser (plain browser JavaScript, loaded as the browser loads it: an ES module). */
interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string;
}
interface SseModule {
  createSseParser(onEvent: (event: SseEvent) => void): { push(chunk: string): void; end(): void };
}
const SSE_MODULE = new URL('../../local/playground/sse.js', import.meta.url).href;
const { createSseParser } = (await import(SSE_MODULE)) as SseModule;

function parseWithPage(chunks: readonly string[]): { event: string; data: string }[] {
  const events: { event: string; data: string }[] = [];
  const parser = createSseParser(({ event, data }) => events.push({ event, data }));
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return events;
}

function parseWithLibrary(chunks: readonly string[]): { event: string; data: string }[] {
  const events: { event: string; data: string }[] = [];
  const parser = createParser({
    onEvent: ({ event, data }) => events.push({ event: event ?? 'message', data }),
  });
  for (const chunk of chunks) parser.feed(chunk);
  // The library keeps a final CR waiting for a possible LF even at the end of the stream; the
  // format says the CR ended its line. An LF completes it as CRLF.
  if (chunks.join('').endsWith('\r')) parser.feed('\n');
  return events;
}

/** Cuts a string at the given fractions of its length. */
function cut(text: string, fractions: readonly number[]): string[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let at = 0;
  for (const point of points) {
    chunks.push(text.slice(at, point));
    at = point;
  }
  chunks.push(text.slice(at));
  return chunks;
}

const lineText = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' '));
const generatedEvent = fc.record({
  event: fc.option(fc.stringMatching(/^[a-z]{1,10}$/), { nil: undefined }),
  data: fc.array(lineText, { minLength: 1, maxLength: 4 }),
  comment: fc.option(lineText, { nil: undefined }),
  id: fc.option(fc.stringMatching(/^[a-z0-9-]{0,12}$/), { nil: undefined }),
  spaceAfterColon: fc.boolean(),
});
type GeneratedEvent = typeof generatedEvent extends fc.Arbitrary<infer T> ? T : never;

/** Serializes events with the given line terminators (cycled), keeping CR + LF from merging. */
function serialize(events: readonly GeneratedEvent[], terminators: readonly string[]): string {
  const lines: string[] = [];
  for (const e of events) {
    const sep = e.spaceAfterColon ? ': ' : ':';
    if (e.comment !== undefined) lines.push(`:${e.comment}`);
    if (e.event !== undefined) lines.push(`event${sep}${e.event}`);
    if (e.id !== undefined) lines.push(`id${sep}${e.id}`);
    // Without the space, a value that starts with one would lose it: always write it for data.
    for (const line of e.data) lines.push(`data: ${line}`);
    lines.push('');
  }
  let out = '';
  let previous = '';
  for (const [i, line] of lines.entries()) {
    let terminator = terminators[i % terminators.length] ?? '\n';
    // "…\r" followed by an empty line ended by "\n" would read as one CRLF.
    if (previous === '\r' && line === '' && terminator !== '\r') terminator = '\r';
    out += line + terminator;
    previous = terminator;
  }
  return out;
}

describe('the playground page SSE parser', () => {
  it('agrees with eventsource-parser and with the events written, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(generatedEvent, { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 5 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        (events, terminators, cuts) => {
          const chunks = cut(serialize(events, terminators), cuts);
          const expected = events.map((e) => ({ event: e.event || 'message', data: e.data.join('\n') }));
          const mine = parseWithPage(chunks);
          expect(mine).toEqual(parseWithLibrary(chunks));
          expect(mine).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses a stream as Lantern writes it, split inside a CRLF and inside a UTF-8 character', () => {
    const stream =
      'event: session\r\ndata: {"sessionId":"s1","messageId":"m1"}\r\n\r\n' +
      'event: text\r\ndata: {"text":"Café → ok"}\r\n\r\n' +
      'event: done\r\ndata: {"answer":"Café → ok"}\r\n\r\n';
    const bytes = new TextEncoder().encode(stream);
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    // One byte at a time: every CRLF and every multi-byte character is split somewhere.
    for (const byte of bytes) chunks.push(decoder.decode(Uint8Array.of(byte), { stream: true }));
    chunks.push(decoder.decode());
    expect(parseWithPage(chunks)).toEqual([
      { event: 'session', data: '{"sessionId":"s1","messageId":"m1"}' },
      { event: 'text', data: '{"text":"Café → ok"}' },
      { event: 'done', data: '{"answer":"Café → ok"}' },
    ]);
  });

  it('follows the edge rules of the format', () => {
    // A leading BOM is dropped; `data` without a colon is an empty line of data; an event without
    // data is not dispatched; unknown fields and comments are ignored.
    expect(
      parseWithPage(['\uFEFFdata\n\nevent: lonely\n\n: note\nretry: 10\nfoo: bar\ndata: x\n\n']),
    ).toEqual([
      { event: 'message', data: '' },
      { event: 'message', data: 'x' },
    ]);
    // A CR at the very end still ends its line; an event without its closing blank line is dropped.
    expect(parseWithPage(['data: a\n\r'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(parseWithPage(['data: a\n\ndata: b\n'])).toEqual([{ event: 'message', data: 'a' }]);
    // Only one space after the colon belongs to the syntax.
    expect(parseWithPage(['data:  two spaces\n\n'])).toEqual([{ event: 'message', data: ' two spaces' }]);
  });
});
