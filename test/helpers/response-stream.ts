import { LambdaResponseStream } from '../../local/gateway/lambda-streaming.ts';

export interface CapturedResponse {
  /** Undefined until the handler writes its prelude. */
  readonly head?: { readonly statusCode: number; readonly headers: Record<string, string> };
  readonly body: string;
}

/**
 * A Lambda response stream that keeps what a streaming handler writes to it, for tests that call
 * the handler directly instead of through the local gateway.
 */
export function captureResponseStream(): { stream: LambdaResponseStream; captured(): CapturedResponse } {
  let head: CapturedResponse['head'];
  const chunks: Buffer[] = [];
  const stream = new LambdaResponseStream({
    head: (statusCode, headers) => {
      head = { statusCode, headers };
    },
    write: (chunk) => chunks.push(chunk) > 0,
    end: () => undefined,
    onDrain: () => undefined,
  });
  return {
    stream,
    captured: () => ({ ...(head ? { head } : {}), body: Buffer.concat(chunks).toString('utf8') }),
  };
}
