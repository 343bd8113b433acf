import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { LanternMonitoring } from '../../../infra/constructs/monitoring.ts';
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

  it('subscribes the alarm address when there is one', () => {
    build('ops@example.com').template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
