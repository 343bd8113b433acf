import type { APIGatewayProxyEvent } from 'aws-lambda';
import { makeSlackEventsHandler } from '../../functions/slack-events/slack-events-handler.ts';
import { makeSlackWorkerHandler } from '../../functions/slack-worker/slack-worker-handler.ts';
import { lambdaContext, toProxyEvent } from '../../local/gateway/proxy-event.ts';
import type { ChatTurn } from '../../shared/chat/engine.ts';
import type { ChatAnswer } from '../../shared/chat/types.ts';
import type { AnswerEvent, AnswerSource } from '../../shared/slack/answer-stream.ts';
import type { SlackEventLedger, WorkClaim } from '../../shared/slack/event-ledger.ts';
import type { SlackEventsDeps } from '../../shared/slack/intake.ts';
import type { ReplyTarget, SlackResponder } from '../../shared/slack/responder.ts';

type Ledger = Pick<
  SlackEventLedger,
  'recordDelivery' | 'markQueued' | 'beginWork' | 'finishWork' | 'abandonWork' | 'status'
>;

/** The ledger's contract in memory, for handler tests (the DynamoDB adapter has its own tests). */
export class InMemoryLedger implements Ledger {
  readonly items = new Map<string, { status: string; leaseUntil?: number; attempt?: number }>();
  async recordDelivery(eventId: string): Promise<boolean> {
    const status = this.items.get(eventId)?.status;
    if (status !== undefined && status !== 'received') return false;
    this.items.set(eventId, { status: 'received' });
    return true;
  }
  async markQueued(eventId: string): Promise<void> {
    this.items.set(eventId, { status: 'queued' });
  }
  async beginWork(eventId: string, leaseMs: number): Promise<WorkClaim> {
    const item = this.items.get(eventId);
    if (item?.status === 'answered') return { status: 'answered' };
    if (item?.leaseUntil && item.leaseUntil > Date.now()) return { status: 'busy' };
    const attempt = (item?.attempt ?? 0) + 1;
    this.items.set(eventId, { status: 'working', leaseUntil: Date.now() + leaseMs, attempt });
    return { status: 'claimed', attempt };
  }
  async finishWork(eventId: string, attempt: number): Promise<void> {
    if (this.items.get(eventId)?.attempt === attempt) this.items.set(eventId, { status: 'answered' });
  }
  async abandonWork(eventId: string, attempt: number): Promise<void> {
    const item = this.items.get(eventId);
    if (item?.status === 'working' && item.attempt === attempt)
      this.items.set(eventId, { status: 'failed', attempt });
  }
  async status(eventId: string): Promise<string | undefined> {
    return this.items.get(eventId)?.status;
  }
}

/** Records what the worker asks of Slack; `deliver` drains the answer stream like the real one. */
export class RecordingResponder
  implements Pick<SlackResponder, 'showWorking' | 'doneWorking' | 'postNotice' | 'deliver'>
{
  readonly log: string[] = [];
  readonly notices: string[] = [];
  readonly delivered: ChatAnswer[] = [];
  async showWorking(target: ReplyTarget) {
    this.log.push(`showWorking ${target.messageTs}`);
  }
  async doneWorking(target: ReplyTarget) {
    this.log.push(`doneWorking ${target.messageTs}`);
  }
  async postNotice(target: ReplyTarget, text: string) {
    this.log.push(`postNotice ${target.threadTs}`);
    this.notices.push(text);
    return { channel: target.channel, ts: '9.000001' };
  }
  async deliver(target: ReplyTarget, events: AsyncIterable<AnswerEvent>) {
    let answer: ChatAnswer | undefined;
    for await (const event of events) if (event.type === 'done') answer = event.answer;
    if (!answer) throw new Error('no done event');
    this.log.push(`deliver ${target.threadTs}`);
    this.delivered.push(answer);
    return { mode: 'posted' as const, ts: '9.000002', answer };
  }
}

/** An answer source that records turns and answers from `reply` (which may throw or wait). */
export function fakeAnswers(reply: (turn: ChatTurn) => Promise<ChatAnswer> | ChatAnswer = defaultReply) {
  const turns: ChatTurn[] = [];
  const source: AnswerSource = {
    stream: (turn) => {
      turns.push(turn);
      return (async function* () {
        const answer = await reply(turn);
        yield { type: 'text' as const, text: answer.answer };
        yield { type: 'done' as const, answer };
      })();
    },
  };
  return { source, turns };
}

export function defaultReply(turn: ChatTurn): ChatAnswer {
  return {
    sessionId: turn.sessionId ?? 'new',
    messageId: `m-${turn.message.length}`,
    answer: `About "${turn.message}": see the article.`,
    citations: [],
    guardrail: { action: 'NONE' },
  };
}

/** The REST proxy event API Gateway sends for a POST to the Slack events route. */
export function slackProxyEvent(body: string, headers: Record<string, string>): APIGatewayProxyEvent {
  return toProxyEvent({
    method: 'POST',
    path: '/v1/slack/events',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', ...headers },
    body,
    sourceIp: '3.80.0.10',
    resource: '/v1/slack/events',
    pathParameters: null,
  });
}

export const context = (name = 'lantern-test') => lambdaContext(name, 30_000, 'req-1');

/** The Slack handlers' factories; the events endpoint lets no origin read cross-origin. */
export async function loadSlackHandlers() {
  return {
    makeEventsHandler: (deps: SlackEventsDeps) => makeSlackEventsHandler(deps, { allowOrigins: [] }),
    makeWorkerHandler: makeSlackWorkerHandler,
  };
}
