import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { sessionTable } from '../../config/table.ts';
import { ValidationError } from '../errors.ts';
import {
  type IngestionJob,
  type IngestionJobStatus,
  type IngestionStatistics,
  type IngestionTrigger,
  isTerminal,
  type RecordedIngestionJob,
} from './types.ts';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = sessionTable;
/** Every job sits in one partition, sorted by start time: newest first is one Query. */
const JOBS_PK = 'INGESTIONJOB';
const jobSk = (startedAt: string, jobId: string) => `${startedAt}#${jobId}`;
/** A small immutable pointer per job id, so a job can be read by id alone. */
const pointerPk = (jobId: string) => `INGESTIONJOB#${jobId}`;
const POINTER_SK = 'JOB';
const TERMINAL_STATUSES: readonly IngestionJobStatus[] = ['COMPLETE', 'FAILED', 'STOPPED'];
const UNFINISHED_STATUSES: readonly IngestionJobStatus[] = ['STARTING', 'IN_PROGRESS', 'STOPPING'];

export interface IngestionJobStoreOptions {
  readonly tableName: string;
  readonly retentionDays: number;
  readonly now?: () => Date;
}

/** What recording a job changed. */
export interface RecordOutcome {
  /** The job was not recorded before (a repeated client token returns a job already recorded). */
  readonly created: boolean;
  /** This write is the one that saw the job finish: report its outcome (metrics) exactly here. */
  readonly becameTerminal: boolean;
}

export interface JobPage {
  readonly jobs: readonly RecordedIngestionJob[];
  /** Opaque; pass back for the next page. */
  readonly cursor?: string;
}

/**
 * The ingestion jobs Lantern started, in the session table: one item per job
 * (`INGESTIONJOB` / `<startedAt>#<jobId>`, newest first by a reverse Query) and an immutable pointer
 * (`INGESTIONJOB#<jobId>` / `JOB`) to find it by id. Single-item conditional writes only: a job's
 * status never moves back, and only one writer sees it become terminal, so its metric is counted
 * once whichever function (kb-sync, kb-admin) notices first. Items expire by TTL.
 */
export class IngestionJobStore {
  private readonly now: () => Date;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly options: IngestionJobStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records a job: creates it when `origin` is given and it is new, otherwise moves its status,
   * statistics and failure reasons forward (never back, never out of a terminal status).
   */
  async record(
    job: IngestionJob,
    origin?: { readonly trigger: IngestionTrigger; readonly requestedBy?: string },
  ): Promise<RecordOutcome> {
    if (origin) {
      await this.putIfAbsent({
        [PK]: pointerPk(job.jobId),
        [SK]: POINTER_SK,
        type: 'ingestionJobPointer',
        startedAt: job.startedAt,
        [TTL]: this.expiry(),
      });
      const recorded: RecordedIngestionJob = {
        ...job,
        trigger: origin.trigger,
        ...(origin.requestedBy ? { requestedBy: origin.requestedBy } : {}),
      };
      const created = await this.putIfAbsent({
        [PK]: JOBS_PK,
        [SK]: jobSk(job.startedAt, job.jobId),
        type: 'ingestionJob',
        ...recorded,
        [TTL]: this.expiry(),
      });
      if (created) return { created: true, becameTerminal: isTerminal(job.status) };
    }
    return { created: false, becameTerminal: (await this.advance(job)) && isTerminal(job.status) };
  }

  /** A recorded job by id; undefined when unknown or expired. */
  async get(jobId: string): Promise<RecordedIngestionJob | undefined> {
    const pointer = await this.getItem(pointerPk(jobId), POINTER_SK);
    if (!pointer || typeof pointer.startedAt !== 'string') return undefined;
    const item = await this.getItem(JOBS_PK, jobSk(pointer.startedAt, jobId));
    return item ? toJob(item) : undefined;
  }

