/**
 * An SDK request handler that keeps a copy of every response's bytes as they pass. The SDK drops
 * members its model lacks and turns timestamps into Dates, so a response is judged on the wire,
 * while the real client still reads and decodes it as it would from AWS.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { HttpHandler, HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';

export interface WireExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Resolves with the whole body once the client has read it to the end. */
  readonly body: Promise<Buffer>;
}

type AnyHandler = NodeHttpHandler | NodeHttp2Handler;

export class WireRecorder {
  readonly exchanges: WireExchange[] = [];

  /** A handler for a client: HTTP/2 for the runtime clients, HTTP/1.1 for bedrock-agent, as their defaults. */
  handler(protocol: 'h2' | 'http/1.1'): HttpHandler {
    const inner: AnyHandler = protocol === 'h2' ? new NodeHttp2Handler() : new NodeHttpHandler();
    const record = (request: HttpRequest, response: HttpResponse): HttpResponse => {
      const source = response.body as Readable;
      const copy = new PassThrough();
      const chunks: Buffer[] = [];
      const body = new Promise<Buffer>((resolve, reject) => {
        source.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
        source.on('end', () => resolve(Buffer.concat(chunks)));
        source.on('error', reject);
      });
      source.pipe(copy);
      this.exchanges.push({
        method: request.method,
        path: request.path,
        status: response.statusCode,
        headers: response.headers,
        body,
      });
      response.body = copy;
      return response;
    };
    return {
      handle: async (request, options) => {
        const { response } = await inner.handle(request, options);
        return { response: record(request, response) };
      },
      updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig(key as never, value as never),
      httpHandlerConfigs: () => inner.httpHandlerConfigs(),
      destroy: () => inner.destroy(),
    } as HttpHandler;
  }

  /** The exchange the last call made. */
  last(): WireExchange {
    const exchange = this.exchanges.at(-1);
    if (exchange === undefined) throw new Error('No response was recorded.');
    return exchange;
  }
}
