import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { getConfig, getSlackConfig } from '../../shared/config.ts';
import { RAG_INPUT_LIMIT } from '../../shared/history.ts';
import { logger, publishMetrics } from '../../shared/observability.ts';
import { createSlackWorkerDeps, type SlackWorkerDeps } from '../../shared/slack/dependencies.ts';
import { classifySlackEvent, type SlackQuestion, slackTextToQuestion } from '../../shared/slack/events.ts';
import { parseSlackJob } from '../../shared/slack/job.ts';
import { countSlackEvent, type SlackEventOutcome } from '../../shared/slack/metrics.ts';
import type { ReplyTarget } from '../../shared/slack/responder.ts';
import { slackOwner, threadSessionId } from '../../shared/slack/thread-session.ts';

export const EMPTY_QUESTION_REPLY =
  'Hi! Ask me a question and I will answer it from the knowledge base, with links to my sources.';
export const FAILED_REPLY = 'Sorry, I could not answer that just now. Please try again in a little while.';
export const tooLongReply = (length: number) =>
  `Sorry, that question is ${length.toLocaleString('en-US')} characters long and I can take at most ${RAG_INPUT_LIMIT.toLocaleString('en-US')}. Could you ask it in fewer words?`;

/**
 * The Slack worker, fed by SQS (locally by the in-process queue): answers `app_mention`s and direct
 * messages in their thread, one Lantern session per thread, through the conversation engine.
 * Failed records are reported as partial batch failures so only they are retried.
 */
export const makeHandler =
  (deps: SlackWorkerDeps) =>
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      try {
        countSlackEvent(await handleRecord(deps, record, context));
      } catch (error) {
        countSlackEvent('retry');
        logger.warn('Slack job failed; the queue will deliver it again', {
          messageId: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    publishMetrics();
    return { batchItemFailures };
  };

/** What became of one queued event, for the `SlackEvent` metric. */
type WorkOutcome = Extract<SlackEventOutcome, 'answered' | 'ignored' | 'dropped' | 'duplicate' | 'gave_up'>;

async function handleRecord(
  deps: SlackWorkerDeps,
  record: SQSRecord,
  context: Context,
): Promise<WorkOutcome> {
  const job = parseSlackJob(record.body);
  if (!job) {
    // It can never succeed; retrying would only delay it into the DLQ.
    logger.error('Dropped a queue message that is not a Slack job', { messageId: record.messageId });
    return 'dropped';
  }
  const decision = classifySlackEvent(job.envelope);
  if (!decision.handle) {
    logger.info('Slack event ignored', { eventId: job.envelope.event_id, reason: decision.reason });
    return 'ignored';
  }
  const question = decision.question;
  const log = { eventId: question.eventId, teamId: question.teamId, kind: question.kind };
  const attempt = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
  const claim = await deps.ledger.beginWork(question.eventId, leaseMs(context));
  if (claim === 'answered') {
    logger.info('Slack event already answered; dropping the redelivery', log);
    return 'duplicate';
  }
  if (claim === 'busy') {
    if (attempt < deps.maxAttempts) throw new Error('Another worker is answering this event');
    logger.warn('Slack event still held by another worker', log);
    return 'duplicate';
  }

  const target = replyTarget(question);
  try {
    await deps.responder.showWorking(target);
    await answer(deps, question, target, log);
    await deps.ledger.finishWork(question.eventId);
    return 'answered';
  } catch (error) {
    if (attempt < deps.maxAttempts) {
      await deps.ledger
        .abandonWork(question.eventId)
        .catch((abandonError: unknown) =>
          logger.warn('could not release a Slack event', { ...log, error: String(abandonError) }),
        );
      throw error;
    }
    // The last attempt: say so in the thread rather than leave the question hanging.
    logger.error('Giving up on a Slack event', {
      ...log,
      attempt,
      error: error instanceof Error ? error.name : 'unknown',
    });
    await deps.responder.postNotice(target, FAILED_REPLY).catch(() => undefined);
    await deps.ledger.finishWork(question.eventId).catch(() => undefined);
    return 'gave_up';
  } finally {
    await deps.responder.doneWorking(target);
  }
}

async function answer(
  deps: SlackWorkerDeps,
  question: SlackQuestion,
  target: ReplyTarget,
  log: Record<string, unknown>,
): Promise<void> {
  const botUserId = question.botUserId ?? (await deps.botUserId());
  const message = slackTextToQuestion(question.text, botUserId);
  if (!message) {
    await deps.responder.postNotice(target, EMPTY_QUESTION_REPLY);
    return logger.info('Slack question was empty; replied with a hint', log);
  }
  if (message.length > RAG_INPUT_LIMIT) {
    await deps.responder.postNotice(target, tooLongReply(message.length));
    return logger.info('Slack question too long; replied politely', { ...log, length: message.length });
  }
  const sessionId = threadSessionId(question.teamId, question.channel, question.threadTs);
  const delivery = await deps.responder.deliver(
    target,
    deps.answers.stream({
      owner: slackOwner(question.teamId),
      message,
      sessionId,
      createSessionIfMissing: true,
      clientMessageId: question.eventId,
    }),
  );
  logger.info('Slack question answered', {
    ...log,
    sessionId,
    messageId: delivery.answer.messageId,
    mode: delivery.mode,
    replaced: delivery.replaced ?? false,
    citations: delivery.answer.citations.length,
    guardrailAction: delivery.answer.guardrail.action,
  });
}

function replyTarget(question: SlackQuestion): ReplyTarget {
  return {
    teamId: question.teamId,
    channel: question.channel,
    threadTs: question.threadTs,
    messageTs: question.ts,
    userId: question.user,
  };
}

/** The claim outlives this invocation a little, so a redelivery waits for a crashed worker's lease. */
function leaseMs(context: Context): number {
  const remaining =
    typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
  return Math.max(remaining, 30_000) + 5_000;
}

export const handler = makeHandler(createSlackWorkerDeps(getConfig(), getSlackConfig()));
