/**
 * Reads the whole session table after a run and finds what a crash or a race left behind: message
 * items whose session item is gone, items of any other kind (idempotency claims, ledgers) that
 * still name a deleted session, session items with no messages, questions stored without an
 * answer. It reads items by the key layout of `SESSION#id` partitions only, and finds session
 * references anywhere else by their `sessionId` attribute, so a new claim format is audited too.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import { LOCAL_TABLE_NAME } from '../../local/stack.ts';

const { partitionKey: PK, sortKey: SK } = sessionTable;
const SESSION_PREFIX = 'SESSION#';
const SESSION_SK = 'SESSION';
const MESSAGE_PREFIX = 'MSG#';

export interface StoredItemMessage {
  readonly sessionId: string;
  readonly messageId: string;
  readonly role: string;
  readonly text: string;
  readonly status: string;
}

export interface TableAudit {
  readonly items: number;
  /** Session ids with a session item. */
  readonly sessions: ReadonlySet<string>;
  /** Every message item, whatever its session's state. */
  readonly messages: readonly StoredItemMessage[];
  /** Message items whose session item is gone. */
  readonly messagesWithoutSession: number;
  /** Items outside `SESSION#` partitions naming a session that has no session item. */
  readonly referencesToMissingSessions: number;
  /** Session items with no message item. */
  readonly emptySessions: number;
  /** Sessions holding more questions than answers, and by how many. */
  readonly unansweredQuestions: number;
  /** Items outside `SESSION#` partitions whose state says work is still under way. */
  readonly pendingClaims: number;
  /** Item counts by kind (the partition key's prefix and the sort key's, e.g. `SESSION#/MSG#`). */
  readonly kinds: Readonly<Record<string, number>>;
  /** A few example keys per finding, for the report. */
  readonly examples: readonly string[];
}

export async function auditTable(endpoint: string): Promise<TableAudit> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 5,
    }),
  );
  const items: Record<string, unknown>[] = [];
  try {
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < 10_000; page++) {
      const res = await client.send(
        new ScanCommand({ TableName: LOCAL_TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(res.Items ?? []));
      startKey = res.LastEvaluatedKey;
      if (!startKey) break;
    }
  } finally {
    client.destroy();
  }
  return auditItems(items);
}

/** The audit of items already read: pure, so it can be checked on hand-made tables. */
export function auditItems(items: readonly Record<string, unknown>[]): TableAudit {
  const sessions = new Set<string>();
  const messages: StoredItemMessage[] = [];
  const others: Record<string, unknown>[] = [];
  const kinds: Record<string, number> = {};
  for (const item of items) {
    const pk = String(item[PK]);
    const sk = String(item[SK]);
    const kind = `${prefixOf(pk)}/${prefixOf(sk)}`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    if (!pk.startsWith(SESSION_PREFIX)) {
      others.push(item);
      continue;
    }
    const sessionId = pk.slice(SESSION_PREFIX.length);
    // A session a DELETE has marked (no owner) is gone for the API: left over, it is an orphan.
    if (sk === SESSION_SK) {
      if (item.owner !== undefined) sessions.add(sessionId);
    } else if (sk.startsWith(MESSAGE_PREFIX))
      messages.push({
        sessionId,
        messageId: String(item.messageId),
        role: String(item.role),
        text: String(item.text ?? ''),
        status: String(item.status ?? ''),
      });
  }

  const examples: string[] = [];
  const example = (text: string) => {
    if (examples.length < 20) examples.push(text);
  };
  const withoutSession = messages.filter((m) => !sessions.has(m.sessionId));
  for (const m of withoutSession.slice(0, 5))
    example(`message ${m.messageId} of missing session ${m.sessionId}`);

  let referencesToMissingSessions = 0;
  let pendingClaims = 0;
  for (const item of others) {
    const missing = [...sessionIdsIn(item)].filter((id) => !sessions.has(id));
    if (missing.length > 0) {
      referencesToMissingSessions++;
      const state = ['status', 'attempt', 'leaseUntil']
        .filter((name) => item[name] !== undefined)
        .map((name) => `${name} ${String(item[name])}`)
        .join(', ');
      example(
        `${String(item[PK])} / ${String(item[SK])} names missing session ${missing[0]}${state ? ` (${state})` : ''}`,
      );
    }
    if (isPending(item)) pendingClaims++;
  }

  const bySession = new Map<string, StoredItemMessage[]>();
  for (const m of messages) bySession.set(m.sessionId, [...(bySession.get(m.sessionId) ?? []), m]);
  let emptySessions = 0;
  let unansweredQuestions = 0;
  for (const id of sessions) {
    const own = bySession.get(id) ?? [];
    if (own.length === 0) {
      emptySessions++;
      example(`session ${id} has no messages`);
    }
    const excess =
      own.filter((m) => m.role === 'user').length - own.filter((m) => m.role === 'assistant').length;
    if (excess > 0) {
      unansweredQuestions += excess;
      example(`session ${id} holds ${excess} questions without an answer`);
    }
  }

  return {
    items: items.length,
    sessions,
    messages,
    messagesWithoutSession: withoutSession.length,
    referencesToMissingSessions,
    emptySessions,
    unansweredQuestions,
    pendingClaims,
    kinds,
    examples,
  };
}

function prefixOf(key: string): string {
  const hash = key.indexOf('#');
  return hash === -1 ? key : key.slice(0, hash + 1);
}

/** Every string held by an attribute named `sessionId`, at any depth (e.g. a stored answer's). */
function sessionIdsIn(value: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8 || !value || typeof value !== 'object') return found;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'sessionId' && typeof inner === 'string') found.add(inner);
    else sessionIdsIn(inner, found, depth + 1);
  }
  return found;
}

/** Lantern's claims say `pending`; Powertools' idempotency records say `INPROGRESS`. */
function isPending(item: Record<string, unknown>): boolean {
  return [item.state, item.status].some(
    (v) => typeof v === 'string' && ['pending', 'inprogress', 'in_progress'].includes(v.toLowerCase()),
  );
}
