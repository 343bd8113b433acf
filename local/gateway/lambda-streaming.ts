import { Writable } from 'node:stream';

/**
 * The response-streaming globals of the Lambda Node.js runtime, installed locally so a streaming
 * handler module runs unchanged: `awslambda.streamifyResponse` marks the handler, and
 * `awslambda.HttpResponseStream.from` writes the HTTP prelude (JSON metadata, then 8 NUL bytes)
 * that API Gateway turns into the status line and headers.
 */
export const STREAMING_HANDLER = Symbol.for('aws.lambda.runtime.handler.streaming');
export const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
export const PRELUDE_DELIMITER = Buffer.alloc(8);

interface ContentTypeAware {
  setContentType?(type: string): void;
}

export function installLambdaStreamingGlobals(): void {
  // The AWS SDK already creates an empty `awslambda` object (for its invoke store): add to it.
  const target = globalThis as { awslambda?: Record<string, unknown> };
  target.awslambda ??= {};
  const runtime = target.awslambda;
  runtime.streamifyResponse ??= <T extends object>(handler: T): T => {
    Object.defineProperty(handler, STREAMING_HANDLER, { value: 'response' });
    return handler;
  };
  runtime.HttpResponseStream ??= {
    from(stream: Writable & ContentTypeAware, metadata: object): Writable {
      stream.setContentType?.(PRELUDE_CONTENT_TYPE);
      stream.write(JSON.stringify(metadata));
      stream.write(PRELUDE_DELIMITER);
      return stream;
    },
  };
}

export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === 'function' &&
    (handler as unknown as Record<symbol, unknown>)[STREAMING_HANDLER] === 'response'
  );
}

export interface StreamTarget {
  /** Called once, when the prelude is complete (or the body begins without one). */
  head(statusCode: number, headers: Record<string, string>): void;
  write(chunk: Buffer): boolean;
  end(): void;
  /** Called when the consumer can take more after `write` returned false. */
  onDrain(listener: () => void): void;
}

/**
 * The stream a streaming handler writes to, as API Gateway's STREAM integration reads it: the
 * prelude first (buffered until its delimiter), then every body chunk passed on at once.
 */
export class LambdaResponseStream extends Writable implements ContentTypeAware {
  private contentType = 'application/octet-stream';
  private pending: Buffer = Buffer.alloc(0);
  private headSent = false;

  constructor(private readonly target: StreamTarget) {
    super();
  }

  setContentType(type: string): void {
    this.contentType = type;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      const body = this.headSent ? chunk : this.takePrelude(chunk);
      if (body === undefined || body.length === 0 || this.target.write(body)) callback();
      else this.target.onDrain(() => callback());
    } catch (error) {
      callback(error as Error);
    }
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.headSent) this.sendHead(200, { 'content-type': this.contentType }, this.pending);
    this.target.end();
    callback();
  }

  get headersSent(): boolean {
    return this.headSent;
  }

  private takePrelude(chunk: Buffer): Buffer | undefined {
    if (this.contentType !== PRELUDE_CONTENT_TYPE) {
      this.sendHead(200, { 'content-type': this.contentType });
      return chunk;
    }
    this.pending = Buffer.concat([this.pending, chunk]);
    const at = this.pending.indexOf(PRELUDE_DELIMITER);
    if (at < 0) return undefined;
    const metadata = JSON.parse(this.pending.subarray(0, at).toString('utf8')) as {
      statusCode?: number;
      headers?: Record<string, string>;
    };
    const rest = this.pending.subarray(at + PRELUDE_DELIMITER.length);
    this.pending = Buffer.alloc(0);
    this.sendHead(metadata.statusCode ?? 200, metadata.headers ?? {});
    return rest;
  }

  private sendHead(statusCode: number, headers: Record<string, string>, body?: Buffer): void {
    this.headSent = true;
    this.target.head(statusCode, headers);
    if (body?.length) this.target.write(body);
  }
}
