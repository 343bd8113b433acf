import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import {
  type NewMessage,
  type SessionCursor,
  SessionExistsError,
  SessionGoneError,
  type SessionHistory,
  type SessionPage,
  type SessionStore,
  type SessionSummary,
} from '../chat/ports.ts';
import type {
  Citation,
  Feedback,
  MessageRole,
  MessageStatus,
  StoredMessage,
  StoredSession,
} from '../chat/types.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { withTemporaryAs503 } from './service-errors.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = sessionTable;
const SESSION_SK = 'SESSION';
const MESSAGE_PREFIX = 'MSG#';
/** BatchWriteItem's limit. */
const BATCH_SIZE = 25;
/** Tries per BatchWriteItem chunk while DynamoDB hands items back unprocessed. */
const BATCH_TRIES = 5;
/** How errors name this store to the caller. */
const STORE = 'Storage';

const sessionPk = (sessionId: string) => `SESSION#${sessionId}`;
/** A message's place in its session: see `NewMessage.sortKey`. */
const messageSk = (sortKey: string) => `${MESSAGE_PREFIX}${sortKey}`;
const sessionKey = (sessionId: string) => ({ [PK]: sessionPk(sessionId), [SK]: SESSION_SK });

export interface DynamoDbSessionStoreOptions {
  readonly tableName: string;
  readonly ttlDays: number;
  readonly now?: () => Date;
}

/**
 * Sessions and their messages in one DynamoDB table: a session item (`SESSION#id` / `SESSION`) and
 * one item per message (`SESSION#id` / `MSG#createdAt#messageId`). Every write is a single-item
 * conditional write, so there is no TransactWriteItems (dynalite lacks it) and no lost update.
 * Retention: a session lives `ttlDays` after its last turn, each message `ttlDays` after it was
 * written (a turn costs the same however long the session, and nobody's words outlive the period).
 * Expired items are filtered on read, since DynamoDB's TTL deletes them up to days late.
 */
export class DynamoDbSessionStore implements SessionStore, SessionHistory {
  private readonly now: () => Date;
  private readonly table: string;

