import { createHash } from 'node:crypto';
import { Annotations, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { CfnDataSource, CfnKnowledgeBase } from 'aws-cdk-lib/aws-bedrock';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  CfnAccessPolicy,
  CfnCollection,
  CfnIndex as CfnSearchIndex,
  CfnSecurityPolicy,
} from 'aws-cdk-lib/aws-opensearchserverless';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnVectorBucket, CfnIndex as CfnVectorIndex } from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import { BEDROCK_NON_FILTERABLE_KEYS } from '../../config/vector-metadata.ts';
import { foundationModelArn } from '../lib/bedrock-arns.ts';
import type { ConfluenceSettings, EmbeddingSettings, VectorStoreKind } from '../lib/settings.ts';
import { nonFilterableMetadataKeys } from '../lib/vector-metadata.ts';

/** Fixed-size chunking, as Bedrock's `FixedSizeChunkingConfiguration` takes it. */
export interface FixedSizeChunking {
  readonly strategy: 'FIXED_SIZE';
  readonly maxTokens: number;
  readonly overlapPercentage: number;
}

/** Props of {@link LanternKnowledgeBase}. */
export interface LanternKnowledgeBaseProps {
  /** The bucket whose objects the knowledge base ingests (its S3 data source). */
  readonly documentsBucket: IBucket;
  /** Embedding model id and the vector dimension it produces. */
  readonly embedding: EmbeddingSettings;
  /** How every data source splits documents into chunks. */
  readonly chunking: FixedSizeChunking;
  /** Where vectors are stored. @default 's3-vectors' */
  readonly vectorStore?: VectorStoreKind;
  /** A Confluence Cloud site to ingest as a second data source. @default none */
  readonly confluence?: ConfluenceSettings;
  /** Knowledge base description. @default none */
  readonly description?: string;
  /**
   * Metadata attributes requests may filter on (the answer settings' `attributes`); on S3 Vectors every
   * other key documents carry is declared non-filterable. @default none
   */
  readonly filterableAttributes?: readonly string[];
}

/** Field names of the OpenSearch index, as the Bedrock console creates them. */
const SEARCH_FIELDS = {
  index: 'bedrock-knowledge-base-default-index',
  vector: 'bedrock-knowledge-base-default-vector',
  text: 'AMAZON_BEDROCK_TEXT_CHUNK',
  metadata: 'AMAZON_BEDROCK_METADATA',
} as const;

/**
 * A Bedrock vector knowledge base with its vector store, its service role and its data sources: the
 * documents bucket always, a Confluence Cloud site when configured.
 *
 * - `s3-vectors` (default): an Amazon S3 Vectors bucket and index. No idle cost.
 * - `opensearch-serverless`: an OpenSearch Serverless `VECTORSEARCH` collection (AWS-owned key, no standby
 *   replicas) with its vector index. At least one OCU runs around the clock (about $175 a month), but AWS
 *   documents Confluence data sources only with this store.
 *
 * The service role is least privilege: invoke the embedding model, read the documents bucket, read the
 * Confluence secret, and read and write vectors in this store only. Every data source removes vectors when
 * their documents go (`DataDeletionPolicy: DELETE`).
 */
export class LanternKnowledgeBase extends Construct {
  public readonly knowledgeBaseId: string;
  public readonly knowledgeBaseArn: string;
  /** The documents bucket's data source. */
  public readonly dataSourceId: string;
  /** The Confluence data source, when configured. */
  public readonly confluenceDataSourceId?: string;
  public readonly vectorStore: VectorStoreKind;
  /** The role Bedrock assumes to ingest and retrieve. */
  public readonly role: Role;
  /** The S3 Vectors index's non-filterable metadata keys; empty on OpenSearch Serverless. */
  public readonly nonFilterableMetadataKeys: readonly string[];

