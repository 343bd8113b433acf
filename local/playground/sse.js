/**
 * A Server-Sent Events parser for streams read with fetch (EventSource cannot POST), following the
 * WHATWG "event stream interpretation" rules: lines end in CRLF, LF or CR (a CR at the end of one
 * chunk may be the first half of a CRLF), `data:` lines of one event are joined with LF, one space
 * after the colon is dropped, comments and unknown fields are ignored, an event without `data` is
 * not dispatched, and an unfinished event at the end of the stream is discarded.
 *
 * Feed it decoded text (a TextDecoder in streaming mode takes care of UTF-8 split across chunks).
 *
 * @param {(event: {event: string, data: string, id: string}) => void} onEvent
 */
export function createSseParser(onEvent) {
  const lineEnd = /\r\n|[\r\n]/g;
  let buffer = '';
  let started = false;
  let eventType = '';
  let data = '';
  let hasData = false;
  let lastEventId = '';

  function dispatch() {
    if (hasData) onEvent({ event: eventType || 'message', data, id: lastEventId });
    eventType = '';
    data = '';
    hasData = false;
  }

  /** @param {string} line */
  function processLine(line) {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventType = value;
    else if (field === 'data') {
      data = hasData ? `${data}\n${value}` : value;
      hasData = true;
    } else if (field === 'id' && !value.includes('\0')) lastEventId = value;
  }

  return {
    /** @param {string} chunk */
    push(chunk) {
      if (!started) {
        if (chunk === '') return;
        started = true;
        if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      }
      buffer += chunk;
      let start = 0;
      lineEnd.lastIndex = 0;
      for (let match = lineEnd.exec(buffer); match; match = lineEnd.exec(buffer)) {
        // A CR as the very last character may be followed by the LF of a CRLF in the next chunk.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        processLine(buffer.slice(start, match.index));
        start = lineEnd.lastIndex;
      }
      buffer = buffer.slice(start);
    },
    /** The stream ended: a pending CR completes its line; anything after the last line break is dropped. */
    end() {
      if (buffer.endsWith('\r')) processLine(buffer.slice(0, -1));
      buffer = '';
      eventType = '';
      data = '';
      hasData = false;
    },
  };
}
