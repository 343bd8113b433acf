import type { APIGatewayProxyEvent } from 'aws-lambda';
import { getConfig, getSlackConfig } from '../../shared/config.ts';
import { PayloadTooLargeError, UnauthorizedError } from '../../shared/errors.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';
import { logger } from '../../shared/observability.ts';
import { classifySlackEvent, parseSlackEnvelope, SlackPayloadError } from '../../shared/slack/events.ts';
import { countSlackEvent } from '../../shared/slack/metrics.ts';
import { verifySlackSignature } from '../../shared/slack/signature.ts';
import { createSlackEventsDeps, type SlackEventsDeps } from '../../shared/slack/wiring.ts';

/** Slack's events are a few KB; this keeps every accepted event within one SQS message. */
const MAX_SLACK_BODY_BYTES = 200 * 1024;

/**
 * `POST /v1/slack/events`: verifies Slack's signature on the raw body, answers `url_verification`,
 * and acknowledges each event at once: it records the `event_id` (a retry of it is acknowledged and
 * dropped) and queues the event for the worker. No answer is computed here, so the 200 goes back
 * well within Slack's 3 seconds.
 */
export const makeHandler = (deps: SlackEventsDeps) =>
  restHandler(async (event) => {
    const now = deps.now?.() ?? new Date();
    const rawBody = rawBodyOf(event);
    const { signingSecret } = await deps.credentials.get();
    if (!signingSecret) {
      logger.warn(
        'Slack request refused: no signing secret is configured (SLACK_SIGNING_SECRET or SLACK_SECRET_ARN)',
      );
      countSlackEvent('rejected');
      throw new UnauthorizedError('The Slack request signature is missing or invalid');
    }
    const check = verifySlackSignature({
      signingSecret,
      timestamp: event.headers['x-slack-request-timestamp'],
      signature: event.headers['x-slack-signature'],
      rawBody,
      now,
    });
    if (!check.ok) {
      logger.warn('Slack request refused', { reason: check.reason });
      countSlackEvent('rejected');
      throw new UnauthorizedError('The Slack request signature is missing or invalid');
    }

    let envelope: ReturnType<typeof parseSlackEnvelope>;
    try {
      envelope = parseSlackEnvelope(rawBody);
    } catch (error) {
      if (!(error instanceof SlackPayloadError)) throw error;
      // Signed but unreadable: retrying would not help, so ask Slack not to.
      return jsonResponse(
        400,
        { error: { code: 'BAD_REQUEST', message: error.message } },
        { 'x-slack-no-retry': '1' },
      );
    }

    switch (envelope.type) {
      case 'url_verification':
        countSlackEvent('url_verification');
        return jsonResponse(200, { challenge: envelope.challenge });
      case 'app_rate_limited':
        countSlackEvent('app_rate_limited');
        logger.warn('Slack is dropping events: the app exceeded its Events API rate limit', {
          teamId: envelope.teamId,
          minute: envelope.minute,
        });
        return acknowledged();
      case 'unsupported':
        countSlackEvent('ignored');
        logger.info('Slack envelope ignored', { envelopeType: envelope.envelopeType });
        return acknowledged();
      case 'event_callback':
        break;
    }

    const callback = envelope.callback;
    const retryNum = retryNumberOf(event);
    const log = {
      eventId: callback.event_id,
      teamId: callback.team_id,
      eventType: callback.event.type,
      retryNum,
    };
    const decision = classifySlackEvent(callback);
    if (!decision.handle) {
      countSlackEvent('ignored');
      logger.info('Slack event ignored', { ...log, reason: decision.reason });
      return acknowledged();
    }
    const first = await deps.ledger.recordDelivery(callback.event_id, {
      teamId: callback.team_id,
      ...(retryNum !== undefined ? { retryNum } : {}),
    });
    if (!first) {
      countSlackEvent('duplicate');
      logger.info('Slack event already received; acknowledged without queueing it again', {
        ...log,
        retryReason: event.headers['x-slack-retry-reason'],
      });
      return acknowledged();
    }
    try {
      await deps.queue.enqueue({ version: 1, receivedAt: now.toISOString(), envelope: callback });
    } catch (error) {
      // Let Slack's retry through: it is the only other copy of this event.
      await deps.ledger
        .forgetDelivery(callback.event_id)
        .catch((forgetError: unknown) =>
          logger.error('could not forget a Slack event', { ...log, error: String(forgetError) }),
        );
      throw error;
    }
    countSlackEvent('queued');
    logger.info('Slack event queued', log);
    return acknowledged();
  });

function acknowledged() {
  return jsonResponse(200, { ok: true });
}

function rawBodyOf(event: APIGatewayProxyEvent): string {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (Buffer.byteLength(raw, 'utf8') > MAX_SLACK_BODY_BYTES) {
    throw new PayloadTooLargeError(`Request body is larger than ${MAX_SLACK_BODY_BYTES} bytes`);
  }
  return raw;
}

function retryNumberOf(event: APIGatewayProxyEvent): number | undefined {
  const value = event.headers['x-slack-retry-num'];
  return value && /^\d{1,3}$/.test(value) ? Number(value) : undefined;
}

export const handler = makeHandler(createSlackEventsDeps(getConfig(), getSlackConfig()));
