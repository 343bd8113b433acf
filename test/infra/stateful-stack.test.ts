import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { guardrailPolicy } from '../../config/guardrail.ts';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { foundationModelArn } from '../../infra/lib/bedrock-arns.ts';
import {
  CONFLUENCE_CONTEXT,
  EVERYTHING_CONTEXT,
  grantsByAction,
  logicalIdOf,
  MINIMAL_CONTEXT,
  statementsOfRole,
  unbundledSynthesizer,
} from './support/lantern-app.ts';

// One synthesis per configuration, unbundled, cleaned up at the end.
const synth = unbundledSynthesizer();

const lantern = synth();
const { stateful, statefulTemplate: template } = lantern;
// Every option on: Confluence with OAuth 2.0 and filters, on OpenSearch Serverless.
const everything = synth(EVERYTHING_CONTEXT);

const documentsBucketId = logicalIdOf(template, 'AWS::S3::Bucket', {
  LoggingConfiguration: Match.anyValue(),
});
const indexId = logicalIdOf(template, 'AWS::S3Vectors::Index');
const knowledgeBaseId = logicalIdOf(template, 'AWS::Bedrock::KnowledgeBase');
const embeddingModelArn = stateful.resolve(
  foundationModelArn(stateful, knowledgeBaseSettings.embedding.modelId),
);
const knowledgeBaseRoleId = (t: Template) =>
  logicalIdOf(t, 'AWS::IAM::Role', {
    AssumeRolePolicyDocument: Match.objectLike({
      Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })],
    }),
  });

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
  it('encrypts, versions, blocks public access and retains every bucket', () => {
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
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.OwnershipControls).toEqual({
        Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
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

  it('logs access to the documents bucket and expires old document versions', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.anyValue() }, LogFilePrefix: 'documents/' },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' })],
      },
    });
  });

  it("sends the documents bucket's events to EventBridge natively, with no notifications custom resource", () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(buckets[documentsBucketId]?.Properties.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    const others = Object.entries(buckets).filter(([id]) => id !== documentsBucketId);
    for (const [, bucket] of others) expect(bucket.Properties.NotificationConfiguration).toBeUndefined();
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
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

  it('is a vector knowledge base on that S3 Vectors index, embedding with the configured model in the stack region', () => {
    expect(JSON.stringify(embeddingModelArn)).toContain(
      `::foundation-model/${knowledgeBaseSettings.embedding.modelId}`,
    );
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
    template.resourceCountIs('AWS::Bedrock::DataSource', 1);
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
    template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      RoleArn: { 'Fn::GetAtt': [knowledgeBaseRoleId(template), 'Arn'] },
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
    const grants = grantsByAction(statementsOfRole(template, knowledgeBaseRoleId(template)));
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

describe('guardrail', () => {
  it('is built from config/guardrail.ts', () => {
    template.resourceCountIs('AWS::Bedrock::Guardrail', 1);
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: guardrailPolicy.name,
      BlockedInputMessaging: guardrailPolicy.blockedInputMessaging,
      BlockedOutputsMessaging: guardrailPolicy.blockedOutputsMessaging,
    });
    template.hasOutput('GuardrailId', { Value: Match.anyValue() });
  });
});

describe('Slack secret', () => {
  it('holds a placeholder {"signingSecret","botToken"} to fill in after deployment', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    expect(JSON.parse(secrets[0]?.Properties.SecretString)).toEqual({ signingSecret: '', botToken: '' });
    template.hasOutput('SlackSecretArn', {
      Value: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret') },
    });
  });

  it('is left out with -c slack=false, as is the guardrail with -c guardrail=false', () => {
    const minimal = synth(MINIMAL_CONTEXT).statefulTemplate;
    minimal.resourceCountIs('AWS::SecretsManager::Secret', 0);
    minimal.resourceCountIs('AWS::Bedrock::Guardrail', 0);
    expect(Object.keys(minimal.toJSON().Outputs)).not.toContain('SlackSecretArn');
  });
});

describe('Confluence data source', () => {
  const confluence = synth(CONFLUENCE_CONTEXT);
  const t = confluence.statefulTemplate;

  it('crawls the Confluence Cloud site with the given secret, chunked like the documents', () => {
    t.resourceCountIs('AWS::Bedrock::DataSource', 2);
    t.hasResourceProperties('AWS::Bedrock::DataSource', {
      KnowledgeBaseId: { 'Fn::GetAtt': [logicalIdOf(t, 'AWS::Bedrock::KnowledgeBase'), 'KnowledgeBaseId'] },
      DataDeletionPolicy: 'DELETE',
      DataSourceConfiguration: {
        Type: 'CONFLUENCE',
        ConfluenceConfiguration: {
          SourceConfiguration: {
            HostUrl: CONFLUENCE_CONTEXT.confluenceHostUrl,
            HostType: 'SAAS',
            AuthType: 'BASIC',
            CredentialsSecretArn: CONFLUENCE_CONTEXT.confluenceSecretArn,
          },
        },
      },
      VectorIngestionConfiguration: {
        ChunkingConfiguration: Match.objectLike({
          ChunkingStrategy: knowledgeBaseSettings.chunking.strategy,
        }),
      },
    });
    t.hasOutput('ConfluenceDataSourceId', { Value: Match.anyValue() });
  });

  it('lets the knowledge base role read that one secret', () => {
    const grants = grantsByAction(statementsOfRole(t, knowledgeBaseRoleId(t)));
    expect(grants.get('secretsmanager:GetSecretValue')).toEqual([CONFLUENCE_CONTEXT.confluenceSecretArn]);
  });

  it('warns that AWS documents Confluence only with OpenSearch Serverless when it sits on S3 Vectors', () => {
    const warnings = Annotations.fromStack(confluence.stateful).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => String(w.entry.data))).toEqual([
      expect.stringContaining('-c vectorStore=opensearch-serverless'),
    ]);
  });

  it('passes OAuth 2.0 and the crawler filters through, and has no warning on OpenSearch Serverless', () => {
    everything.statefulTemplate.hasResourceProperties('AWS::Bedrock::DataSource', {
      DataSourceConfiguration: {
        Type: 'CONFLUENCE',
        ConfluenceConfiguration: {
          SourceConfiguration: Match.objectLike({ AuthType: 'OAUTH2_CLIENT_CREDENTIALS' }),
          CrawlerConfiguration: {
            FilterConfiguration: {
              Type: 'PATTERN',
              PatternObjectFilter: {
                Filters: [
                  {
                    ObjectType: 'Page',
                    InclusionFilters: ['^Support/.*'],
                    ExclusionFilters: ['.*Archive.*'],
                  },
                ],
              },
            },
          },
        },
      },
    });
    expect(Annotations.fromStack(everything.stateful).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('OpenSearch Serverless vector store', () => {
  const t = everything.statefulTemplate;
  const collectionId = logicalIdOf(t, 'AWS::OpenSearchServerless::Collection');

  it('creates a vector search collection without standby replicas, behind encryption and network policies', () => {
    t.resourceCountIs('AWS::S3Vectors::VectorBucket', 0);
    t.hasResource('AWS::OpenSearchServerless::Collection', {
      Properties: {
        Name: 'lantern-stateful-kb',
        Type: 'VECTORSEARCH',
        StandbyReplicas: 'DISABLED',
        Description: Match.anyValue(),
      },
      DependsOn: Match.arrayWith([
        logicalIdOf(t, 'AWS::OpenSearchServerless::SecurityPolicy', { Type: 'encryption' }),
        logicalIdOf(t, 'AWS::OpenSearchServerless::SecurityPolicy', { Type: 'network' }),
      ]),
    });
    const encryption = t.findResources('AWS::OpenSearchServerless::SecurityPolicy', {
      Properties: { Type: 'encryption' },
    });
    expect(JSON.parse(Object.values(encryption)[0]?.Properties.Policy)).toEqual({
      Rules: [{ ResourceType: 'collection', Resource: ['collection/lantern-stateful-kb'] }],
      AWSOwnedKey: true,
    });
  });

  it('creates the vector index Bedrock expects, with the embedding dimension', () => {
    t.hasResourceProperties('AWS::OpenSearchServerless::Index', {
      CollectionEndpoint: { 'Fn::GetAtt': [collectionId, 'CollectionEndpoint'] },
      IndexName: 'bedrock-knowledge-base-default-index',
      Settings: { Index: { Knn: true, KnnAlgoParamEfSearch: 512 } },
      Mappings: {
        Properties: {
          'bedrock-knowledge-base-default-vector': Match.objectLike({
            Type: 'knn_vector',
            Dimension: knowledgeBaseSettings.embedding.dimensions,
            Method: Match.objectLike({ Engine: 'faiss', Name: 'hnsw' }),
          }),
          AMAZON_BEDROCK_TEXT_CHUNK: { Type: 'text', Index: true },
          AMAZON_BEDROCK_METADATA: { Type: 'text', Index: false },
        },
      },
    });
  });

  it('gives the data plane to the knowledge base role and the CloudFormation execution role only', () => {
    const access = Object.values(t.findResources('AWS::OpenSearchServerless::AccessPolicy'))[0];
    const policy = JSON.stringify(access?.Properties.Policy);
    expect(policy).toContain(knowledgeBaseRoleId(t));
    expect(policy).toContain('cfn-exec-role');
    expect(policy).toContain('aoss:CreateIndex');
    const grants = grantsByAction(statementsOfRole(t, knowledgeBaseRoleId(t)));
    expect(grants.get('aoss:APIAccessAll')).toEqual([{ 'Fn::GetAtt': [collectionId, 'Arn'] }]);
    expect([...grants.keys()].some((action) => action.startsWith('s3vectors:'))).toBe(false);
  });

  it('points the knowledge base at the index once it and the access policy exist', () => {
    t.hasResource('AWS::Bedrock::KnowledgeBase', {
      Properties: Match.objectLike({
        StorageConfiguration: {
          Type: 'OPENSEARCH_SERVERLESS',
          OpensearchServerlessConfiguration: {
            CollectionArn: { 'Fn::GetAtt': [collectionId, 'Arn'] },
            VectorIndexName: 'bedrock-knowledge-base-default-index',
            FieldMapping: {
              VectorField: 'bedrock-knowledge-base-default-vector',
              TextField: 'AMAZON_BEDROCK_TEXT_CHUNK',
              MetadataField: 'AMAZON_BEDROCK_METADATA',
            },
          },
        },
      }),
      DependsOn: [
        logicalIdOf(t, 'AWS::OpenSearchServerless::AccessPolicy'),
        logicalIdOf(t, 'AWS::OpenSearchServerless::Index'),
      ],
    });
  });
});

describe('embedding model', () => {
  it('sizes the index from the chosen model and dimension', () => {
    const cohere = synth({ embeddingModel: 'cohere.embed-english-v3' }).statefulTemplate;
    cohere.hasResourceProperties('AWS::S3Vectors::Index', { Dimension: 1024 });
    // Cohere Embed v3 has one size; Bedrock is not told a dimension for it.
    cohere.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      KnowledgeBaseConfiguration: Match.objectLike({
        VectorKnowledgeBaseConfiguration: Match.objectLike({
          EmbeddingModelArn: Match.objectLike({
            'Fn::Join': [
              '',
              Match.arrayWith([':bedrock:us-east-1::foundation-model/cohere.embed-english-v3']),
            ],
          }),
          EmbeddingModelConfiguration: {
            BedrockEmbeddingModelConfiguration: { EmbeddingDataType: 'FLOAT32' },
          },
        }),
      }),
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
