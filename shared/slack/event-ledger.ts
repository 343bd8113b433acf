import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import { IdempotencyStore } from '../aws/idempotency-store.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = sessionTable;
const EVENT_SK = 'EVENT';
const eventPk = (eventId: string) => `SLACKEVENT#${eventId}`;
/** Answering an event is work guarded by Lantern's one idempotency mechanism. */
const workKey = (eventId: string) => `slack-event#${eventId}`;
const WORK_STATUS = { in_progress: 'working', released: 'failed', completed: 'answered' } as const;

/**
 * A worker's claim on answering an event: `claimed` with the claim's `attempt` (its finish or
 * release names it, so a worker whose lease ran out cannot settle a newer worker's claim),
 * `answered`: someone already answered it; `busy`: another worker holds a live claim.
 */
export type WorkClaim =
  | { readonly status: 'claimed'; readonly attempt: number }
  | { readonly status: 'answered' }
  | { readonly status: 'busy' };

export interface SlackEventLedgerOptions {
  readonly tableName: string;
  /** How long an event id is remembered. */
  readonly ttlSeconds: number;
  readonly now?: () => Date;
}

/**
 * The worker's side of the {@link SlackEventLedger}: its claims on answering events. The worker's
 * bundle holds this class alone, not the intake's delivery records.
 */
export class SlackEventClaims {
  protected readonly now: () => Date;
  protected readonly work: IdempotencyStore;

  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly options: SlackEventLedgerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.work = new IdempotencyStore(db, options);
  }

  /**
   * Claims an event for answering until `leaseMs` from now. A missing item (expired, or a job queued
   * by other means) is claimed too.
   */
  async beginWork(eventId: string, leaseMs: number): Promise<WorkClaim> {
    const claim = await this.work.begin(workKey(eventId), { fingerprint: eventId, leaseMs, data: {} });
    if (claim.status === 'claimed') return { status: 'claimed', attempt: claim.attempt };
    return claim.status === 'completed' ? { status: 'answered' } : { status: 'busy' };
  }

  /** Marks the event answered, if `attempt` still holds it: redeliveries are dropped from now on. */
  async finishWork(eventId: string, attempt: number): Promise<void> {
    await this.work.complete(workKey(eventId), { answeredAt: this.now().toISOString() }, attempt);
  }

  /** Releases `attempt`'s claim after a failure, so the queue's next delivery can start at once. */
  async abandonWork(eventId: string, attempt: number): Promise<void> {
    await this.work.release(workKey(eventId), attempt);
  }
}

/**
 * Remembers Slack events by `event_id`, one item each (`SLACKEVENT#id` / `EVENT`) in the session
 * table, expiring by TTL. Every write is a single-item conditional write (dynalite has no
 * transactions, and none is needed):
 *
 * - the events function records each delivery (`received`) and marks it `queued` once the queue
 *   took it; Slack's retries of a queued event are acknowledged without being queued again, while a
 *   retry that finds it only `received` (the function died or failed before queueing it) queues it;
 * - the worker claims the event before answering, through the same `IdempotencyStore` as chat turns
 *   (a lease, so a crashed worker's claim runs out), and marks it answered afterwards, so a queue
 *   redelivery never posts a second answer. The answer itself is stored once per event because the
 *   worker asks the engine with the event id as the turn's `clientMessageId`.
 */
export class SlackEventLedger extends SlackEventClaims {
  /**
   * Records a delivery of an event: true if it must be queued (it is new, or no earlier delivery
   * got as far as queueing it), false once it is queued. Two deliveries racing before either is
   * queued may both be queued; the worker's claim answers the event once.
   */
  async recordDelivery(eventId: string, details: { teamId: string; retryNum?: number }): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            [PK]: eventPk(eventId),
            [SK]: EVENT_SK,
            type: 'slack-event',
            status: 'received',
            teamId: details.teamId,
            receivedAt: this.now().toISOString(),
            ...(details.retryNum !== undefined ? { retryNum: details.retryNum } : {}),
            [TTL]: this.epochSeconds() + this.options.ttlSeconds,
          },
          // An expired item may linger (TTL deletes late); its event is long past Slack's retries.
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now OR #status = :received',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL, '#status': 'status' },
          ExpressionAttributeValues: { ':now': this.epochSeconds(), ':received': 'received' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Marks a recorded delivery queued: from now on Slack's retries of it are only acknowledged. Only
   * a record that exists: an update would otherwise create one without its expiry, kept for ever.
   */
  async markQueued(eventId: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: eventPk(eventId), [SK]: EVENT_SK },
          UpdateExpression: 'SET #status = :queued',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#status': 'status', '#pk': PK },
          ExpressionAttributeValues: { ':queued': 'queued' },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** The event's status (`received`, `queued`, `working`, `answered`, `failed`), for tests and diagnostics. */
  async status(eventId: string): Promise<string | undefined> {
    const work = await this.work.status(workKey(eventId));
    if (work) return WORK_STATUS[work];
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { [PK]: eventPk(eventId), [SK]: EVENT_SK },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.status === 'string' ? Item.status : undefined;
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
