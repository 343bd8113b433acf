import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AnswerEnvironment } from '../../shared/answers/answer-environment.ts';
import { chatTurnOf } from '../../shared/answers/chat-answering.ts';
import type { ChatStreamEvent, ConversationEngine } from '../../shared/chat/engine.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { LanternError } from '../../shared/errors.ts';
import { openResponseStream } from '../../shared/http/response-stream.ts';
import { errorResponse } from '../../shared/http/responses.ts';
import { formatSseEvent, SSE_HEADERS, writeChunk } from '../../shared/http/sse.ts';
import { logger, publishMetrics } from '../../shared/observability.ts';

/**
 * `POST /v1/chat/stream`: the chat turn as Server-Sent Events over Lambda response streaming —
 * `session`, then `text`/`citation`/`guardrail` as Bedrock sends them, then `done`; `error` if the
 * turn fails after the stream began. Errors before the first event are plain JSON responses.
 */
export const makeChatStreamHandler =
  (engine: Pick<ConversationEngine, 'streamChat'>, cors: CorsConfig, answers?: AnswerEnvironment) =>
  async (event: APIGatewayProxyEvent, responseStream: Writable, context: Context): Promise<void> => {
    logger.appendKeys({ requestId: event.requestContext?.requestId ?? context.awsRequestId });
    const abort = new AbortController();
    let events: AsyncGenerator<ChatStreamEvent> | undefined;
    let first: IteratorResult<ChatStreamEvent>;
    try {
      events = engine.streamChat(chatTurnOf(event, context.getRemainingTimeInMillis(), answers), {
        signal: abort.signal,
      });
      first = await events.next();
    } catch (error) {
      const response = errorResponse(error);
      const stream = openResponseStream(
        responseStream,
        event,
        {
          statusCode: response.statusCode,
          headers: response.headers as Record<string, string>,
        },
        cors.allowOrigins,
      );
      stream.end(response.body);
      publishMetrics();
      logger.resetKeys();
      return;
    }

    const stream = openResponseStream(
      responseStream,
      event,
      {
        statusCode: 200,
        headers: SSE_HEADERS,
      },
      cors.allowOrigins,
    );
    // A client that hangs up mid-answer stops the Bedrock stream; the engine keeps the partial answer.
    const onClose = () => abort.abort();
    stream.once('close', onClose);
    try {
      for (let next = first; !next.done; next = await events.next()) {
        await writeChunk(stream, toSse(next.value));
      }
    } catch (error) {
      await events.return(undefined).catch(() => undefined);
      if (!stream.destroyed && !stream.writableEnded) {
        const { code, message } =
          error instanceof LanternError
            ? error
            : { code: 'INTERNAL_ERROR', message: 'The answer could not be completed.' };
        if (!(error instanceof LanternError)) logger.error('stream failed', { error: String(error) });
        await writeChunk(stream, formatSseEvent('error', { code, message })).catch(() => undefined);
      }
    } finally {
      stream.off('close', onClose);
      if (!stream.writableEnded) stream.end();
      publishMetrics();
      logger.resetKeys();
    }
  };

function toSse(event: ChatStreamEvent): string {
  switch (event.type) {
    case 'session':
      return formatSseEvent('session', { sessionId: event.sessionId, messageId: event.messageId });
    case 'text':
      return formatSseEvent('text', { text: event.text });
    case 'citation':
      return formatSseEvent('citation', { citation: event.citation });
    case 'guardrail': {
      const { type: _type, ...outcome } = event;
      return formatSseEvent('guardrail', outcome);
    }
    case 'done':
      return formatSseEvent('done', event.answer);
  }
}
