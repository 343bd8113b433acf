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
import { sessionTable } from '../config/table.ts';
import type {
  ChatAnswer,
  Citation,
  Feedback,
  MessageRole,
  MessageStatus,
  StoredMessage,
  StoredSession,
} from './types.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = sessionTable;
const SESSION_SK = 'SESSION';
const MESSAGE_PREFIX = 'MSG#';
/** BatchWriteItem's limit. */
const BATCH_SIZE = 25;

const sessionPk = (sessionId: string) => `SESSION#${sessionId}`;
const clientMessagePk = (owner: string, clientMessageId: string) => `CLIENTMSG#${owner}#${clientMessageId}`;
const CLAIM_SK = 'CLAIM';
/** How long a client message id is remembered: clients retry within minutes, not days. */
const CLIENT_MESSAGE_TTL_SECONDS = 86_400;
/** Messages sort by creation time, then id, so concurrent turns keep a stable order. */
const messageSk = (createdAt: string, messageId: string) => `${MESSAGE_PREFIX}${createdAt}#${messageId}`;

/** A live session already holds this id. */
export class SessionExistsError extends Error {
  override readonly name = 'SessionExistsError';
  constructor(sessionId: string, options?: ErrorOptions) {
    super(`Session ${sessionId} already exists`, options);
  }
}

export type ClientMessageClaim =
  | { readonly state: 'pending' }
  | { readonly state: 'complete'; readonly answer: ChatAnswer };

/** A message as the engine hands it over: its session is given separately, feedback comes later. */
export type NewMessage = Omit<StoredMessage, 'sessionId' | 'feedback'>;

export interface SessionStoreOptions {
  readonly tableName: string;
  readonly ttlDays: number;
  readonly now?: () => Date;
}

/**
 * Sessions and their messages in one DynamoDB table: a session item (`SESSION#id` / `SESSION`) and
 * one item per message (`SESSION#id` / `MSG#createdAt#messageId`). Every write is a single-item
 * conditional write, so there is no TransactWriteItems (dynalite lacks it) and no lost update.
 * Expired items are filtered on read, since DynamoDB's TTL deletes them up to days late.
 */
