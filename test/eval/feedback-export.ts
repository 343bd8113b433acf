/**
 * The human-evaluation loop: every rated answer (thumbs up/down from `POST /v1/sessions/{id}/feedback`)
 * with the question that led to it, as JSON Lines. There is no API route that lists sessions, so
 * this reads the session table directly: a Scan for assistant messages carrying `feedback`, then
 * each of their sessions' messages to find the user message just before the rated answer.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import { DynamoDbSessionStore as SessionStore } from '../../shared/aws/dynamodb-session-store.ts';
import type { Citation, Rating, StoredMessage } from '../../shared/chat/types.ts';

/** One line of the export. */
export interface FeedbackLine {
  readonly sessionId: string;
  readonly messageId: string;
  readonly rating: Rating;
  readonly comment?: string;
  /** The user message answered by the rated message (empty if the session no longer holds it). */
  readonly question: string;
  readonly answer: string;
  readonly citations: readonly Citation[];
  readonly ratedAt: string;
}

export interface ExportFeedbackOptions {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Only this rating. */
  readonly rating?: Rating;
  /** Clock for the TTL check (expired sessions are treated as deleted, as the API does). */
  readonly now?: () => Date;
  /** Scan pages of up to 1 MB each; a bound on the work, not a limit expected to be reached. */
  readonly maxPages?: number;
}

const { ttlAttribute: TTL } = sessionTable;

/** The rated answer and the user message just before it in the session, or undefined. */
export function pairWithQuestion(
  messages: readonly StoredMessage[],
  messageId: string,
): { question: StoredMessage | undefined; answer: StoredMessage } | undefined {
  const index = messages.findIndex((m) => m.messageId === messageId);
  const answer = messages[index];
  if (index < 0 || !answer || answer.role !== 'assistant') return undefined;
  const question = messages
    .slice(0, index)
    .reverse()
    .find((m) => m.role === 'user');
  return { question, answer };
}

/** Every rated answer in the table, oldest rating first. */
export async function exportFeedback(options: ExportFeedbackOptions): Promise<FeedbackLine[]> {
  const now = options.now ?? (() => new Date());
  const nowSeconds = Math.floor(now().getTime() / 1000);
  const maxPages = options.maxPages ?? 10_000;
  const rated = new Map<string, Set<string>>();
  /** Sessions with an owner: one a DELETE has marked (and may not have finished) has none. */
  const live = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await options.db.send(
      new ScanCommand({
        TableName: options.tableName,
        FilterExpression:
          '#ttl > :now AND ((#type = :message AND #role = :assistant AND attribute_exists(feedback)) OR (#type = :session AND attribute_exists(#owner)))',
        ProjectionExpression: 'sessionId, messageId, #type',
        ExpressionAttributeNames: { '#type': 'type', '#role': 'role', '#ttl': TTL, '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':message': 'message',
          ':assistant': 'assistant',
          ':session': 'session',
          ':now': nowSeconds,
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? []) {
      const sessionId = String(item.sessionId);
      if (item.type === 'session') {
        live.add(sessionId);
        continue;
      }
      const ids = rated.get(sessionId) ?? new Set<string>();
      ids.add(String(item.messageId));
      rated.set(sessionId, ids);
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
    if (page === maxPages - 1)
      throw new Error(`the table has more than ${maxPages} scan pages; raise maxPages`);
  }

  // ttlDays only matters for writes, which this store never makes.
  const store = new SessionStore(options.db, { tableName: options.tableName, ttlDays: 1, now });
  const lines: FeedbackLine[] = [];
  for (const [sessionId, messageIds] of rated) {
    if (!live.has(sessionId)) continue;
    const messages = await store.listMessages(sessionId);
    for (const messageId of messageIds) {
      const pair = pairWithQuestion(messages, messageId);
      const feedback = pair?.answer.feedback;
      if (!pair || !feedback) continue;
      if (options.rating && feedback.rating !== options.rating) continue;
      lines.push({
        sessionId,
        messageId,
        rating: feedback.rating,
        ...(feedback.comment ? { comment: feedback.comment } : {}),
        question: pair.question?.text ?? '',
        answer: pair.answer.text,
        citations: pair.answer.citations ?? [],
        ratedAt: feedback.createdAt,
      });
    }
  }
  return lines.sort(
    (a, b) => a.ratedAt.localeCompare(b.ratedAt) || a.sessionId.localeCompare(b.sessionId) || 0,
  );
}

export const toJsonl = (lines: readonly FeedbackLine[]) =>
  lines.map((line) => `${JSON.stringify(line)}\n`).join('');