  constructor(scope: Construct, id: string, props: LanternKnowledgeBaseProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { documentsBucket, embedding, chunking, confluence } = props;
    const vectorStore = props.vectorStore ?? 's3-vectors';
    this.vectorStore = vectorStore;

    const embeddingModelArn = foundationModelArn(this, embedding.modelId);
    this.nonFilterableMetadataKeys =
      vectorStore === 's3-vectors' ? nonFilterableMetadataKeys(props.filterableAttributes ?? []) : [];
    const store =
      vectorStore === 's3-vectors'
        ? this.s3VectorsStore(embedding, this.nonFilterableMetadataKeys)
        : this.openSearchStore(embedding);
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
            ...(confluence
              ? [
                  new PolicyStatement({
                    sid: 'ReadTheConfluenceCredentials',
                    actions: ['secretsmanager:GetSecretValue'],
                    resources: [confluence.secretArn],
                  }),
                  // A secret under a customer-managed key is unreadable without kms:Decrypt on that key;
                  // only through Secrets Manager in this region, for nothing else the key protects.
                  ...(confluence.kmsKeyArn
                    ? [
                        new PolicyStatement({
                          sid: 'DecryptTheConfluenceCredentials',
                          actions: ['kms:Decrypt'],
                          resources: [confluence.kmsKeyArn],
                          conditions: {
                            StringEquals: {
                              'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`,
                            },
                          },
                        }),
                      ]
                    : []),
                ]
              : []),
            ...store.statements,
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(documentsBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        'The knowledge base ingests every object of its own documents bucket, so it reads all keys of that one bucket.',
    });

    const storeDependencies = store.bind(this.role);

