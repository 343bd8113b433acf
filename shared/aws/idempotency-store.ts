import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import type { BeginOptions, IdempotencyClaim, TurnIdempotency } from '../chat/ports.ts';
import { withTemporaryAs503 } from './service-errors.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = sessionTable;
const RECORD_SK = 'IDEMPOTENCY';
const recordPk = (key: string) => `IDEMPOTENCY#${key}`;

export interface IdempotencyStoreOptions {
  readonly tableName: string;
  /** How long a key is remembered after its last use: clients retry within minutes, not days. */
  readonly ttlSeconds: number;
  readonly now?: () => Date;
}

/**
 * Lantern's one idempotency mechanism: a key names a piece of work (a chat turn, a Slack delivery,
 * answering a Slack event); one item per key (`IDEMPOTENCY#key` / `IDEMPOTENCY`) in the session table
 * records its request fingerprint, a lease while it runs, and its result once done. Modelled on
 * Powertools for AWS Lambda's Idempotency utility (INPROGRESS with an expiry bounded by the
 * function's remaining time, COMPLETED with the saved result, a payload hash that rejects a reused
 * key), with two things it lacks and Lantern needs: data that survives a failed attempt so the retry
 * completes the same work, and generators (a streamed turn). Every write is a single-item
 * conditional write, which dynalite supports.
 */
export class IdempotencyStore implements TurnIdempotency {
  private readonly now: () => Date;

  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly options: IdempotencyStoreOptions,
  ) {
    this.db = withTemporaryAs503(db, 'Storage');
    this.now = options.now ?? (() => new Date());
  }

  async begin<Result, Data>(
    key: string,
    options: BeginOptions<Data>,
  ): Promise<IdempotencyClaim<Result, Data>> {
    const nowMs = this.now().getTime();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            [PK]: recordPk(key),
            [SK]: RECORD_SK,
            type: 'idempotency',
            status: 'in_progress',
            fingerprint: options.fingerprint,
            leaseUntil: nowMs + options.leaseMs,
            attempt: 1,
            data: options.data,
            [TTL]: this.expiry(),
          },
          // An expired item may linger (TTL deletes late); its key is free again.
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :nowSeconds',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':nowSeconds': this.epochSeconds() },
        }),
      );
      return { status: 'claimed', data: options.data, attempt: 1 };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }

    const item = await this.read(key);
    // Deleted between the two calls: someone finished with it a moment ago; the caller retries.
    if (!item) return { status: 'in_progress', retryAfterMs: 0 };
    if (item.fingerprint !== options.fingerprint) return { status: 'mismatch' };
    if (item.status === 'completed') return { status: 'completed', result: item.result as Result };
    const leaseUntil = Number(item.leaseUntil ?? 0);
    if (leaseUntil > nowMs) return { status: 'in_progress', retryAfterMs: leaseUntil - nowMs };
    return this.takeOver<Result, Data>(key, item, nowMs + options.leaseMs);
  }

  /** Saves the result: repeats of the request get it back until the key expires. */
  async complete<Result>(key: string, result: Result, attempt?: number): Promise<void> {
    await this.write(
      key,
      attempt,
      // A key forgotten meanwhile (its session was deleted) stays forgotten.
      'attribute_exists(#pk)',
      { ':completed': 'completed', ':result': result, ':ttl': this.expiry() },
      'SET #status = :completed, #result = :result, #ttl = :ttl REMOVE leaseUntil',
      { '#pk': PK, '#result': 'result', '#ttl': TTL },
    );
  }

  /** Ends this attempt's lease at once, keeping the saved data, so a retry can take over now. */
  async release(key: string, attempt?: number): Promise<void> {
    await this.write(
      key,
      attempt,
      IN_PROGRESS,
      { ':zero': 0, ...IN_PROGRESS_VALUE },
      'SET leaseUntil = :zero',
    );
  }

  /** Forgets the key: the next request with it starts afresh. Without `attempt`, whoever holds it. */
  async forget(key: string, attempt?: number): Promise<void> {
    if (attempt === undefined) await this.db.send(new DeleteCommand(this.target(key)));
    else await this.write(key, attempt, IN_PROGRESS, IN_PROGRESS_VALUE);
  }

  /** The key's state, for diagnostics: `released` is in progress with no live lease (a retry may take it). */
  async status(key: string): Promise<'in_progress' | 'released' | 'completed' | undefined> {
    const item = await this.read(key);
    if (item?.status === 'completed') return 'completed';
    if (item?.status !== 'in_progress') return undefined;
    return Number(item.leaseUntil ?? 0) > this.now().getTime() ? 'in_progress' : 'released';
  }

  private async takeOver<Result, Data>(
    key: string,
    item: Record<string, unknown>,
    leaseUntil: number,
  ): Promise<IdempotencyClaim<Result, Data>> {
    const attempt = Number(item.attempt ?? 1) + 1;
    try {
      await this.db.send(
        new UpdateCommand({
          ...this.target(key),
          UpdateExpression: 'SET leaseUntil = :lease, attempt = :attempt, #ttl = :ttl',
          // Only if nobody took it over since we read it.
          ConditionExpression: '#status = :inProgress AND leaseUntil = :seen',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': TTL },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':attempt': attempt,
            ':ttl': this.expiry(),
            ':inProgress': 'in_progress',
            ':seen': item.leaseUntil,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { status: 'in_progress', retryAfterMs: 0 };
    }
    return { status: 'claimed', data: item.data as Data, attempt };
  }

  private async read(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ ...this.target(key), ConsistentRead: true }));
    if (!Item || Number(Item[TTL]) <= this.epochSeconds()) return undefined;
    return Item;
  }

  private target(key: string) {
    return { TableName: this.options.tableName, Key: { [PK]: recordPk(key), [SK]: RECORD_SK } };
  }

  /**
   * An update (or, without `update`, a delete) under `condition`, and with `attempt` also only
   * while that attempt holds the key: one that outlived its lease and was taken over changes nothing.
   */
  private async write(
    key: string,
    attempt: number | undefined,
    condition: string,
    values: Record<string, unknown>,
    update?: string,
    names?: Record<string, string>,
  ): Promise<void> {
    const input = {
      ...this.target(key),
      ConditionExpression: attempt === undefined ? condition : `${condition} AND attempt = :attempt`,
      ExpressionAttributeNames: { ...names, '#status': 'status' },
      ExpressionAttributeValues: attempt === undefined ? values : { ...values, ':attempt': attempt },
    };
    try {
      await this.db.send(
        update ? new UpdateCommand({ ...input, UpdateExpression: update }) : new DeleteCommand(input),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private expiry(): number {
    return this.epochSeconds() + this.options.ttlSeconds;
  }
}

const IN_PROGRESS = '#status = :inProgress';
const IN_PROGRESS_VALUE = { ':inProgress': 'in_progress' };