  private readonly db: DynamoDBDocumentClient;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly options: DynamoDbSessionStoreOptions,
  ) {
    this.db = withTemporaryAs503(db, STORE);
    this.now = options.now ?? (() => new Date());
    this.table = options.tableName;
  }

  async createSession(sessionId: string, owner: string, bedrockSessionId?: string): Promise<StoredSession> {
    const session: StoredSession = {
      sessionId,
      owner,
      createdAt: this.now().toISOString(),
      ...(bedrockSessionId ? { bedrockSessionId } : {}),
      expiresAt: this.expiry(),
    };
    await this.db
      .send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...sessionKey(sessionId),
            type: 'session',
            // The TTL attribute is `expiresAt` itself today; should it be renamed, the item carries both.
            ...session,
            [TTL]: session.expiresAt,
          },
          // An expired session item may still be there (TTL deletes late); its id is free again.
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':now': this.epochSeconds() },
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof ConditionalCheckFailedException)
          throw new SessionExistsError(sessionId, { cause: error });
        throw error;
      });
    return session;
  }

  /** The session if it exists, has not expired and belongs to `owner`; otherwise undefined. */
  async getSession(sessionId: string, owner: string): Promise<StoredSession | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: sessionKey(sessionId),
        ConsistentRead: true,
      }),
    );
    if (!Item || Item.owner !== owner || !this.isLive(Item[TTL])) return undefined;
    return {
      sessionId,
      owner,
      createdAt: String(Item.createdAt),
      ...(typeof Item.bedrockSessionId === 'string' ? { bedrockSessionId: Item.bedrockSessionId } : {}),
      expiresAt: Number(Item[TTL]),
    };
  }

  /**
   * Records the Bedrock session now in use and keeps the session alive for another TTL period.
   * Throws `SessionGoneError` when it was deleted meanwhile.
   */
  async touchSession(sessionId: string, bedrockSessionId: string | undefined): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: bedrockSessionId ? 'SET #ttl = :ttl, bedrockSessionId = :bid' : 'SET #ttl = :ttl',
          // Not a session being deleted: its owner has moved to `deleting`.
          ConditionExpression: 'attribute_exists(#owner)',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': TTL },
          ExpressionAttributeValues: {
            ':ttl': this.expiry(),
            ...(bedrockSessionId ? { ':bid': bedrockSessionId } : {}),
          },
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof ConditionalCheckFailedException)
          throw new SessionGoneError(sessionId, { cause: error });
        throw error;
      });
  }

  /**
   * Stores one message of a turn. Writing the same message again (a retried turn) keeps what is
   * stored, except that an `incomplete` answer is replaced by the retry's. Returns what is stored.
   */
  async saveMessage(sessionId: string, message: NewMessage): Promise<StoredMessage> {
    const { sortKey, ...fields } = message;
    const stored: StoredMessage = { sessionId, ...fields };
    const Key = { [PK]: sessionPk(sessionId), [SK]: messageSk(sortKey) };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Key, type: 'message', ...stored, [TTL]: this.expiry() },
          ConditionExpression: 'attribute_not_exists(#pk) OR #status = :incomplete',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: { ':incomplete': 'incomplete' },
        }),
      );
      return stored;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key, ConsistentRead: true }));
    return Item ? toMessage(Item) : stored;
  }

  /** Removes messages of a turn that was stored into a session deleted meanwhile. */
  async removeMessages(sessionId: string, messages: readonly NewMessage[]): Promise<void> {
    await this.deleteBatch(messages.map((m) => ({ [PK]: sessionPk(sessionId), [SK]: messageSk(m.sortKey) })));
  }

  /**
   * Attaches feedback to an assistant message; a later rating replaces an earlier one. False when
   * the session has no such assistant message.
   */
  async setFeedback(sessionId: string, messageId: string, feedback: Feedback): Promise<boolean> {
    const item = (await this.messageItems(sessionId)).find(
      (i) => i.messageId === messageId && this.isLive(i[TTL]),
    );
    if (item?.role !== 'assistant') return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { [PK]: item[PK], [SK]: item[SK] },
          UpdateExpression: 'SET feedback = :feedback',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':feedback': feedback },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The live messages of a session, oldest first. */
  async listMessages(sessionId: string): Promise<StoredMessage[]> {
    return (await this.messageItems(sessionId)).filter((item) => this.isLive(item[TTL])).map(toMessage);
  }

  /** Every message item of a session, expired ones DynamoDB has not deleted yet included. */
  private async messageItems(sessionId: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Bounded: a session holds at most a few thousand messages, a page at most 1 MB.
    for (let page = 0; page < 100; page++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': sessionPk(sessionId), ':prefix': MESSAGE_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return items;
  }

  /**
   * A page of `owner`'s live sessions, newest first, from the owner index. The cursor carries only
   * creation time and id: the start key is rebuilt with the caller's own owner, so no cursor can
   * reach into someone else's partition. Expired sessions are filtered after DynamoDB's `Limit`,
   * so a few bounded queries fill the page.
   */
  async listSessions(
    owner: string,
    page: { readonly limit: number; readonly after?: SessionCursor },
  ): Promise<SessionPage> {
    const { ownerIndex } = sessionTable;
    const sessions: SessionSummary[] = [];
    let startKey: Record<string, unknown> | undefined = page.after
      ? {
          [PK]: sessionPk(page.after.sessionId),
          [SK]: SESSION_SK,
          [ownerIndex.partitionKey]: owner,
          [ownerIndex.sortKey]: page.after.createdAt,
        }
      : undefined;
    for (let query = 0; query < 5 && sessions.length < page.limit; query++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: ownerIndex.name,
          KeyConditionExpression: '#owner = :owner',
          FilterExpression: '#ttl > :now',
          ExpressionAttributeNames: { '#owner': ownerIndex.partitionKey, '#ttl': TTL },
          ExpressionAttributeValues: { ':owner': owner, ':now': this.epochSeconds() },
          ScanIndexForward: false,
          Limit: page.limit - sessions.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        sessions.push({
          sessionId: String(item.sessionId),
          createdAt: String(item.createdAt),
          expiresAt: Number(item[TTL]),
        });
      }
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    // The last item DynamoDB looked at, returned or filtered out: the next page starts after it.
    const next: SessionCursor | undefined = startKey
      ? {
          createdAt: String(startKey[ownerIndex.sortKey]),
          sessionId: String(startKey[PK]).slice(sessionPk('').length),
        }
      : undefined;
    return { sessions, ...(next ? { next } : {}) };
  }

  /**
   * Deletes a session owned by `owner`: marks it, then deletes its messages (expired ones too), then
   * the session item. Marking moves `owner` to `deleting`, so from then on the session is gone for
   * reads, listings (the owner index drops it) and turns: a turn racing the delete fails to touch it,
   * or finds it gone after writing and removes its own messages. A delete that fails partway leaves
   * the mark, and the owner's retry carries on where it stopped.
   */
  async deleteSession(
    sessionId: string,
    owner: string,
    forget: (clientMessageIds: readonly string[]) => Promise<void>,
  ): Promise<boolean> {
    const Key = sessionKey(sessionId);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key,
          UpdateExpression: 'SET deleting = :owner REMOVE #owner',
          ConditionExpression: '(#owner = :owner AND #ttl > :now) OR deleting = :owner',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': TTL },
          ExpressionAttributeValues: { ':owner': owner, ':now': this.epochSeconds() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    const items = await this.messageItems(sessionId);
    await forget(
      items.flatMap((item) => (typeof item.clientMessageId === 'string' ? [item.clientMessageId] : [])),
    );
    await this.deleteBatch(items);
    await this.db.send(new DeleteCommand({ TableName: this.table, Key }));
    return true;
  }

  /**
   * Deletes the items by their keys. BatchWriteItem may hand back unprocessed items under load: those
   * are retried a bounded number of times, then the delete fails as temporary (503) rather than
   * report items gone that are not.
   */
  private async deleteBatch(items: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      let pending = items
        .slice(i, i + BATCH_SIZE)
        .map((item) => ({ DeleteRequest: { Key: { [PK]: item[PK], [SK]: item[SK] } } }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_TRIES) throw new ServiceUnavailableError(`${STORE} is busy; please retry.`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = (result.UnprocessedItems?.[this.table] ?? []) as typeof pending;
      }
    }
  }

  /** A missing or malformed expiry is not live: `Number` makes it NaN, which is greater than nothing. */
  private isLive(expiresAt: unknown): boolean {
    return Number(expiresAt) > this.epochSeconds();
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private expiry(): number {
    return this.epochSeconds() + this.options.ttlDays * 86_400;
  }
}

function toMessage(item: Record<string, unknown>): StoredMessage {
  return {
    sessionId: String(item.sessionId),
    messageId: String(item.messageId),
    role: item.role as MessageRole,
    text: String(item.text ?? ''),
    ...(Array.isArray(item.citations) ? { citations: item.citations as Citation[] } : {}),
    status: (item.status as MessageStatus) ?? 'complete',
    createdAt: String(item.createdAt),
    ...(typeof item.clientMessageId === 'string' ? { clientMessageId: item.clientMessageId } : {}),
    ...(item.feedback && typeof item.feedback === 'object' ? { feedback: item.feedback as Feedback } : {}),
  };
}
