import { Duration, Stack } from 'aws-cdk-lib';
import { AuthorizationType, type CfnMethod, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The namespace and default dimension of the metrics Lantern's handlers emit (Powertools EMF). */
export const LANTERN_METRICS = { namespace: 'Lantern', service: 'lantern' } as const;

/** Props of {@link LanternMonitoring}. */
export interface LanternMonitoringProps {
  readonly api: RestApi;
  /** The function answering `POST /v1/chat`, whose duration is the latency alarm's signal. */
  readonly chatFunction: IFunction;
  /** Every Lantern function, by the label the dashboard shows. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Work queues whose depth and age the dashboard shows, by label. @default none */
  readonly queues?: Readonly<Record<string, IQueue>>;
  /** Dead-letter queues: any message in one raises an alarm. @default none */
  readonly deadLetterQueues?: Readonly<Record<string, IQueue>>;
  /** Subscribed to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Alarms other constructs keep (the Slack path's), to notify the same topic. @default none */
  readonly otherAlarms?: readonly Alarm[];
  /** Alarm when the chat function's p95 duration stays above this. @default 20 seconds */
  readonly chatLatencyThreshold?: Duration;
  /**
   * Alarm when the Lambda authorizer refuses at least this many tokens in each of two consecutive
   * 5 minutes; only where a method of `api` is behind a Lambda authorizer. @default 25
   */
  readonly authorizerFailureThreshold?: number;
}

/** Metrics one alarm's metric math may use (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html). */
const MAX_ALARM_METRICS = 10;

/** The metric functions/authorizer counts each refused token in (`AUTHORIZER_FAILURE_METRIC`). */
export const AUTHORIZER_FAILURE_METRIC_NAME = 'AuthorizerFailure';

/**
 * Lantern's CloudWatch dashboard and alarms. Alarms notify an SNS topic (subscribe to it, or pass
 * `alarmEmail`): API 5xx, chat latency, Lambda throttles, failed ingestion jobs, dead letters, and
 * refused tokens where routes take them.
 * Lantern's own metrics (`ChatTurn`, `ChatError`, `GuardrailIntervention`, `SlackEvent`,
 * `IngestionJobCompleted`/`IngestionJobFailed`, and `AuthorizerFailure` with tokens) come from the handlers as Powertools EMF lines in
 * namespace `Lantern` with dimension `service=lantern`.
 */
export class LanternMonitoring extends Construct {
  public readonly dashboard: Dashboard;
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: LanternMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const five = Duration.minutes(5);
    const apiDimensions = { ApiName: props.api.restApiName, Stage: props.api.deploymentStage.stageName };
    const apiMetric = (metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: apiDimensions,
        statistic,
        period: five,
        label,
      });
    const lantern = (metricName: string, label: string) =>
      new Metric({
        namespace: LANTERN_METRICS.namespace,
        metricName,
        dimensionsMap: { service: LANTERN_METRICS.service },
        statistic: 'Sum',
        period: five,
        label,
      });
    /** Every series of a metric whatever its extra dimension (e.g. the guardrail policy), one line each. */
    const lanternByDimension = (metricName: string, dimensions: readonly string[], label: string) =>
      new MathExpression({
        expression: `SEARCH('{${LANTERN_METRICS.namespace},${['service', ...dimensions].join(',')}} MetricName="${metricName}" service="${LANTERN_METRICS.service}"', 'Sum', 300)`,
        label,
        period: five,
        usingMetrics: {},
      });
    const functions = Object.entries(props.functions);
    const perFunction = (metricName: string, statistic: string): IMetric[] =>
      functions.map(([label, fn]) => fn.metric(metricName, { statistic, period: five, label }));

    // Alarms notify this topic. It carries only alarm state changes, no customer data, so it uses SNS's
    // default encryption: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a
    // customer-managed key would cost $1 a month.
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Lantern alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);
    for (const other of props.otherAlarms ?? []) {
      other.addAlarmAction(notify);
      other.addOkAction(notify);
    }

    const alarms: Alarm[] = [];
    const alarm = (alarmId: string, options: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, {
        treatMissingData: TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      alarms.push(created);
      return created;
    };

    alarm('ApiServerErrors', {
      alarmDescription: 'The Lantern API answered 5 or more 5xx responses in 5 minutes.',
      metric: apiMetric('5XXError', 'Sum', '5xx responses'),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    const latencyThreshold = props.chatLatencyThreshold ?? Duration.seconds(20);
    alarm('ChatLatency', {
      alarmDescription: `POST /v1/chat: the chat function's p95 duration stayed above ${latencyThreshold.toSeconds()} s for 15 minutes.`,
      metric: props.chatFunction.metricDuration({ statistic: 'p95', period: five, label: 'chat p95' }),
      threshold: latencyThreshold.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
    });
    // An alarm's metric math may use at most 10 metrics (a hard CloudWatch limit): one alarm per ten functions.
    for (let first = 0; first < functions.length; first += MAX_ALARM_METRICS) {
      const group = functions.slice(first, first + MAX_ALARM_METRICS);
      alarm(first === 0 ? 'FunctionThrottles' : `FunctionThrottles${first / MAX_ALARM_METRICS + 1}`, {
        alarmDescription: 'A Lantern function was throttled (account or reserved concurrency exhausted).',
        metric: new MathExpression({
          expression: group.map((_, index) => `t${index}`).join(' + '),
          usingMetrics: Object.fromEntries(
            group.map(([, fn], index) => [
              `t${index}`,
              fn.metricThrottles({ statistic: 'Sum', period: five }),
            ]),
          ),
          label: 'throttled invocations',
          period: five,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    alarm('IngestionFailures', {
      alarmDescription: 'A knowledge-base ingestion job failed (metric IngestionJobFailed).',
      metric: lantern('IngestionJobFailed', 'failed ingestion jobs'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    // Read from the API rather than passed in, so the alarm follows the routes however auth is chosen.
    const tokenAuth = props.api.methods.some(
      (method) => (method.node.defaultChild as CfnMethod).authorizationType === AuthorizationType.CUSTOM,
    );
    if (tokenAuth) {
      const threshold = props.authorizerFailureThreshold ?? 25;
      // Two periods: one user whose token expired mid-conversation retries a few times, not for 10 minutes;
      // a wrong audience or issuer after an identity-provider change, an unreachable JWKS, or forged
      // tokens keep going.
      alarm('AuthorizerFailures', {
        alarmDescription: `The Lambda authorizer refused ${threshold} or more tokens in each of two consecutive 5 minutes (metric ${AUTHORIZER_FAILURE_METRIC_NAME}; its Reason dimension says why: expired, audience, issuer, signature, jwks-unavailable...).`,
        metric: lantern(AUTHORIZER_FAILURE_METRIC_NAME, 'refused tokens'),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      });
    }
    for (const [label, queue] of Object.entries(props.deadLetterQueues ?? {})) {
      alarm(`${label}DeadLetters`, {
        alarmDescription: `Messages are waiting in the ${label} dead-letter queue: their work failed every attempt.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: five }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    this.alarms = alarms;

    const queues = Object.entries(props.queues ?? {});
    const deadLetterQueues = Object.entries(props.deadLetterQueues ?? {});
    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Dashboard names are unique per account and region, like stack names.
      dashboardName: stack.stackName,
      defaultInterval: Duration.hours(24),
    });
    const wide = { width: 12, height: 6 };
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Lantern\nAPI \`${props.api.restApiName}\` stage \`${props.api.deploymentStage.stageName}\`. Alarms notify SNS topic \`Lantern alarms\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Requests and errors',
        ...wide,
        left: [
          apiMetric('Count', 'Sum', 'requests'),
          apiMetric('4XXError', 'Sum', '4xx'),
          apiMetric('5XXError', 'Sum', '5xx'),
        ],
      }),
      new GraphWidget({
        title: 'Latency (ms)',
        ...wide,
        left: [
          apiMetric('Latency', 'p50', 'API p50'),
          apiMetric('Latency', 'p95', 'API p95'),
          apiMetric('IntegrationLatency', 'p95', 'integration p95'),
          props.chatFunction.metricDuration({ statistic: 'p95', period: five, label: 'chat function p95' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Chat turns and errors',
        ...wide,
        left: [lantern('ChatTurn', 'chat turns')],
        right: [lanternByDimension('ChatError', ['code'], 'errors')],
      }),
      new GraphWidget({
        title: 'Guardrail interventions (by policy)',
        ...wide,
        left: [lanternByDimension('GuardrailIntervention', ['policy', 'source'], 'interventions')],
      }),
    );
    if (tokenAuth) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Refused tokens (by reason)',
          ...wide,
          left: [lantern(AUTHORIZER_FAILURE_METRIC_NAME, 'refused tokens')],
          right: [lanternByDimension(AUTHORIZER_FAILURE_METRIC_NAME, ['Reason'], 'by reason')],
        }),
      );
    }
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', ...wide, left: perFunction('Errors', 'Sum') }),
      new GraphWidget({ title: 'Function throttles', ...wide, left: perFunction('Throttles', 'Sum') }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingestion jobs',
        ...wide,
        left: [lantern('IngestionJobCompleted', 'completed'), lantern('IngestionJobFailed', 'failed')],
      }),
      new GraphWidget({
        title: 'Queues and dead letters',
        ...wide,
        left: [
          ...queues.map(([label, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: five, label }),
          ),
          ...deadLetterQueues.map(([label, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({
              statistic: 'Maximum',
              period: five,
              label: `${label} dead letters`,
            }),
          ),
        ],
        right: [lantern('SlackEvent', 'Slack events')],
      }),
    );
  }
}