    const knowledgeBase = new CfnKnowledgeBase(this, 'Resource', {
      // The vector store settings force a replacement when they change; CloudFormation creates the
      // replacement before deleting the old knowledge base, so the name follows those settings.
      name: `${stack.stackName}-${settingsHash(embedding, vectorStore, this.nonFilterableMetadataKeys)}`,
      description: props.description,
      roleArn: this.role.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: {
              ...(embedding.configurableDimensions ? { dimensions: embedding.dimensions } : {}),
              embeddingDataType: 'FLOAT32',
            },
          },
        },
      },
      storageConfiguration: store.storageConfiguration,
    });
    for (const dependency of storeDependencies) knowledgeBase.node.addDependency(dependency);

    const vectorIngestionConfiguration = {
      chunkingConfiguration: {
        chunkingStrategy: chunking.strategy,
        fixedSizeChunkingConfiguration: {
          maxTokens: chunking.maxTokens,
          overlapPercentage: chunking.overlapPercentage,
        },
      },
    };
    const dataSource = new CfnDataSource(this, 'DocumentsDataSource', {
      knowledgeBaseId: knowledgeBase.attrKnowledgeBaseId,
      name: 'documents',
      description: 'Documents uploaded to the Lantern documents bucket',
      dataDeletionPolicy: 'DELETE',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: documentsBucket.bucketArn },
      },
      vectorIngestionConfiguration,
    });

    if (confluence) {
      const confluenceDataSource = new CfnDataSource(this, 'ConfluenceDataSource', {
        knowledgeBaseId: knowledgeBase.attrKnowledgeBaseId,
        name: 'confluence',
        description: `Confluence Cloud site ${confluence.hostUrl}`,
        dataDeletionPolicy: 'DELETE',
        dataSourceConfiguration: {
          type: 'CONFLUENCE',
          confluenceConfiguration: {
            sourceConfiguration: {
              hostUrl: confluence.hostUrl,
              hostType: 'SAAS',
              authType: confluence.authType,
              credentialsSecretArn: confluence.secretArn,
            },
            ...(confluence.filters
              ? {
                  crawlerConfiguration: {
                    filterConfiguration: {
                      type: 'PATTERN',
                      patternObjectFilter: {
                        filters: confluence.filters.map((filter) => ({
                          objectType: filter.objectType,
                          inclusionFilters: filter.inclusionFilters && [...filter.inclusionFilters],
                          exclusionFilters: filter.exclusionFilters && [...filter.exclusionFilters],
                        })),
                      },
                    },
                  },
                }
              : {}),
          },
        },
        vectorIngestionConfiguration,
      });
      this.confluenceDataSourceId = confluenceDataSource.attrDataSourceId;
      if (vectorStore !== 'opensearch-serverless') {
        Annotations.of(confluenceDataSource).addWarningV2(
          'lantern:confluence-vector-store',
          'AWS documents the Confluence connector (a preview) only with the OpenSearch Serverless vector store; ' +
            'if creating this data source fails on S3 Vectors, deploy with -c vectorStore=opensearch-serverless.',
        );
      }
    }

    this.knowledgeBaseId = knowledgeBase.attrKnowledgeBaseId;
    this.knowledgeBaseArn = knowledgeBase.attrKnowledgeBaseArn;
    this.dataSourceId = dataSource.attrDataSourceId;
  }

  /**
   * An S3 Vectors bucket and float32 cosine index. Bedrock's own metadata and the document keys that are
   * not declared attributes are non-filterable: only declared attributes count against the 2 KB of
   * filterable metadata per vector.
   */
  private s3VectorsStore(embedding: EmbeddingSettings, nonFilterableKeys: readonly string[]): VectorStore {
    const vectorBucket = new CfnVectorBucket(this, 'VectorBucket', {
      encryptionConfiguration: { sseType: 'AES256' },
    });
    const index = new CfnVectorIndex(this, 'Index', {
      vectorBucketArn: vectorBucket.attrVectorBucketArn,
      dataType: 'float32',
      dimension: embedding.dimensions,
      distanceMetric: 'cosine',
      metadataConfiguration: { nonFilterableMetadataKeys: [...nonFilterableKeys] },
    });
    return {
      storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: index.attrIndexArn } },
      statements: [
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
      bind: () => [],
    };
  }

  /**
   * An OpenSearch Serverless vector collection and index. The index is created by CloudFormation through
   * the collection's data plane, so the data access policy admits the CDK bootstrap's CloudFormation
   * execution role besides the knowledge base's role. The network policy allows public endpoints: every
   * data-plane call is still signed and checked against the data access policy.
   */
  private openSearchStore(embedding: EmbeddingSettings): VectorStore {
    const stack = Stack.of(this);
    const name = collectionName(stack.stackName);
    const collectionResource = [`collection/${name}`];

    const encryption = new CfnSecurityPolicy(this, 'EncryptionPolicy', {
      name: `${name}-enc`,
      type: 'encryption',
      description: 'Lantern knowledge base: AWS-owned key',
      policy: JSON.stringify({
        Rules: [{ ResourceType: 'collection', Resource: collectionResource }],
        AWSOwnedKey: true,
      }),
    });
    const network = new CfnSecurityPolicy(this, 'NetworkPolicy', {
      name: `${name}-net`,
      type: 'network',
      description: 'Lantern knowledge base: signed requests from Bedrock and CloudFormation',
      policy: JSON.stringify([
        { Rules: [{ ResourceType: 'collection', Resource: collectionResource }], AllowFromPublic: true },
      ]),
    });
    const collection = new CfnCollection(this, 'VectorCollection', {
      name,
      type: 'VECTORSEARCH',
      description: 'Lantern knowledge base vectors',
      standbyReplicas: 'DISABLED',
    });
    collection.node.addDependency(encryption);
    collection.node.addDependency(network);

    return {
      storageConfiguration: {
        type: 'OPENSEARCH_SERVERLESS',
        opensearchServerlessConfiguration: {
          collectionArn: collection.attrArn,
          vectorIndexName: SEARCH_FIELDS.index,
          fieldMapping: {
            vectorField: SEARCH_FIELDS.vector,
            textField: SEARCH_FIELDS.text,
            metadataField: SEARCH_FIELDS.metadata,
          },
        },
      },
      statements: [
        new PolicyStatement({
          sid: 'UseTheVectorCollection',
          actions: ['aoss:APIAccessAll'],
          resources: [collection.attrArn],
        }),
      ],
      bind: (role) => {
        const access = new CfnAccessPolicy(this, 'DataAccessPolicy', {
          name: `${name}-data`,
          type: 'data',
          description: 'Lantern knowledge base: its role and the CloudFormation execution role',
          policy: stack.toJsonString([
            {
              Rules: [
                {
                  ResourceType: 'collection',
                  Resource: collectionResource,
                  Permission: [
                    'aoss:DescribeCollectionItems',
                    'aoss:CreateCollectionItems',
                    'aoss:UpdateCollectionItems',
                  ],
                },
                {
                  ResourceType: 'index',
                  Resource: [`index/${name}/*`],
                  Permission: [
                    'aoss:CreateIndex',
                    'aoss:DescribeIndex',
                    'aoss:UpdateIndex',
                    'aoss:DeleteIndex',
                    'aoss:ReadDocument',
                    'aoss:WriteDocument',
                  ],
                },
              ],
              Principal: [role.roleArn, cloudFormationExecutionRoleArn(this)],
            },
          ]),
        });
        const index = new CfnSearchIndex(this, 'VectorIndex', {
          collectionEndpoint: collection.attrCollectionEndpoint,
          indexName: SEARCH_FIELDS.index,
          settings: { index: { knn: true, knnAlgoParamEfSearch: 512 } },
          mappings: {
            properties: {
              [SEARCH_FIELDS.vector]: {
                type: 'knn_vector',
                dimension: embedding.dimensions,
                method: {
                  engine: 'faiss',
                  name: 'hnsw',
                  spaceType: 'l2',
                  parameters: { efConstruction: 512, m: 16 },
                },
              },
              [SEARCH_FIELDS.text]: { type: 'text', index: true },
              [SEARCH_FIELDS.metadata]: { type: 'text', index: false },
            },
          },
        });
        index.node.addDependency(access);
        index.node.addDependency(network);
        // Bedrock checks that the index exists and that its role may use it when it creates the knowledge base.
        return [index, access];
      },
    };
  }
}