  /** Recorded jobs, newest first. */
  async list(options: { limit: number; cursor?: string }): Promise<JobPage> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#ttl > :now',
        ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
        ExpressionAttributeValues: { ':pk': JOBS_PK, ':now': this.epochSeconds() },
        ScanIndexForward: false,
        Limit: options.limit,
        ConsistentRead: true,
        ...(options.cursor ? { ExclusiveStartKey: decodeCursor(options.cursor) } : {}),
      }),
    );
    const last = result.LastEvaluatedKey;
    return {
      jobs: (result.Items ?? []).map(toJob),
      ...(last && typeof last[SK] === 'string' ? { cursor: encodeCursor(last[SK]) } : {}),
    };
  }

  /** Jobs not yet seen to finish, among the `window` most recent. */
  async listUnfinished(window = 25): Promise<RecordedIngestionJob[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#ttl > :now AND #status IN (:s0, :s1, :s2)',
        ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL, '#status': 'status' },
        ExpressionAttributeValues: {
          ':pk': JOBS_PK,
          ':now': this.epochSeconds(),
          ...Object.fromEntries(UNFINISHED_STATUSES.map((status, i) => [`:s${i}`, status])),
        },
        ScanIndexForward: false,
        Limit: window,
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map(toJob);
  }

  /** Moves a recorded job forward; false when it is unknown, already finished or newer. */
  private async advance(job: IngestionJob): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: JOBS_PK, [SK]: jobSk(job.startedAt, job.jobId) },
          UpdateExpression: job.failureReasons?.length
            ? 'SET #status = :status, statistics = :statistics, updatedAt = :updatedAt, failureReasons = :reasons'
            : 'SET #status = :status, statistics = :statistics, updatedAt = :updatedAt',
          ConditionExpression:
            'attribute_exists(#pk) AND NOT (#status IN (:t0, :t1, :t2)) AND updatedAt <= :updatedAt',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': job.status,
            ':statistics': job.statistics,
            ':updatedAt': job.updatedAt,
            ...(job.failureReasons?.length ? { ':reasons': job.failureReasons } : {}),
            ...Object.fromEntries(TERMINAL_STATUSES.map((status, i) => [`:t${i}`, status])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async getItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { [PK]: pk, [SK]: sk },
        ConsistentRead: true,
      }),
    );
    if (!Item || typeof Item[TTL] !== 'number' || Item[TTL] <= this.epochSeconds()) return undefined;
    return Item;
  }

  private epochSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private expiry(): number {
    return this.epochSeconds() + this.options.retentionDays * 86_400;
  }
}

function toJob(item: Record<string, unknown>): RecordedIngestionJob {
  const statistics = (item.statistics ?? {}) as Partial<IngestionStatistics>;
  return {
    jobId: String(item.jobId),
    knowledgeBaseId: String(item.knowledgeBaseId ?? ''),
    dataSourceId: String(item.dataSourceId),
    status: item.status as IngestionJobStatus,
    statistics: {
      scanned: Number(statistics.scanned ?? 0),
      new: Number(statistics.new ?? 0),
      modified: Number(statistics.modified ?? 0),
      deleted: Number(statistics.deleted ?? 0),
      failed: Number(statistics.failed ?? 0),
    },
    startedAt: String(item.startedAt),
    updatedAt: String(item.updatedAt),
    ...(Array.isArray(item.failureReasons) ? { failureReasons: item.failureReasons.map(String) } : {}),
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    trigger: item.trigger as IngestionTrigger,
    ...(typeof item.requestedBy === 'string' ? { requestedBy: item.requestedBy } : {}),
  };
}

function encodeCursor(sk: string): string {
  return Buffer.from(JSON.stringify({ sk }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { sk?: unknown }).sk === 'string') {
      return { [PK]: JOBS_PK, [SK]: (parsed as { sk: string }).sk };
    }
  } catch {
    // Falls through to the validation error.
  }
  throw new ValidationError('nextToken is not valid');
}
