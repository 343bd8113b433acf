/**
 * The globals the Lambda Node.js runtime provides for response streaming (not in @types/aws-lambda).
 * Locally, `local/gateway/lambda-streaming.ts` installs the same globals.
 */
import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

declare global {
  namespace awslambda {
    type StreamingHandler = (
      event: APIGatewayProxyEvent,
      responseStream: Writable,
      context: Context,
    ) => Promise<void>;
    function streamifyResponse(handler: StreamingHandler): StreamingHandler;
    // biome-ignore lint/complexity/noStaticOnlyClass: mirrors the runtime's class
    class HttpResponseStream {
      static from(
        stream: Writable,
        metadata: { statusCode: number; headers?: Record<string, string>; cookies?: string[] },
      ): Writable;
    }
  }
}
