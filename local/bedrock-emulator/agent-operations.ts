/**
 * The bedrock-agent operations Lantern calls (HTTP/1.1, restJson1): StartIngestionJob,
 * GetIngestionJob, ListIngestionJobs, StopIngestionJob and GetDataSource, with the model's routes,
 * shapes and statuses (see docs/aws-reference.md §3); the router checks requests against the model.
 */
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { EMULATOR_ACCOUNT_ID } from './account.ts';
import { confluenceHostUrl, type DataSourceConfig } from './ingestion/data-sources.ts';
import type { IngestionJobs, ListIngestionJobsRequest } from './ingestion/jobs.ts';
import { awsJsonResponse, type EmulatorRoute } from './router.ts';
import type { StartIngestionJobRequest } from './schemas.ts';

/** URI labels; the router has checked them against the model's patterns. */
type Labels = Readonly<Record<string, string>>;
const label = (params: Labels, name: string): string => params[name] ?? '';

const PREFIX = '/knowledgebases/{knowledgeBaseId}/datasources/{dataSourceId}';

export function agentRoutes(jobs: IngestionJobs): EmulatorRoute[] {
  return [
    {
      operation: 'StartIngestionJob',
      method: 'PUT',
      path: `${PREFIX}/ingestionjobs`,
      handler: ({ params, body }) => {
        const [knowledgeBaseId, dataSourceId] = [
          label(params, 'knowledgeBaseId'),
          label(params, 'dataSourceId'),
        ];
        const request = body as StartIngestionJobRequest;
        const ingestionJob = jobs.start(knowledgeBaseId, dataSourceId, {
          ...(request.clientToken === undefined ? {} : { clientToken: request.clientToken }),
          ...(request.description === undefined ? {} : { description: request.description }),
        });
        return { ...awsJsonResponse({ ingestionJob }), status: 202 };
      },
    },
    {
      operation: 'ListIngestionJobs',
      method: 'POST',
      path: `${PREFIX}/ingestionjobs`,
      handler: ({ params, body }) => {
        return awsJsonResponse(
          jobs.list(
            label(params, 'knowledgeBaseId'),
            label(params, 'dataSourceId'),
            body as ListIngestionJobsRequest,
          ),
        );
      },
    },
    {
      operation: 'GetIngestionJob',
      method: 'GET',
      path: `${PREFIX}/ingestionjobs/{ingestionJobId}`,
      handler: ({ params }) => {
        const ingestionJob = jobs.get(
          label(params, 'knowledgeBaseId'),
          label(params, 'dataSourceId'),
          label(params, 'ingestionJobId'),
        );
        return awsJsonResponse({ ingestionJob });
      },
    },
    {
      operation: 'StopIngestionJob',
      method: 'POST',
      path: `${PREFIX}/ingestionjobs/{ingestionJobId}/stop`,
      handler: ({ params }) => {
        const ingestionJob = jobs.stop(
          label(params, 'knowledgeBaseId'),
          label(params, 'dataSourceId'),
          label(params, 'ingestionJobId'),
        );
        return { ...awsJsonResponse({ ingestionJob }), status: 202 };
      },
    },
    {
      operation: 'GetDataSource',
      method: 'GET',
      path: PREFIX,
      handler: async ({ params }) => {
        const [knowledgeBaseId, dataSourceId] = [
          label(params, 'knowledgeBaseId'),
          label(params, 'dataSourceId'),
        ];
        const { source } = jobs.resolve(knowledgeBaseId, dataSourceId);
        const createdAt = jobs.createdAt.toISOString();
        return awsJsonResponse({
          dataSource: {
            knowledgeBaseId,
            dataSourceId,
            name: source.type === 'S3' ? source.bucketName : `confluence-${dataSourceId.toLowerCase()}`,
            status: 'AVAILABLE',
            description: `Local folder ${source.folder}`,
            dataSourceConfiguration: await dataSourceConfiguration(source),
            dataDeletionPolicy: 'DELETE',
            vectorIngestionConfiguration: {
              chunkingConfiguration: {
                chunkingStrategy: knowledgeBaseSettings.chunking.strategy,
                fixedSizeChunkingConfiguration: {
                  maxTokens: knowledgeBaseSettings.chunking.maxTokens,
                  overlapPercentage: knowledgeBaseSettings.chunking.overlapPercentage,
                },
              },
            },
            createdAt,
            updatedAt: createdAt,
          },
        });
      },
    },
  ];
}

async function dataSourceConfiguration(source: DataSourceConfig) {
  if (source.type === 'S3') {
    return { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${source.bucketName}` } };
  }
  return {
    type: 'CONFLUENCE',
    confluenceConfiguration: {
      sourceConfiguration: {
        hostUrl: await confluenceHostUrl(source),
        hostType: 'SAAS',
        authType: 'BASIC',
        credentialsSecretArn: `arn:aws:secretsmanager:us-east-1:${EMULATOR_ACCOUNT_ID}:secret:lantern-local-confluence`,
      },
    },
  };
}
