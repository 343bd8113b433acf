import { Annotations, type App, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  type DeployedAnswerSettings,
  defaultUsagePlan,
  readDeployedAnswerSettings,
} from './lib/answer-profiles.ts';
import { CloudFormationSpecCheck } from './lib/cfn-spec.ts';
import { checkModel } from './lib/model-check.ts';
import { type LanternSettings, readSettings } from './lib/settings.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

const S3_ACCESS_LOGS_USE_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';
/** Makes findings of aws-cdk-lib's built-in CloudFormation Validate plugin fail synthesis (else: warnings). */
const VALIDATE_AGAINST_DEFAULT_RULES = '@aws-cdk/core:validateAgainstDefaultRules';

/** The stacks of a composed Lantern app, and the settings they were built from. */
export interface LanternStacks {
  readonly settings: LanternSettings;
  /** The generation model the functions call (the default moves to the region's inference profile). */
  readonly model: string;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** The answer settings deployed with `-c profiles=FILE`. */
  readonly answers?: DeployedAnswerSettings;
}

/**
 * Adds Lantern's two stacks to `app`, linked by props, and registers two validation plugins that run on
 * every synthesis and fail it on any finding: cdk-nag's AwsSolutions checks (unless acknowledged) and the
 * check of the templates against the CloudFormation resource specification shipped with the CDK CLI. It
 * also makes aws-cdk-lib's own CloudFormation Validate plugin (resource provider schemas and default
 * rules, always run) fail synthesis instead of warning.
 *
 * Settings come from CDK context (see `readSettings` and docs/deploy.md's "Settings"). The region
 * must be chosen (`-c region=`, `AWS_REGION`, or the profile's region through `CDK_DEFAULT_REGION`): the
 * templates are region-specific, because the model's ARN and inference-profile geography are. The
 * account comes from `CDK_DEFAULT_ACCOUNT` when set, else from the deployment. The generation and
 * embedding models are judged against `config/bedrock-models.json` on `today`: synthesis fails for a
 * model past its end of life and warns for a Legacy or unknown one.
 */
export function composeLanternApp(app: App, today: Date = new Date()): LanternStacks {
  // Deliver S3 server access logs through a bucket policy instead of the legacy log-delivery ACL, so the
  // log bucket can keep ACLs disabled (BucketOwnerEnforced). Must be set before any stack exists.
  if (app.node.tryGetContext(S3_ACCESS_LOGS_USE_BUCKET_POLICY) === undefined) {
    app.node.setContext(S3_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  }
  if (app.node.tryGetContext(VALIDATE_AGAINST_DEFAULT_RULES) === undefined) {
    app.node.setContext(VALIDATE_AGAINST_DEFAULT_RULES, true);
  }
  const settings = readSettings(app.node, process.env);
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: settings.region };
  const generation = checkModel({
    reference: settings.model,
    contextKey: 'model',
    role: 'generation',
    isDefault: settings.modelIsDefault,
    region: settings.region,
    today,
  });
  const embedding = checkModel({
    reference: settings.embedding.modelId,
    contextKey: 'embeddingModel',
    role: 'embedding',
    isDefault: false,
    region: settings.region,
    today,
  });
  const answers = settings.profilesFile
    ? readDeployedAnswerSettings(settings.profilesFile, {
        defaultModel: generation.reference,
        region: settings.region,
        today,
        vectorStore: settings.vectorStore,
      })
    : undefined;
  const usagePlan = answers
    ? defaultUsagePlan(answers.settings, settings.usagePlan, !settings.usagePlanIsDefault)
    : settings.usagePlan;

  const stateful = new StatefulStack(app, 'Lantern-Stateful', {
    env,
    description: 'Lantern: sessions table, documents bucket, Bedrock knowledge base, guardrail, secrets',
    embedding: settings.embedding,
    vectorStore: settings.vectorStore,
    confluence: settings.confluence,
    guardrail: settings.guardrail,
    contextualGrounding: settings.contextualGrounding,
    slack: settings.slack,
    filterableAttributes: answers?.settings.attributes.map((attribute) => attribute.name),
  });
  const stateless = new StatelessStack(app, 'Lantern-Stateless', {
    env,
    description:
      'Lantern: REST API, Lambda functions, Slack and knowledge-base sync queues, dashboard and alarms',
    table: stateful.table,
    knowledgeBaseId: stateful.knowledgeBaseId,
    knowledgeBaseArn: stateful.knowledgeBaseArn,
    documentsBucketName: stateful.documentsBucket.bucketName,
    dataSourceIds: [
      stateful.dataSourceId,
      ...(stateful.confluenceDataSourceId ? [stateful.confluenceDataSourceId] : []),
    ],
    crawlSchedule: settings.confluence?.syncSchedule,
    guardrail: stateful.guardrail,
    slackSecret: stateful.slackSecret,
    model: generation.reference,
    sessionTtlDays: settings.sessionTtlDays,
    corsAllowOrigins: settings.corsAllowOrigins,
    usagePlan,
    logRetention: settings.logRetentionDays as RetentionDays,
    waf: settings.waf,
    modelInvocationLogging: settings.modelInvocationLogging,
    alarmEmail: settings.alarmEmail,
    identity: settings.identity,
    answers,
  });

  for (const warning of embedding.warnings) {
    Annotations.of(stateful).addWarningV2('lantern:embedding-model', warning);
  }
  for (const warning of generation.warnings) {
    Annotations.of(stateless).addWarningV2('lantern:generation-model', warning);
  }
  for (const warning of answers?.warnings ?? []) {
    Annotations.of(stateless).addWarningV2('lantern:answer-profiles', warning);
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CloudFormationSpecCheck());
  return { settings, model: generation.reference, stateful, stateless, ...(answers ? { answers } : {}) };
}
