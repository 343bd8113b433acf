import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

const S3_ACCESS_LOGS_USE_BUCKET_POLICY = '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy';

/** The stacks of a composed Lantern app. */
export interface LanternStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Adds Lantern's two stacks to `app`, linked by props, and registers cdk-nag's AwsSolutions checks.
 *
 * Context (all optional): `corsAllowOrigins` (comma-separated origins, default all) and
 * `sessionTtlDays` (default 30). The account and region come from `CDK_DEFAULT_ACCOUNT` and
 * `CDK_DEFAULT_REGION` when set; without them the stacks are environment-agnostic.
 */
export function composeLanternApp(app: App): LanternStacks {
  // Deliver S3 server access logs through a bucket policy instead of the legacy log-delivery ACL, so the
  // log bucket can keep ACLs disabled (BucketOwnerEnforced). Must be set before any stack exists.
  if (app.node.tryGetContext(S3_ACCESS_LOGS_USE_BUCKET_POLICY) === undefined) {
    app.node.setContext(S3_ACCESS_LOGS_USE_BUCKET_POLICY, true);
  }
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  };

  const stateful = new StatefulStack(app, 'Lantern-Stateful', {
    env,
    description: 'Lantern: sessions table, documents bucket, Bedrock knowledge base on S3 Vectors',
  });
  const stateless = new StatelessStack(app, 'Lantern-Stateless', {
    env,
    description: 'Lantern: REST API and Lambda functions',
    table: stateful.table,
    knowledgeBaseId: stateful.knowledgeBaseId,
    knowledgeBaseArn: stateful.knowledgeBaseArn,
    // shared/config.ts accepts 1..365 days; fail at synth rather than in the deployed function.
    sessionTtlDays: integerContext(app, 'sessionTtlDays', 1, 365),
    corsAllowOrigins: listContext(app, 'corsAllowOrigins'),
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless };
}

function listContext(app: App, key: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return list.map((item) => item.trim()).filter((item) => item.length > 0);
}

function integerContext(app: App, key: string, min: number, max: number): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(
      `Context "${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}
