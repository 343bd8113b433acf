import { UnauthorizedError } from '../errors.ts';
import { logger } from '../observability.ts';
import type { SlackCredentialsProvider } from './credentials.ts';
import type { SlackEventLedger } from './event-ledger.ts';
import { classifySlackEvent, parseSlackEnvelope, SlackPayloadError } from './events.ts';
import type { SlackJobQueue } from './job.ts';
import { countSlackEvent } from './metrics.ts';
import { verifySlackSignature } from './signature.ts';

/** What the intake needs: the secrets, the event ledger and the queue to the worker. */
export interface SlackEventsDeps {
  readonly credentials: SlackCredentialsProvider;
  readonly ledger: Pick<SlackEventLedger, 'recordDelivery' | 'markQueued'>;
  readonly queue: SlackJobQueue;
  readonly now?: () => Date;
}

/** One request to the events endpoint, as the HTTP edge read it. */
export interface SlackRequest {
  readonly rawBody: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** `x-slack-retry-num`: which of Slack's retries this is, when it is one. */
  readonly retryNum?: number;
  readonly retryReason?: string | undefined;
}

/**
 * What to answer Slack: the `url_verification` challenge, a plain acknowledgement, or — for a signed
 * body that cannot be read — a refusal Slack should not retry.
 */
export type SlackIntakeReply =
  | { readonly type: 'challenge'; readonly challenge: string }
  | { readonly type: 'acknowledged' }
  | { readonly type: 'unreadable'; readonly message: string };

/**
 * Verifies Slack's signature on the raw body and accepts each event at once: records its `event_id`,
 * queues it for the worker and marks it queued (a retry of a queued event is acknowledged and
 * dropped; one of an event never queued is queued). No answer is computed
 * here, so the acknowledgement goes back well within Slack's 3 seconds. Throws `UnauthorizedError`
 * for an unsigned or wrongly signed request.
 */
export async function acceptSlackRequest(
  deps: SlackEventsDeps,
  request: SlackRequest,
): Promise<SlackIntakeReply> {
  const now = deps.now?.() ?? new Date();
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
    timestamp: request.timestamp,
    signature: request.signature,
    rawBody: request.rawBody,
    now,
  });
  if (!check.ok) {
    logger.warn('Slack request refused', { reason: check.reason });
    countSlackEvent('rejected');
    throw new UnauthorizedError('The Slack request signature is missing or invalid');
  }

  let envelope: ReturnType<typeof parseSlackEnvelope>;
  try {
    envelope = parseSlackEnvelope(request.rawBody);
  } catch (error) {
    if (!(error instanceof SlackPayloadError)) throw error;
    return { type: 'unreadable', message: error.message };
  }

  switch (envelope.type) {
    case 'url_verification':
      countSlackEvent('url_verification');
      return { type: 'challenge', challenge: envelope.challenge };
    case 'app_rate_limited':
      countSlackEvent('app_rate_limited');
      logger.warn('Slack is dropping events: the app exceeded its Events API rate limit', {
        teamId: envelope.teamId,
        minute: envelope.minute,
      });
      return ACKNOWLEDGED;
    case 'unsupported':
      countSlackEvent('ignored');
      logger.info('Slack envelope ignored', { envelopeType: envelope.envelopeType });
      return ACKNOWLEDGED;
    case 'event_callback':
      break;
  }

  const callback = envelope.callback;
  const { retryNum } = request;
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
    return ACKNOWLEDGED;
  }
  const toQueue = await deps.ledger.recordDelivery(callback.event_id, {
    teamId: callback.team_id,
    ...(retryNum !== undefined ? { retryNum } : {}),
  });
  if (!toQueue) {
    countSlackEvent('duplicate');
    logger.info('Slack event already queued; acknowledged without queueing it again', {
      ...log,
      retryReason: request.retryReason,
    });
    return ACKNOWLEDGED;
  }
  // Marked queued only once the queue has it: if this invocation fails or dies first, Slack's retry
  // finds the event unqueued and queues it.
  await deps.queue.enqueue({ version: 1, receivedAt: now.toISOString(), envelope: callback });
  await deps.ledger
    .markQueued(callback.event_id)
    // The event is queued: a retry would only queue it once more, which the worker's claim absorbs.
    .catch((error: unknown) =>
      logger.warn('could not mark a Slack event queued', { ...log, error: String(error) }),
    );
  countSlackEvent('queued');
  logger.info('Slack event queued', log);
  return ACKNOWLEDGED;
}

const ACKNOWLEDGED: SlackIntakeReply = { type: 'acknowledged' };