export class SessionStore {
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly options: SessionStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
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
          TableName: this.options.tableName,
          Item: {
            [PK]: sessionPk(sessionId),
            [SK]: SESSION_SK,
            type: 'session',
            ...sessionAttributes(session),
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
        TableName: this.options.tableName,
        Key: { [PK]: sessionPk(sessionId), [SK]: SESSION_SK },
        ConsistentRead: true,
      }),
    );
    if (!Item || Item.owner !== owner || !this.isLive(Item[TTL])) return undefined;
    return {
      sessionId,
      owner: String(Item.owner),
      createdAt: String(Item.createdAt),
      ...(typeof Item.bedrockSessionId === 'string' ? { bedrockSessionId: Item.bedrockSessionId } : {}),
      expiresAt: Number(Item[TTL]),
    };
  }

  /** Records the Bedrock session now in use and keeps the session alive for another TTL period. */
  async touchSession(sessionId: string, bedrockSessionId: string | undefined): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.options.tableName,
        Key: { [PK]: sessionPk(sessionId), [SK]: SESSION_SK },
        UpdateExpression: bedrockSessionId ? 'SET #ttl = :ttl, bedrockSessionId = :bid' : 'SET #ttl = :ttl',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
        ExpressionAttributeValues: {
          ':ttl': this.expiry(),
          ...(bedrockSessionId ? { ':bid': bedrockSessionId } : {}),
        },
      }),
    );
  }

  /** Stores one message; a repeated message id is a conflict, never an overwrite. */
  async appendMessage(sessionId: string, message: NewMessage): Promise<StoredMessage> {
    const stored: StoredMessage = { sessionId, ...message };
    await this.db.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          [PK]: sessionPk(sessionId),
          [SK]: messageSk(message.createdAt, message.messageId),
          type: 'message',
          ...stored,
          [TTL]: this.expiry(),
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': PK },
      }),
    );
    return stored;
  }

  /**
   * Attaches feedback to an assistant message; a later rating replaces an earlier one. False when
   * the session has no such assistant message.
   */
  async setFeedback(sessionId: string, messageId: string, feedback: Feedback): Promise<boolean> {
    const message = (await this.listMessages(sessionId)).find((m) => m.messageId === messageId);
    if (message?.role !== 'assistant') return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: sessionPk(sessionId), [SK]: messageSk(message.createdAt, messageId) },
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

  /**
   * Claims a client message id for one request, so a retried request cannot start a second
   * answer. A claim left pending longer than `leaseMs` (its request died) can be taken over.
   * Returns undefined when claimed, else what the earlier request left: pending or its answer.
   */
  async claimClientMessage(
    owner: string,
    clientMessageId: string,
    leaseMs: number,
  ): Promise<ClientMessageClaim | undefined> {
    const now = this.now().getTime();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            [PK]: clientMessagePk(owner, clientMessageId),
            [SK]: CLAIM_SK,
            type: 'client-message',
            state: 'pending',
            leaseUntil: now + leaseMs,
            [TTL]: this.epochSeconds() + CLIENT_MESSAGE_TTL_SECONDS,
          },
          ConditionExpression:
            'attribute_not_exists(#pk) OR #ttl <= :nowSeconds OR (#state = :pending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL, '#state': 'state' },
          ExpressionAttributeValues: {
            ':nowSeconds': this.epochSeconds(),
            ':pending': 'pending',
            ':now': now,
          },
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { [PK]: clientMessagePk(owner, clientMessageId), [SK]: CLAIM_SK },
        ConsistentRead: true,
      }),
    );
    if (Item?.state === 'complete' && Item.answer)
      return { state: 'complete', answer: Item.answer as ChatAnswer };
    return { state: 'pending' };
  }

  /** Records the answer of a claimed client message id; repeats of the request get it back. */
  async completeClientMessage(owner: string, clientMessageId: string, answer: ChatAnswer): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          [PK]: clientMessagePk(owner, clientMessageId),
          [SK]: CLAIM_SK,
          type: 'client-message',
          state: 'complete',
          answer,
          [TTL]: this.epochSeconds() + CLIENT_MESSAGE_TTL_SECONDS,
        },
      }),
    );
  }

  /** Gives a claim back when its request failed, so the client's retry can answer afresh. */
  async releaseClientMessage(owner: string, clientMessageId: string): Promise<void> {
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { [PK]: clientMessagePk(owner, clientMessageId), [SK]: CLAIM_SK },
          ConditionExpression: '#state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** The live messages of a session, oldest first. */
  async listMessages(sessionId: string): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Bounded: a session holds at most a few thousand messages, a page at most 1 MB.
    for (let page = 0; page < 100; page++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          FilterExpression: '#ttl > :now',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#ttl': TTL },
          ExpressionAttributeValues: {
            ':pk': sessionPk(sessionId),
            ':prefix': MESSAGE_PREFIX,
            ':now': this.epochSeconds(),
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) messages.push(toMessage(item));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return messages;
  }

  /**
   * Deletes a session owned by `owner`. The session item goes first, under a condition on its
   * owner, so a half-finished delete leaves an unreachable session rather than a foreign one.
   */
  async deleteSession(sessionId: string, owner: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { [PK]: sessionPk(sessionId), [SK]: SESSION_SK },
          ConditionExpression: '#owner = :owner AND #ttl > :now',
          ExpressionAttributeNames: { '#owner': 'owner', '#ttl': TTL },
          ExpressionAttributeValues: { ':owner': owner, ':now': this.epochSeconds() },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    const keys = (await this.listMessages(sessionId)).map((m) => ({
      [PK]: sessionPk(sessionId),
      [SK]: messageSk(m.createdAt, m.messageId),
    }));
    for (let i = 0; i < keys.length; i += BATCH_SIZE) await this.deleteBatch(keys.slice(i, i + BATCH_SIZE));
    return true;
  }

  /** BatchWriteItem may hand back unprocessed items under load; retry those a bounded number of times. */
  private async deleteBatch(keys: Record<string, string>[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0 && attempt < 5; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const result = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.options.tableName]: pending } }),
      );
      pending = (result.UnprocessedItems?.[this.options.tableName] ?? []) as typeof pending;
    }
  }

  private isLive(expiresAt: unknown): boolean {
    return typeof expiresAt === 'number' && expiresAt > this.epochSeconds();
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private expiry(): number {
    return this.epochSeconds() + this.options.ttlDays * 86_400;
  }
}

function sessionAttributes(session: StoredSession): Record<string, unknown> {
  const { expiresAt, ...rest } = session;
  return { ...rest, [TTL]: expiresAt };
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
