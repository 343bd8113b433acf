import { describe, expect, it } from 'vitest';
import { ingestionSettings } from '../../../config/ingestion.ts';
import { KnowledgeBaseReload } from '../../../infra/constructs/knowledge-base-reload.ts';
import { constructStack, idOf, sessionsTable, Template } from '../support/construct-stack.ts';
import { grantsByAction, statementsOfRole } from '../support/lantern-app.ts';

const KNOWLEDGE_BASE_ARN = 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678';

function build(crawlSchedule?: string) {
  const stack = constructStack();
  const table = sessionsTable(stack);
  const reload = new KnowledgeBaseReload(stack, 'KnowledgeBaseReload', {
    table,
    knowledgeBaseArn: KNOWLEDGE_BASE_ARN,
    documentsBucketName: 'lantern-documents',
    dataSourceIds: ['DOCS123456', 'CONF123456'],
    environment: { TABLE_NAME: table.tableName },
    crawlSchedule,
  });
  return { stack, reload, template: Template.fromStack(stack) };
}

describe('KnowledgeBaseReload', () => {
  const { reload, template } = build();
  const resources = template.toJSON().Resources;
  type Fn = typeof reload.adminFunction;
  const grantsOf = (fn: Fn) => grantsByAction(statementsOfRole(template, idOf(fn.executionRole)));

  it('gives kb-admin and kb-sync the data sources, documents first, and no CORS of their own', () => {
    for (const fn of [reload.adminFunction, reload.syncFunction]) {
      const variables = resources[idOf(fn)].Properties.Environment.Variables;
      expect(variables).toMatchObject({ KNOWLEDGE_BASE_DATA_SOURCE_IDS: 'DOCS123456,CONF123456' });
      // ChatApi sets CORS_ALLOW_ORIGINS on kb-admin when it routes to it; this construct does not.
      expect(variables).not.toHaveProperty('CORS_ALLOW_ORIGINS');
    }
    expect(resources[idOf(reload.adminFunction)].Properties.Timeout).toBeLessThan(29);
  });

  it('lets both run ingestion jobs on this knowledge base and record them in INGESTIONJOB items only', () => {
    for (const fn of [reload.adminFunction, reload.syncFunction]) {
      const grants = grantsOf(fn);
      expect(grants.get('bedrock:StartIngestionJob')).toEqual([KNOWLEDGE_BASE_ARN]);
      const record = statementsOfRole(template, idOf(fn.executionRole)).find(
        (s) => s.Sid === 'RecordIngestionJobs',
      );
      expect(record?.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['INGESTIONJOB', 'INGESTIONJOB#*'] },
      });
    }
    expect(grantsOf(reload.syncFunction).get('bedrock:GetDataSource')).toEqual([KNOWLEDGE_BASE_ARN]);
    expect(grantsOf(reload.adminFunction).has('bedrock:GetDataSource')).toBe(false);
    expect(grantsOf(reload.adminFunction).has('sqs:ReceiveMessage')).toBe(false);
  });

  it("queues the documents bucket's changes and feeds kb-sync in debounced batches", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created', 'Object Deleted'],
        detail: { bucket: { name: ['lantern-documents'] } },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(reload.syncFunction) },
      BatchSize: ingestionSettings.batchSize,
      MaximumBatchingWindowInSeconds: ingestionSettings.batchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(resources[idOf(reload.queue)].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: ingestionSettings.queueVisibilityTimeoutSeconds,
    });
    expect(reload.crawlScheduleRule).toBeUndefined();
  });

  it('invokes kb-sync on the crawl schedule when there is one', () => {
    const scheduled = build('rate(60 minutes)');
    scheduled.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(60 minutes)',
      Targets: [{ RetryPolicy: { MaximumRetryAttempts: 2 } }],
    });
    expect(scheduled.reload.crawlScheduleRule).toBeDefined();
  });
});
