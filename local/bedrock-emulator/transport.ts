/**
 * One port, two protocols. The Bedrock runtime clients speak HTTP/2 with prior knowledge (h2c)
 * to an `http://` endpoint, while `client-bedrock-agent` speaks HTTP/1.1; neither can be told
 * otherwise without changing client configuration. So a plain TCP server peeks at the first bytes
 * of each connection and hands the socket to a `node:http2` or a `node:http` server. Both feed
 * the same handler through one small request/response model. See README.md.
 */
import { once } from 'node:events';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';

/** The connection preface every HTTP/2 client sends first (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface EmulatorRequest {
  readonly method: string;
  /** The path without the query string, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly protocol: 'http/1.1' | 'h2';
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** An async iterable is written chunk by chunk (event streams arrive incrementally). */
  readonly body?: string | Uint8Array | AsyncIterable<Uint8Array>;
}

export type RequestHandler = (request: EmulatorRequest) => Promise<EmulatorResponse>;

export interface DualProtocolServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Bedrock payloads are small; anything larger is a client bug, not a load test. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

type CompatRequest = http.IncomingMessage | http2.Http2ServerRequest;
type CompatResponse = http.ServerResponse | http2.Http2ServerResponse;

export async function listenDualProtocol(
  handler: RequestHandler,
  options: { host: string; port: number },
): Promise<DualProtocolServer> {
  const sockets = new Set<net.Socket>();

  const serve = (protocol: EmulatorRequest['protocol']) => (req: CompatRequest, res: CompatResponse) => {
    void handle(handler, protocol, req, res);
  };
  const h1 = http.createServer(serve('http/1.1'));
  const h2 = http2.createServer(serve('h2'));
  // Sessions of clients that vanished must not keep the process alive or leak.
  h2.on('sessionError', () => {});

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Until a protocol server owns the socket, nobody else reports its errors.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);

    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const looksLikeH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (looksLikeH2 && seen.length < H2_PREFACE.length) return; // the preface may arrive in pieces
      socket.off('data', onData);
      socket.off('error', onEarlyError);
      socket.pause();
      socket.unshift(seen);
      if (looksLikeH2) {
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });

  tcp.listen(options.port, options.host);
  await once(tcp, 'listening');
  const address = tcp.address();
  if (address === null || typeof address === 'string') throw new Error('The emulator has no TCP address.');

  return {
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      h1.close();
      h2.close();
      await closed;
    },
  };
}

async function handle(
  handler: RequestHandler,
  protocol: EmulatorRequest['protocol'],
  req: CompatRequest,
  res: CompatResponse,
): Promise<void> {
  try {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const response = await handler({
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      protocol,
    });
    await writeResponse(res, response);
  } catch (error) {
    // The handler frames its own errors; reaching here means the client went away or sent an
    // oversized body, and there is no one left to tell except the socket.
    if (!res.headersSent && !res.writableEnded && !isDestroyed(res)) {
      const tooLarge = error instanceof BodyTooLargeError;
      res.writeHead(tooLarge ? 413 : 500, {
        'content-type': 'application/json',
        'x-amzn-errortype': tooLarge ? 'ValidationException' : 'InternalServerException',
      });
      res.end(JSON.stringify({ message: tooLarge ? error.message : 'The emulator failed to respond.' }));
    } else if (!res.writableEnded) {
      destroy(res);
    }
  }
}

class BodyTooLargeError extends Error {
  constructor() {
    super(`Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

async function readBody(req: CompatRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function writeResponse(res: CompatResponse, response: EmulatorResponse): Promise<void> {
  const { body } = response;
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
    const payload = body ?? '';
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': String(Buffer.byteLength(payload)),
    });
    res.end(payload);
    return;
  }
  res.writeHead(response.status, response.headers);
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (isDestroyed(res)) return; // the client hung up: stop producing
      const next = await iterator.next();
      if (next.done) break;
      // Both compat responses accept a Uint8Array chunk; TypeScript cannot see one common signature.
      if (!(res as http.ServerResponse).write(next.value)) await drained(res);
    }
    res.end();
  } finally {
    await iterator.return?.();
  }
}

function drained(res: CompatResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function isDestroyed(res: CompatResponse): boolean {
  return 'stream' in res ? res.stream.destroyed : res.destroyed;
}

/** Breaks a response mid-body so the client sees an error, not a clean (and truncated) end. */
function destroy(res: CompatResponse): void {
  if ('stream' in res) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else res.destroy();
}
