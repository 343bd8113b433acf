import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { sessionTable } from '../../config/table.ts';
import { S3VectorsKnowledgeBase } from '../constructs/s3-vectors-knowledge-base.ts';

/** Props of {@link StatefulStack}. */
export type StatefulStackProps = StackProps;

/**
 * Everything that holds data and outlives deployments: the sessions table, the documents bucket (and its
 * access-log bucket), and the Bedrock knowledge base on S3 Vectors with its S3 data source.
 * Table and buckets are retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  /** Sessions and messages: `pk`/`sk` strings, TTL on `expiresAt` (epoch seconds). */
  public readonly table: ITable;
  /** Documents the knowledge base ingests. */
  public readonly documentsBucket: IBucket;
  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  public readonly dataSourceId: string;

  constructor(scope: Construct, id: string, props?: StatefulStackProps) {
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

    const accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const documentsBucket = new Bucket(this, 'DocumentsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const knowledgeBase = new S3VectorsKnowledgeBase(this, 'KnowledgeBase', {
      documentsBucket,
      embedding: knowledgeBaseSettings.embedding,
      chunking: knowledgeBaseSettings.chunking,
      description: 'Lantern: documents that ground every answer',
    });

    this.table = table;
    this.documentsBucket = documentsBucket;
    this.knowledgeBaseId = knowledgeBase.knowledgeBaseId;
    this.knowledgeBaseArn = knowledgeBase.knowledgeBaseArn;
    this.dataSourceId = knowledgeBase.dataSourceId;

    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'DynamoDB sessions table' });
    new CfnOutput(this, 'DocumentsBucketName', {
      value: documentsBucket.bucketName,
      description: 'Upload knowledge-base documents here, then start an ingestion job',
    });
    new CfnOutput(this, 'KnowledgeBaseId', { value: knowledgeBase.knowledgeBaseId });
    new CfnOutput(this, 'DataSourceId', { value: knowledgeBase.dataSourceId });
  }
}
