import { createHash } from 'node:crypto';
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { CfnDataSource, CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnIndex, CfnVectorBucket } from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import { foundationModelArn } from '../lib/bedrock-arns.ts';

/** Fixed-size chunking, as Bedrock's `FixedSizeChunkingConfiguration` takes it. */
export interface FixedSizeChunking {
  readonly strategy: 'FIXED_SIZE';
  readonly maxTokens: number;
  readonly overlapPercentage: number;
}

/** Props of {@link S3VectorsKnowledgeBase}. */
export interface S3VectorsKnowledgeBaseProps {
  /** The bucket whose objects the knowledge base ingests (its S3 data source). */
  readonly documentsBucket: IBucket;
  /** Embedding model id (e.g. `amazon.titan-embed-text-v2:0`) and the vector dimension it produces. */
  readonly embedding: { readonly modelId: string; readonly dimensions: number };
  /** How the data source splits documents into chunks. */
  readonly chunking: FixedSizeChunking;
  /** Knowledge base description. @default none */
  readonly description?: string;
}

/**
 * Metadata keys Bedrock writes into every vector. In an S3 Vectors index they must be non-filterable:
 * the chunk text and Bedrock's metadata exceed the size limit of filterable metadata.
 */
const BEDROCK_NON_FILTERABLE_KEYS = ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'];

/**
 * A Bedrock vector knowledge base stored in Amazon S3 Vectors, with one S3 data source.
 *
 * Creates the vector bucket and index, the knowledge base's service role (least privilege: invoke the
 * embedding model, read the documents bucket, read and write vectors in this index only), the knowledge
 * base and its data source, which removes vectors when their documents go (`DataDeletionPolicy: DELETE`).
 */
export class S3VectorsKnowledgeBase extends Construct {
  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  public readonly dataSourceId: string;
  public readonly vectorBucketArn: string;
  public readonly indexArn: string;
  /** The role Bedrock assumes to ingest and retrieve. */
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: S3VectorsKnowledgeBaseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { documentsBucket, embedding, chunking } = props;

    const vectorBucket = new CfnVectorBucket(this, 'VectorBucket', {
      encryptionConfiguration: { sseType: 'AES256' },
    });
    const index = new CfnIndex(this, 'Index', {
      vectorBucketArn: vectorBucket.attrVectorBucketArn,
      dataType: 'float32',
      dimension: embedding.dimensions,
      distanceMetric: 'cosine',
      metadataConfiguration: { nonFilterableMetadataKeys: BEDROCK_NON_FILTERABLE_KEYS },
    });

    const embeddingModelArn = foundationModelArn(this, embedding.modelId);
    this.role = new Role(this, 'Role', {
      description: 'Service role of the Lantern knowledge base',
      assumedBy: new ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:knowledge-base/*`,
          },
        },
      }),
      // Inline, so the permissions exist before Bedrock validates them while creating the knowledge base.
      inlinePolicies: {
        KnowledgeBaseAccess: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'EmbedWithTheEmbeddingModel',
              actions: ['bedrock:InvokeModel'],
              resources: [embeddingModelArn],
            }),
            new PolicyStatement({
              sid: 'ListTheDocumentsBucket',
              actions: ['s3:ListBucket'],
              resources: [documentsBucket.bucketArn],
              conditions: { StringEquals: { 'aws:ResourceAccount': stack.account } },
            }),
            new PolicyStatement({
              sid: 'ReadTheDocuments',
              actions: ['s3:GetObject'],
              resources: [documentsBucket.arnForObjects('*')],
              conditions: { StringEquals: { 'aws:ResourceAccount': stack.account } },
            }),
            new PolicyStatement({
              sid: 'ReadAndWriteTheVectorIndex',
              actions: [
                's3vectors:GetIndex',
                's3vectors:QueryVectors',
                's3vectors:PutVectors',
                's3vectors:GetVectors',
                's3vectors:DeleteVectors',
              ],
              resources: [index.attrIndexArn],
            }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(documentsBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        'The knowledge base ingests every object of its own documents bucket, so it reads all keys of that one bucket.',
    });

    const knowledgeBase = new CfnKnowledgeBase(this, 'Resource', {
      // The vector store settings force a replacement when they change; CloudFormation creates the
      // replacement before deleting the old knowledge base, so the name follows those settings.
      name: `${stack.stackName}-${settingsHash(embedding)}`,
      description: props.description,
      roleArn: this.role.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: {
              dimensions: embedding.dimensions,
              embeddingDataType: 'FLOAT32',
            },
          },
        },
      },
      storageConfiguration: {
        type: 'S3_VECTORS',
        s3VectorsConfiguration: { indexArn: index.attrIndexArn },
      },
    });

    const dataSource = new CfnDataSource(this, 'DocumentsDataSource', {
      knowledgeBaseId: knowledgeBase.attrKnowledgeBaseId,
      name: 'documents',
      description: 'Documents uploaded to the Lantern documents bucket',
      dataDeletionPolicy: 'DELETE',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: documentsBucket.bucketArn },
      },
      vectorIngestionConfiguration: {
        chunkingConfiguration: {
          chunkingStrategy: chunking.strategy,
          fixedSizeChunkingConfiguration: {
            maxTokens: chunking.maxTokens,
            overlapPercentage: chunking.overlapPercentage,
          },
        },
      },
    });

    this.knowledgeBaseId = knowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = knowledgeBase.attrKnowledgeBaseArn;
    this.dataSourceId = dataSource.attrDataSourceId;
    this.vectorBucketArn = vectorBucket.attrVectorBucketArn;
    this.indexArn = index.attrIndexArn;
  }
}

/** A short, stable digest of the settings whose change replaces the vector index. */
function settingsHash(embedding: S3VectorsKnowledgeBaseProps['embedding']): string {
  return createHash('sha256')
    .update(JSON.stringify([embedding.modelId, embedding.dimensions, 'float32', 'cosine']))
    .digest('hex')
    .slice(0, 8);
}