/** A vector store: its storage configuration, what the role needs on it, and what it creates once the role exists. */
interface VectorStore {
  readonly storageConfiguration: CfnKnowledgeBase.StorageConfigurationProperty;
  readonly statements: readonly PolicyStatement[];
  /** Creates what needs the knowledge base's role; returns what the knowledge base must wait for. */
  readonly bind: (role: Role) => readonly Construct[];
}

/** An OpenSearch Serverless name (3..32 lowercase letters, digits, hyphens) that leaves room for suffixes. */
function collectionName(stackName: string): string {
  const base = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^[^a-z]+/, '');
  return `${base.slice(0, 22).replace(/-+$/, '')}-kb`;
}

/** The role CloudFormation deploys with when the account was bootstrapped with `cdk bootstrap`. */
function cloudFormationExecutionRoleArn(scope: Construct): string {
  const stack = Stack.of(scope);
  const qualifier = String(scope.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds');
  return `arn:${stack.partition}:iam::${stack.account}:role/cdk-${qualifier}-cfn-exec-role-${stack.account}-${stack.region}`;
}

/**
 * A short, stable digest of the settings whose change replaces the vector store. The index's
 * non-filterable keys are among them: CloudFormation replaces an S3 Vectors index when they change,
 * and the knowledge base pointing at it with it.
 */
function settingsHash(
  embedding: EmbeddingSettings,
  vectorStore: VectorStoreKind,
  nonFilterableKeys: readonly string[],
): string {
  const settings: unknown[] = [embedding.modelId, embedding.dimensions, 'float32', 'cosine'];
  // The default store keeps the digest it had before stores were selectable.
  if (vectorStore !== 's3-vectors') settings.push(vectorStore);
  // …and before documents carried metadata besides Bedrock's own.
  const legacyKeys: readonly string[] = BEDROCK_NON_FILTERABLE_KEYS;
  if (nonFilterableKeys.length > 0 && nonFilterableKeys.join() !== legacyKeys.join()) {
    settings.push(nonFilterableKeys);
  }
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 8);
}
