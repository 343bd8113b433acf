import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { CorsConfig } from '../../shared/config.ts';
import { PayloadTooLargeError } from '../../shared/errors.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';
import { acceptSlackRequest, type SlackEventsDeps } from '../../shared/slack/intake.ts';

/** Slack's events are a few KB; this keeps every accepted event within one SQS message. */
const MAX_SLACK_BODY_BYTES = 200 * 1024;

/**
 * `POST /v1/slack/events`: reads the raw body and Slack's headers, hands them to the intake
 * (`shared/slack/intake.ts`: signature, `url_verification`, dedupe, queue) and answers Slack.
 */
export const makeSlackEventsHandler = (deps: SlackEventsDeps, cors: CorsConfig) =>
  restHandler(async (event) => {
    const reply = await acceptSlackRequest(deps, {
      rawBody: rawBodyOf(event),
      timestamp: event.headers['x-slack-request-timestamp'],
      signature: event.headers['x-slack-signature'],
      ...retryOf(event),
    });
    switch (reply.type) {
      case 'challenge':
        return jsonResponse(200, { challenge: reply.challenge });
      case 'acknowledged':
        return jsonResponse(200, { ok: true });
      case 'unreadable':
        // Signed but unreadable: retrying would not help, so ask Slack not to.
        return jsonResponse(
          400,
          { error: { code: 'BAD_REQUEST', message: reply.message } },
          { 'x-slack-no-retry': '1' },
        );
    }
  }, cors);

function rawBodyOf(event: APIGatewayProxyEvent): string {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_SLACK_BODY_BYTES) {
    throw new PayloadTooLargeError(`Request body is larger than ${MAX_SLACK_BODY_BYTES} bytes`);
  }
  return raw;
}

function retryOf(event: APIGatewayProxyEvent): { retryNum?: number; retryReason?: string | undefined } {
  const value = event.headers['x-slack-retry-num'];
  return {
    ...(value && /^\d{1,3}$/.test(value) ? { retryNum: Number(value) } : {}),
    retryReason: event.headers['x-slack-retry-reason'],
  };
}
