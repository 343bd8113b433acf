import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { slackSettings } from '../../config/slack.ts';
import { type BundledFile, bundleFile } from '../lib/bundled-file.ts';
import type { ConversationAccess } from './conversation-access.ts';
import { LanternFunction } from './lantern-function.ts';
import { LANTERN_METRICS } from './monitoring.ts';

/** Props of {@link SlackIntegration}. */
export interface SlackIntegrationProps {
  /** The Slack app's secret (`{"signingSecret","botToken"}`), read by both functions. */
  readonly secret: ISecret;
  /** The table whose `SLACKEVENT#` items are the event ledger (Slack retries an event it thinks was lost). */
  readonly table: ITable;
  /** The variables every Lantern function gets (`TABLE_NAME`, `KNOWLEDGE_BASE_ID`, …). */
  readonly environment: LanternEnvironment;
  /** What the worker needs to answer: the conversation policy, the guardrail and its variables. */
  readonly conversation: ConversationAccess;
  readonly logRetention?: RetentionDays;
  /**
   * The answer settings' defaults (`defaultAnswerPreset`): the worker's model and its bundled
   * preset, so Slack answers as an API key of the default profile does. @default the built-in defaults
   */
  readonly answerPreset?: { readonly modelArn: string; readonly file: BundledFile };
}

/** Questions from Slack answered at once: bounds the model calls (and cost) a busy workspace can cause. */
const WORKER_MAX_CONCURRENCY = 10;

/**
 * How long a message that still dead-letters (the worker crashed or timed out on every attempt) is
 * kept: it holds the question's raw, unscreened text, so only as long as an operator needs to look
 * and redrive it (SQS's default), not SQS's maximum of 14 days.
 */
const DEAD_LETTER_RETENTION = Duration.days(4);

/**
 * The Slack path: `slack-events` verifies Slack's signature, records the event id in the table's
 * ledger (its only items there) and queues the event, within Slack's 3-second answer window; an
 * encrypted SQS queue, with a dead-letter queue after `maxReceiveCount` attempts (`config/slack.ts`),
 * feeds `slack-worker` one message at a time, which answers in the thread through
 * {@link ConversationAccess}. Both may read the Slack secret. The route to `slack-events` is
 * `ChatApi`'s.
 *
 * A question the worker gives up on (its last attempt failed) is apologized for in the thread and
 * deleted from the queue, not dead-lettered, so its unscreened text is not kept; {@link alarms}
 * holds the alarm on those give-ups. Only messages whose worker crashed or timed out on every
 * attempt reach the dead-letter queue.
 */
export class SlackIntegration extends Construct {
  public readonly eventsFunction: LanternFunction;
  public readonly workerFunction: LanternFunction;
  /** Queued Slack events waiting for the worker. */
  public readonly queue: Queue;
  /**
   * Events whose worker crashed or timed out on each of `maxReceiveCount` attempts, with their raw
   * text, kept {@link DEAD_LETTER_RETENTION}.
   */
  public readonly deadLetterQueue: Queue;
  /**
   * The Slack path's own alarms (the worker gave up on a question), without actions: the stack
   * passes them to LanternMonitoring, which points them at its alarm topic.
   */
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: SlackIntegrationProps) {
    super(scope, id);
    const { secret, table, conversation, logRetention, answerPreset } = props;
    const environment: LanternEnvironment = { ...props.environment, SLACK_SECRET_ARN: secret.secretArn };

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(slackSettings.queueVisibilityTimeoutSeconds),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: slackSettings.maxReceiveCount },
    });

    this.eventsFunction = new LanternFunction(this, 'SlackEvents', {
      entry: 'functions/slack-events/handler.ts',
      description: 'POST /v1/slack/events: verify, record and queue Slack events',
      timeout: Duration.seconds(slackSettings.eventsTimeoutSeconds),
      logRetention,
      environment: { ...environment, SLACK_QUEUE_URL: this.queue.queueUrl },
    });
    this.queue.grantSendMessages(this.eventsFunction);
    this.eventsFunction.addToRolePolicy(
      new PolicyStatement({
        sid: 'RecordSlackEvents',
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        // Only the event ledger's items, never a session's.
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SLACKEVENT#*'] } },
      }),
    );

    this.workerFunction = new LanternFunction(this, 'SlackWorker', {
      entry: 'functions/slack-worker/handler.ts',
      description: 'Answers queued Slack questions in their thread',
      timeout: Duration.seconds(slackSettings.workerTimeoutSeconds),
      logRetention,
      environment: {
        ...environment,
        ...conversation.environment,
        ...(answerPreset
          ? { MODEL_ARN: answerPreset.modelArn, SLACK_ANSWER_PRESET_FILE: answerPreset.file.runtimePath }
          : {}),
      },
      ...(answerPreset ? { bundling: bundleFile(answerPreset.file) } : {}),
    });
    this.workerFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY,
      }),
    );
    conversation.grantTo(this.workerFunction);

    for (const fn of [this.eventsFunction, this.workerFunction]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'ReadTheSlackSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
    }

    this.alarms = [
      new Alarm(this, 'GaveUp', {
        alarmDescription:
          'The Slack worker gave up on a question after its last attempt and apologized in the thread (metric SlackEvent, outcome gave_up). The worker log line "Giving up on a Slack event" names the event, thread and error.',
        metric: new Metric({
          namespace: LANTERN_METRICS.namespace,
          metricName: 'SlackEvent',
          dimensionsMap: { service: LANTERN_METRICS.service, outcome: 'gave_up' },
          statistic: 'Sum',
          period: Duration.minutes(5),
          label: 'Slack questions given up',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}
