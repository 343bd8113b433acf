import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { slackSettings } from '../../../config/slack.ts';
import { ConversationAccess } from '../../../infra/constructs/conversation-access.ts';
import { SlackIntegration } from '../../../infra/constructs/slack-integration.ts';
import { resolveGenerationModel } from '../../../infra/lib/bedrock-arns.ts';
import { constructStack, idOf, sessionsTable, Template } from '../support/construct-stack.ts';
import { grantsByAction, statementsOfRole } from '../support/lantern-app.ts';

const stack = constructStack();
const table = sessionsTable(stack);
const secret = new Secret(stack, 'SlackSecret');
const conversation = new ConversationAccess(stack, 'Conversation', {
  table,
  knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678',
  model: resolveGenerationModel(stack, 'amazon.nova-lite-v1:0'),
});
const slack = new SlackIntegration(stack, 'Slack', {
  secret,
  table,
  conversation,
  environment: { TABLE_NAME: table.tableName, SESSION_TTL_DAYS: '30' },
});
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources;
type Fn = typeof slack.eventsFunction;
const grantsOf = (fn: Fn) => statementsOfRole(template, idOf(fn.executionRole));
const variablesOf = (fn: Fn) =>
  resources[idOf(fn)].Properties.Environment.Variables as Record<string, unknown>;

describe('SlackIntegration', () => {
  const queueId = idOf(slack.queue);
  const deadLetterId = idOf(slack.deadLetterQueue);

  it('queues events on an encrypted queue that outlives the worker and dead-letters after maxReceiveCount', () => {
    expect(resources[queueId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: slackSettings.queueVisibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
        maxReceiveCount: slackSettings.maxReceiveCount,
      },
    });
    // It holds raw, unscreened question text: kept as long as an operator needs to redrive it, no longer.
    expect(resources[deadLetterId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
    expect(slackSettings.queueVisibilityTimeoutSeconds).toBeGreaterThan(slackSettings.workerTimeoutSeconds);
  });

  it('names the secret to both functions and the queue to the events function only', () => {
    const secretArn = stack.resolve(secret.secretArn);
    expect(variablesOf(slack.eventsFunction)).toMatchObject({
      TABLE_NAME: stack.resolve(table.tableName),
      SLACK_SECRET_ARN: secretArn,
      SLACK_QUEUE_URL: { Ref: queueId },
    });
    expect(variablesOf(slack.workerFunction)).toMatchObject({ SLACK_SECRET_ARN: secretArn });
    expect(variablesOf(slack.workerFunction)).not.toHaveProperty('SLACK_QUEUE_URL');
  });

  it('lets slack-events write ledger items only, send to the queue and read the secret, and nothing else', () => {
    const statements = grantsOf(slack.eventsFunction);
    expect(statements.find((s) => s.Sid === 'RecordSlackEvents')).toMatchObject({
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SLACKEVENT#*'] } },
    });
    const grants = grantsByAction(statements);
    expect(grants.get('secretsmanager:GetSecretValue')).toEqual([stack.resolve(secret.secretArn)]);
    expect(grants.get('sqs:SendMessage')).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    expect([...grants.keys()].filter((a) => a.startsWith('bedrock:'))).toEqual([]);
    expect(grants.has('sqs:ReceiveMessage')).toBe(false);
  });

  it('feeds the worker one message at a time, at most 10 at once, and lets it answer through ConversationAccess', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(slack.workerFunction) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    const grants = grantsByAction(grantsOf(slack.workerFunction));
    expect(grants.get('sqs:ReceiveMessage')).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    expect(grants.has('bedrock:RetrieveAndGenerate')).toBe(true);
    expect(grants.has('sqs:SendMessage')).toBe(false);
    const policyId = idOf(conversation.policy);
    expect(resources[policyId].Properties.Roles).toEqual([{ Ref: idOf(slack.workerFunction.executionRole) }]);
  });

  it('alarms on a question the worker gave up on: the SlackEvent metric with outcome gave_up, from the first one', () => {
    expect(slack.alarms).toHaveLength(1);
    const alarm = resources[idOf(slack.alarms[0] as Alarm)].Properties;
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Metrics).toEqual([
      expect.objectContaining({
        MetricStat: {
          Metric: {
            Namespace: 'Lantern',
            MetricName: 'SlackEvent',
            Dimensions: [
              { Name: 'outcome', Value: 'gave_up' },
              { Name: 'service', Value: 'lantern' },
            ],
          },
          Period: 300,
          Stat: 'Sum',
        },
      }),
    ]);
    // The stack points it at its alarm topic, as it does the dead-letter alarm.
    expect(alarm.AlarmActions).toBeUndefined();
  });
});
