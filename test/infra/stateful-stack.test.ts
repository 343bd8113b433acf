import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { foundationModelArn } from '../../infra/lib/bedrock-arns.ts';
import { grantsByAction, logicalIdOf, statementsOfRole, synthesizeLantern } from './support/lantern-app.ts';

// The stateful stack has no functions: skip bundling.
const lantern = synthesizeLantern({ bundle: false });
const { stateful, statefulTemplate: template } = lantern;
afterAll(lantern.cleanUp);

const documentsBucketId = logicalIdOf(template, 'AWS::S3::Bucket', {
  VersioningConfiguration: Match.anyValue(),
});
const indexId = logicalIdOf(template, 'AWS::S3Vectors::Index');
const knowledgeBaseId = logicalIdOf(template, 'AWS::Bedrock::KnowledgeBase');
const embeddingModelArn = stateful.resolve(
  foundationModelArn(stateful, knowledgeBaseSettings.embedding.modelId),
);

describe('sessions table', () => {
  it('is keyed on pk/sk strings, expires items on expiresAt and bills on demand', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('has point-in-time recovery, AWS-managed encryption, and survives stack deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('buckets', () => {
  it('encrypts, blocks public access and retains every bucket', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies every request to any bucket that does not use TLS', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('versions the documents bucket and logs access to it', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.anyValue() }, LogFilePrefix: 'documents/' },
    });
  });
});

describe('knowledge base', () => {
  it('stores float32 cosine vectors of the configured dimension, Bedrock text and metadata non-filterable', () => {
    template.resourceCountIs('AWS::S3Vectors::VectorBucket', 1);
    template.hasResourceProperties('AWS::S3Vectors::Index', {
      DataType: 'float32',
      Dimension: knowledgeBaseSettings.embedding.dimensions,
      DistanceMetric: 'cosine',
      MetadataConfiguration: {
        NonFilterableMetadataKeys: Match.arrayWith(['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA']),
      },
      VectorBucketArn: {
        'Fn::GetAtt': [logicalIdOf(template, 'AWS::S3Vectors::VectorBucket'), 'VectorBucketArn'],
      },
    });
  });

  it('embeds with the configured model, in the stack region', () => {
    expect(JSON.stringify(embeddingModelArn)).toContain(
      `::foundation-model/${knowledgeBaseSettings.embedding.modelId}`,
    );
  });

  it('is a vector knowledge base on that S3 Vectors index, embedding with the configured model', () => {
    template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      KnowledgeBaseConfiguration: {
        Type: 'VECTOR',
        VectorKnowledgeBaseConfiguration: {
          EmbeddingModelArn: embeddingModelArn,
          EmbeddingModelConfiguration: {
            BedrockEmbeddingModelConfiguration: {
              Dimensions: knowledgeBaseSettings.embedding.dimensions,
              EmbeddingDataType: 'FLOAT32',
            },
          },
        },
      },
      StorageConfiguration: {
        Type: 'S3_VECTORS',
        S3VectorsConfiguration: { IndexArn: { 'Fn::GetAtt': [indexId, 'IndexArn'] } },
      },
    });
  });

  it('ingests the documents bucket, chunked as config/knowledge-base.ts says, deleting vectors with documents', () => {
    const { chunking } = knowledgeBaseSettings;
    template.hasResourceProperties('AWS::Bedrock::DataSource', {
      KnowledgeBaseId: { 'Fn::GetAtt': [knowledgeBaseId, 'KnowledgeBaseId'] },
      DataDeletionPolicy: 'DELETE',
      DataSourceConfiguration: {
        Type: 'S3',
        S3Configuration: { BucketArn: { 'Fn::GetAtt': [documentsBucketId, 'Arn'] } },
      },
      VectorIngestionConfiguration: {
        ChunkingConfiguration: {
          ChunkingStrategy: chunking.strategy,
          FixedSizeChunkingConfiguration: {
            MaxTokens: chunking.maxTokens,
            OverlapPercentage: chunking.overlapPercentage,
          },
        },
      },
    });
  });

  it('runs as a role only Bedrock in this account can assume, for knowledge bases', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role');
    template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'bedrock.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
  });

  it('lets that role embed, read the documents and use its own vector index, nothing more', () => {
    const grants = grantsByAction(statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role')));
    const indexArn = { 'Fn::GetAtt': [indexId, 'IndexArn'] };
    const bucketArn = { 'Fn::GetAtt': [documentsBucketId, 'Arn'] };
    expect(Object.fromEntries(grants)).toEqual({
      'bedrock:InvokeModel': [embeddingModelArn],
      's3:ListBucket': [bucketArn],
      's3:GetObject': [{ 'Fn::Join': ['', [bucketArn, '/*']] }],
      's3vectors:GetIndex': [indexArn],
      's3vectors:QueryVectors': [indexArn],
      's3vectors:PutVectors': [indexArn],
      's3vectors:GetVectors': [indexArn],
      's3vectors:DeleteVectors': [indexArn],
    });
  });
});

describe('outputs', () => {
  it('publishes the table, bucket, knowledge base and data source', () => {
    for (const name of ['TableName', 'DocumentsBucketName', 'KnowledgeBaseId', 'DataSourceId']) {
      template.hasOutput(name, { Value: Match.anyValue() });
    }
  });
});
