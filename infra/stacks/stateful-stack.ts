import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { sessionTable } from '../../config/table.ts';
import { LanternGuardrail } from '../constructs/guardrail.ts';
import { LanternKnowledgeBase } from '../constructs/knowledge-base.ts';
import type { ConfluenceSettings, EmbeddingSettings, VectorStoreKind } from '../lib/settings.ts';

/** Props of {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** Embedding model and vector size. @default `config/knowledge-base.ts` */
  readonly embedding?: EmbeddingSettings;
  /** Where the knowledge base stores vectors. @default 's3-vectors' */
  readonly vectorStore?: VectorStoreKind;
  /** A Confluence Cloud site to ingest besides the documents bucket. @default none */
  readonly confluence?: ConfluenceSettings;
  /** Create the Bedrock guardrail. @default true */
  readonly guardrail?: boolean;
  /** Add contextual grounding checks to the guardrail. @default false */
  readonly contextualGrounding?: boolean;
  /** Create the Slack app's secret. @default true */
  readonly slack?: boolean;
  /** Metadata attributes chat requests may filter on (the answer settings' `attributes`). @default none */
  readonly filterableAttributes?: readonly string[];
}

/** The Slack secret's placeholder: both values must be filled in before Slack can reach Lantern. */
const SLACK_SECRET_PLACEHOLDER = { signingSecret: '', botToken: '' };

/**
 * Everything that holds data or is referenced by id from outside: the sessions table, the documents
 * bucket (and its access-log bucket), the Bedrock knowledge base with its vector store and data sources,
 * the guardrail, and the Slack app's secret. Table and buckets are retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  /** Sessions and messages: `pk`/`sk` strings, TTL on `expiresAt` (epoch seconds). */
  public readonly table: ITable;
  /** Documents the knowledge base ingests. */
  public readonly documentsBucket: IBucket;
  public readonly knowledgeBase: LanternKnowledgeBase;
  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  public readonly dataSourceId: string;
  /** The Confluence data source, when one is configured. */
  public readonly confluenceDataSourceId?: string;
  /** The guardrail, unless turned off. */
  public readonly guardrail?: LanternGuardrail;
  /** `{"signingSecret","botToken"}` of the Slack app, unless Slack is turned off. */
  public readonly slackSecret?: ISecret;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);

    const table = new Table(this, 'Table', {
      partitionKey: { name: sessionTable.partitionKey, type: AttributeType.STRING },
      sortKey: { name: sessionTable.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: sessionTable.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A caller's sessions newest first (GET /v1/sessions); only session items carry an owner.
    const { ownerIndex } = sessionTable;
    table.addGlobalSecondaryIndex({
      indexName: ownerIndex.name,
      partitionKey: { name: ownerIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ownerIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...ownerIndex.projected],
    });

    const accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const documentsBucket = new Bucket(this, 'DocumentsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // Old versions of replaced or deleted documents are kept for recovery, not forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Object Created/Deleted events go to EventBridge, whose rule queues them for kb-sync (stateless
    // stack). Set on the CloudFormation bucket itself: the `eventBridgeEnabled` prop would configure it
    // through a custom resource, i.e. a Python Lambda function with an AWS-managed policy.
    (documentsBucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    const knowledgeBase = new LanternKnowledgeBase(this, 'KnowledgeBase', {
      documentsBucket,
      embedding: props.embedding ?? {
        ...knowledgeBaseSettings.embedding,
        configurableDimensions: true,
      },
      chunking: knowledgeBaseSettings.chunking,
      vectorStore: props.vectorStore ?? 's3-vectors',
      confluence: props.confluence,
      description: 'Lantern: documents that ground every answer',
      filterableAttributes: props.filterableAttributes,
    });

    this.table = table;
    this.documentsBucket = documentsBucket;
    this.knowledgeBase = knowledgeBase;
    this.knowledgeBaseId = knowledgeBase.knowledgeBaseId;
    this.knowledgeBaseArn = knowledgeBase.knowledgeBaseArn;
    this.dataSourceId = knowledgeBase.dataSourceId;
    this.confluenceDataSourceId = knowledgeBase.confluenceDataSourceId;

    if (props.guardrail ?? true) {
      this.guardrail = new LanternGuardrail(this, 'Guardrail', {
        contextualGrounding: props.contextualGrounding ?? false,
      });
      new CfnOutput(this, 'GuardrailId', { value: this.guardrail.guardrailId });
    }

    if (props.slack ?? true) {
      const slackSecret = new Secret(this, 'SlackSecret', {
        description:
          'Lantern Slack app: JSON {"signingSecret","botToken"}; fill in both values from the Slack app settings',
        // A placeholder, not a credential: the functions refuse Slack until both values are filled in.
        secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SLACK_SECRET_PLACEHOLDER)),
      });
      Validations.of(slackSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Slack issues the signing secret and bot token; they are rotated in the Slack app settings and pasted here, so a Secrets Manager rotation function has nothing it could rotate.',
      });
      this.slackSecret = slackSecret;
      new CfnOutput(this, 'SlackSecretArn', {
        value: slackSecret.secretArn,
        description: 'Put the Slack app signing secret and bot token here: {"signingSecret","botToken"}',
      });
    }

    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'DynamoDB sessions table' });
    new CfnOutput(this, 'DocumentsBucketName', {
      value: documentsBucket.bucketName,
      description: 'Upload knowledge-base documents here, then start an ingestion job',
    });
    new CfnOutput(this, 'KnowledgeBaseId', { value: knowledgeBase.knowledgeBaseId });
    new CfnOutput(this, 'DataSourceId', { value: knowledgeBase.dataSourceId });
    if (knowledgeBase.confluenceDataSourceId) {
      new CfnOutput(this, 'ConfluenceDataSourceId', { value: knowledgeBase.confluenceDataSourceId });
    }
  }
}
