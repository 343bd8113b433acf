import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { ingestionSettings } from '../../config/ingestion.ts';
import { LanternFunction } from './lantern-function.ts';

/** Props of {@link KnowledgeBaseReload}. */
export interface KnowledgeBaseReloadProps {
  /** The sessions table, which also records the ingestion jobs Lantern starts. */
  readonly table: ITable;
  readonly knowledgeBaseArn: string;
  /** The bucket whose `Object Created`/`Object Deleted` events (EventBridge) trigger a sync. */
  readonly documentsBucketName: string;
  /** The knowledge base's data sources: the documents bucket's first, then Confluence's. */
  readonly dataSourceIds: readonly string[];
  /** The variables every Lantern function gets (`TABLE_NAME`, `KNOWLEDGE_BASE_ID`, …). */
  readonly environment: LanternEnvironment;
  /** When kb-sync crawls the non-S3 data sources (Confluence): a schedule expression. @default no schedule */
  readonly crawlSchedule?: string;
  readonly logRetention?: RetentionDays;
}

/**
 * The job items of `shared/ingestion/job-store.ts`: `INGESTIONJOB` / `<startedAt>#<jobId>` and the
 * pointers `INGESTIONJOB#<jobId>` / `JOB`. The functions may touch no other partition of the table.
 */
const JOB_PARTITIONS = ['INGESTIONJOB', 'INGESTIONJOB#*'];

/** kb-sync invocations at once: ingestion jobs run one at a time per data source anyway. */
const SYNC_MAX_CONCURRENCY = 2;
/** EventBridge retries of the scheduled invocation (Lambda then retries it asynchronously too). */
const SCHEDULE_RETRY_ATTEMPTS = 2;

/**
 * Knowledge-base reload: `kb-admin` behind the IAM-authorized admin routes (`ChatApi` routes to it), and `kb-sync`, fed by S3 change events (EventBridge rule → encrypted SQS queue, batched by
 * the queue's batching window: the debounce) and, with Confluence, by a schedule. Both may start and
 * read ingestion jobs on this knowledge base and record them in the table's `INGESTIONJOB` items; the
 * numbers come from `config/ingestion.ts`.
 */
export class KnowledgeBaseReload extends Construct {
  public readonly adminFunction: LanternFunction;
  public readonly syncFunction: LanternFunction;
  /** S3 change events waiting for kb-sync. */
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  /** The EventBridge rule that queues the documents bucket's changes. */
  public readonly documentChangesRule: Rule;
  /** The crawl schedule, when there is one. */
  public readonly crawlScheduleRule?: Rule;

  constructor(scope: Construct, id: string, props: KnowledgeBaseReloadProps) {
    super(scope, id);
    const { table, knowledgeBaseArn, logRetention } = props;
    const environment: LanternEnvironment = {
      ...props.environment,
      KNOWLEDGE_BASE_DATA_SOURCE_IDS: props.dataSourceIds.join(','),
    };

    this.adminFunction = new LanternFunction(this, 'KbAdmin', {
      entry: 'functions/kb-admin/handler.ts',
      description: 'POST /v1/admin/knowledge-base/sync, GET /v1/admin/knowledge-base/jobs[/{jobId}] (IAM)',
      memorySize: 512,
      timeout: Duration.seconds(functionTimeoutSeconds.kbAdmin),
      logRetention,
      environment,
    });
    this.syncFunction = new LanternFunction(this, 'KbSync', {
      entry: 'functions/kb-sync/handler.ts',
      description: 'Syncs the knowledge base: S3 changes (queued) and scheduled crawls',
      memorySize: 512,
      timeout: Duration.seconds(ingestionSettings.syncTimeoutSeconds),
      logRetention,
      environment,
    });

    const ingestionActions = ['bedrock:StartIngestionJob', 'bedrock:GetIngestionJob'];
    this.adminFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'RunIngestionJobs',
        actions: ingestionActions,
        resources: [knowledgeBaseArn],
      }),
    );
    this.syncFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'RunIngestionJobs',
        // GetDataSource: kb-sync tells S3 sources (synced on change) from crawled ones (synced on schedule).
        actions: [...ingestionActions, 'bedrock:GetDataSource'],
        resources: [knowledgeBaseArn],
      }),
    );
    for (const fn of [this.adminFunction, this.syncFunction]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'RecordIngestionJobs',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': JOB_PARTITIONS } },
        }),
      );
    }

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(ingestionSettings.queueVisibilityTimeoutSeconds),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ingestionSettings.maxReceiveCount },
    });

    // The target adds the queue policy: events.amazonaws.com may send, only for this rule (aws:SourceArn).
    this.documentChangesRule = new Rule(this, 'DocumentChanges', {
      description: 'Queues changes to the documents bucket for kb-sync',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created', 'Object Deleted'],
        detail: { bucket: { name: [props.documentsBucketName] } },
      },
      targets: [new SqsQueue(this.queue)],
    });
    this.syncFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: ingestionSettings.batchSize,
        maxBatchingWindow: Duration.seconds(ingestionSettings.batchingWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: SYNC_MAX_CONCURRENCY,
      }),
    );

    if (props.crawlSchedule) {
      // The default input, the Scheduled Event itself: kb-sync then syncs every data source that is not S3.
      this.crawlScheduleRule = new Rule(this, 'CrawlSchedule', {
        description: 'Syncs the crawled data sources (Confluence), which emit no change events',
        schedule: Schedule.expression(props.crawlSchedule),
        targets: [new LambdaFunction(this.syncFunction, { retryAttempts: SCHEDULE_RETRY_ATTEMPTS })],
      });
    }
  }
}
