import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers to the next request: one body, or event-stream frames sent one by one. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | readonly Uint8Array[];
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A loopback HTTP server that plays back one prepared response per request, as the service would
 * have sent it, and keeps what the SDK asked for.
 */
export class WireServer {
  readonly requests: ReceivedRequest[] = [];
  private pending: WireResponse[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const next = this.pending.shift();
        if (!next) {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"nothing to replay"}');
          return;
        }
        if (typeof next.body === 'string') {
          res.writeHead(next.status, { ...next.headers, 'content-length': Buffer.byteLength(next.body) });
          res.end(next.body);
          return;
        }
        res.writeHead(next.status, next.headers);
        for (const frame of next.body) res.write(frame);
        res.end();
      });
    });
  }

  static async start(): Promise<WireServer> {
    const wire = new WireServer();
    await new Promise<void>((ready) => wire.server.listen(0, '127.0.0.1', ready));
    return wire;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues a JSON body with AWS's headers; the request id makes it look like any service answer. */
  replyJson(body: unknown, status = 200): void {
    this.pending.push({
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'replayed-request' },
      body: JSON.stringify(body),
    });
  }

  reply(response: WireResponse): void {
    this.pending.push(response);
  }

  /** The requests received since the last call. */
  take(): ReceivedRequest[] {
    return this.requests.splice(0);
  }

  async close(): Promise<void> {
    this.pending = [];
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
