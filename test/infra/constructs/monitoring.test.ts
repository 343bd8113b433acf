import { RestApi, TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { AUTHORIZER_FAILURE_METRIC } from '../../../functions/authorizer/authorizer-handler.ts';
import { AUTHORIZER_FAILURE_METRIC_NAME, LanternMonitoring } from '../../../infra/constructs/monitoring.ts';
import { constructStack, lanternFunction, Template } from '../support/construct-stack.ts';

function build(alarmEmail?: string) {
  const stack = constructStack();
  const api = new RestApi(stack, 'Api', { restApiName: 'lantern-api' });
  api.root.addMethod('GET');
  const chat = lanternFunction(stack, 'Chat');
  const monitoring = new LanternMonitoring(stack, 'Monitoring', {
    api,
    chatFunction: chat,
    functions: { chat, health: lanternFunction(stack, 'Health') },
    queues: { Work: new Queue(stack, 'Work') },
    deadLetterQueues: { Work: new Queue(stack, 'WorkDeadLetters') },
    alarmEmail,
  });
  return { monitoring, template: Template.fromStack(stack) };
}

describe('LanternMonitoring', () => {
  const { monitoring, template } = build();
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));

  it('alarms on 5xx, chat latency, throttles, failed ingestion jobs and each dead-letter queue', () => {
    const names = alarms.map(([id]) => id.replace(/^Monitoring/, '').replace(/[0-9A-F]{8}$/, ''));
    expect(names.sort()).toEqual([
      'ApiServerErrors',
      'ChatLatency',
      'FunctionThrottles',
      'IngestionFailures',
      'WorkDeadLetters',
    ]);
    expect(monitoring.alarms).toHaveLength(5);
  });

  it('notifies the topic of both alarm and recovery, and requires TLS to publish to it', () => {
    const topic = { Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] };
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions, id).toEqual([topic]);
      expect(alarm.Properties.OKActions, id).toEqual([topic]);
      expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
    }
    const policy = Object.values(template.findResources('AWS::SNS::TopicPolicy'))[0];
    expect(JSON.stringify(policy?.Properties)).toContain('"aws:SecureTransport":"false"');
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('keeps each throttle alarm within the ten metrics CloudWatch allows an alarm, however many functions there are', () => {
    const stack = constructStack();
    const api = new RestApi(stack, 'Api', { restApiName: 'lantern-api' });
    api.root.addMethod('GET');
    const chat = lanternFunction(stack, 'Chat');
    const others = Array.from({ length: 11 }, (_, index) => [
      `fn${index}`,
      lanternFunction(stack, `Fn${index}`),
    ]);
    new LanternMonitoring(stack, 'Monitoring', {
      api,
      chatFunction: chat,
      functions: { chat, ...Object.fromEntries(others) },
    });
    const throttles = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => String(alarm.Properties.AlarmDescription).includes('throttled'),
    );
    const metricsPerAlarm = throttles.map(
      (alarm) => (alarm.Properties.Metrics as { MetricStat?: unknown }[]).filter((m) => m.MetricStat).length,
    );
    expect(metricsPerAlarm).toEqual([10, 2]);
  });

  it('subscribes the alarm address when there is one', () => {
    build('ops@example.com').template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('LanternMonitoring with a Lambda authorizer on the API', () => {
  const stack = constructStack();
  const api = new RestApi(stack, 'Api', { restApiName: 'lantern-api' });
  const authorizer = new TokenAuthorizer(stack, 'TokenAuthorizer', {
    handler: lanternFunction(stack, 'Authorizer'),
  });
  api.root.addResource('chat').addMethod('POST', undefined, { authorizer });
  api.root.addMethod('GET');
  const chat = lanternFunction(stack, 'Chat');
  const monitoring = new LanternMonitoring(stack, 'Monitoring', {
    api,
    chatFunction: chat,
    functions: { chat },
  });
  const template = Template.fromStack(stack);
  const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
  const refused = alarms.filter(([id]) => id.startsWith('MonitoringAuthorizerFailures'));

  it("alarms on refused tokens, counted in the metric the authorizer writes, with the other alarms' actions", () => {
    expect(AUTHORIZER_FAILURE_METRIC_NAME).toBe(AUTHORIZER_FAILURE_METRIC);
    expect(refused).toHaveLength(1);
    const properties = refused[0]?.[1].Properties;
    expect(properties).toMatchObject({
      Metrics: [
        {
          MetricStat: {
            Metric: {
              Namespace: 'Lantern',
              MetricName: AUTHORIZER_FAILURE_METRIC,
              Dimensions: [{ Name: 'service', Value: 'lantern' }],
            },
            Period: 300,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
      ],
      Threshold: 25,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    const topic = { Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] };
    expect(properties.AlarmActions).toEqual([topic]);
    expect(properties.OKActions).toEqual([topic]);
    expect(monitoring.alarms).toHaveLength(alarms.length);
  });

  it('graphs refused tokens by reason on the dashboard', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(body).toContain('Refused tokens (by reason)');
    expect(body).toContain("SEARCH('{Lantern,service,Reason} MetricName=");
    expect(body).toContain('[\\"Lantern\\",\\"AuthorizerFailure\\",\\"service\\",\\"lantern\\"');
  });
});

describe('LanternMonitoring without a Lambda authorizer', () => {
  it('has no refused-token alarm or graph (API keys only)', () => {
    const { template } = build();
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) =>
        id.includes('AuthorizerFailures'),
      ),
    ).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).not.toContain(
      'AuthorizerFailure',
    );
  });
});
