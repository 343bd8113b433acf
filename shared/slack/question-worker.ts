import { RAG_INPUT_LIMIT } from '../chat/history.ts';
import { logger } from '../observability.ts';
import type { AnswerSource } from './answer-stream.ts';
import type { SlackEventClaims } from './event-ledger.ts';
import { classifySlackEvent, type SlackQuestion, slackTextToQuestion } from './events.ts';
import type { SlackJob } from './job.ts';
import type { SlackEventOutcome } from './metrics.ts';
import type { ReplyTarget, SlackResponder } from './responder.ts';
import { slackOwner, threadSessionId } from './thread-session.ts';

export const EMPTY_QUESTION_REPLY =
  'Hi! Ask me a question and I will answer it from the knowledge base, with links to my sources.';
export const FAILED_REPLY = 'Sorry, I could not answer that just now. Please try again in a little while.';
export const tooLongReply = (length: number) =>
  `Sorry, that question is ${length.toLocaleString('en-US')} characters long and I can take at most ${RAG_INPUT_LIMIT.toLocaleString('en-US')}. Could you ask it in fewer words?`;

/** What `functions/slack-worker` needs: answers, the event ledger and a way to reply in Slack. */
export interface SlackWorkerDeps {
  readonly answers: AnswerSource;
  readonly ledger: Pick<SlackEventClaims, 'beginWork' | 'finishWork' | 'abandonWork'>;
  readonly responder: Pick<SlackResponder, 'showWorking' | 'doneWorking' | 'postNotice' | 'deliver'>;
  /** The bot's own user id, for events that do not name it (from `auth.test`, cached). */
  readonly botUserId: () => Promise<string | undefined>;
  /** Deliveries per job before the worker gives up and apologizes: the queue's `maxReceiveCount`. */
  readonly maxAttempts: number;
}

/** What became of one queued event, for the `SlackEvent` metric. */
export type WorkOutcome = Extract<SlackEventOutcome, 'answered' | 'ignored' | 'duplicate' | 'gave_up'>;

export interface JobAttempt {
  /** Which delivery of the job this is (SQS `ApproximateReceiveCount`), from 1. */
  readonly attempt: number;
  /** How long this worker's claim on the event lasts. */
  readonly leaseMs: number;
}

/**
 * Answers one queued Slack event: decides whether it is a question, claims it (so it is answered
 * once however often it is delivered), shows that the bot is working, and answers in the thread
 * through the conversation engine, one Lantern session per thread. Throws to have the job delivered
 * again; on the last delivery it apologizes in the thread instead and returns `gave_up`, so the
 * job is deleted rather than dead-lettered.
 */
export async function answerSlackJob(
  deps: SlackWorkerDeps,
  job: SlackJob,
  delivery: JobAttempt,
): Promise<WorkOutcome> {
  const decision = classifySlackEvent(job.envelope);
  if (!decision.handle) {
    logger.info('Slack event ignored', { eventId: job.envelope.event_id, reason: decision.reason });
    return 'ignored';
  }
  const question = decision.question;
  const log = { eventId: question.eventId, teamId: question.teamId, kind: question.kind };
  const lastAttempt = delivery.attempt >= deps.maxAttempts;
  const claim = await deps.ledger.beginWork(question.eventId, delivery.leaseMs);
  if (claim.status === 'answered') {
    logger.info('Slack event already answered; dropping the redelivery', log);
    return 'duplicate';
  }
  if (claim.status === 'busy') {
    if (!lastAttempt) throw new Error('Another worker is answering this event');
    logger.warn('Slack event still held by another worker', log);
    return 'duplicate';
  }
  const { attempt } = claim;

  const target = replyTarget(question);
  try {
    await deps.responder.showWorking(target);
    await answer(deps, question, target, delivery, log);
    await deps.ledger.finishWork(question.eventId, attempt);
    return 'answered';
  } catch (error) {
    if (!lastAttempt) {
      await deps.ledger
        .abandonWork(question.eventId, attempt)
        .catch((abandonError: unknown) =>
          logger.warn('could not release a Slack event', { ...log, error: String(abandonError) }),
        );
      throw error;
    }
    // The last attempt: say so in the thread rather than leave the question hanging. The job ends
    // here, not in the dead-letter queue, which would keep its unscreened text; an alarm counts
    // gave_up, and this line tells the operator which thread.
    logger.error('Giving up on a Slack event', {
      ...log,
      channel: target.channel,
      threadTs: target.threadTs,
      attempt: delivery.attempt,
      error: error instanceof Error ? error.name : 'unknown',
    });
    await deps.responder.postNotice(target, FAILED_REPLY).catch(() => undefined);
    await deps.ledger.finishWork(question.eventId, attempt).catch(() => undefined);
    return 'gave_up';
  } finally {
    await deps.responder.doneWorking(target);
  }
}

async function answer(
  deps: SlackWorkerDeps,
  question: SlackQuestion,
  target: ReplyTarget,
  delivery: JobAttempt,
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
  const delivered = await deps.responder.deliver(
    target,
    deps.answers.stream({
      owner: slackOwner(question.teamId),
      message,
      sessionId,
      createSessionIfMissing: true,
      // One stored turn per event, however often the queue delivers it.
      clientMessageId: question.eventId,
      leaseMs: delivery.leaseMs,
    }),
  );
  logger.info('Slack question answered', {
    ...log,
    sessionId,
    messageId: delivered.answer.messageId,
    mode: delivered.mode,
    replaced: delivered.replaced ?? false,
    citations: delivered.answer.citations.length,
    guardrailAction: delivered.answer.guardrail.action,
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
