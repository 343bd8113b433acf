/**
 * The bedrock-agent operations Lantern calls (HTTP/1.1, restJson1): StartIngestionJob,
 * GetIngestionJob, ListIngestionJobs, StopIngestionJob and GetDataSource, with the model's routes,
 * constraints, shapes and statuses (see docs/aws-reference.md §3).
 */
import { z } from 'zod';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { confluenceHostUrl, type DataSourceConfig } from './data-sources.ts';
import type { IngestionJobs } from './ingestion-jobs.ts';
import { jsonResponse, type Route } from './router.ts';
import { parseRequest } from './schemas.ts';

const resourceId = z.string().regex(/^[0-9a-zA-Z]{10}$/);

const dataSourcePath = z.object({ knowledgeBaseId: resourceId, dataSourceId: resourceId });
const jobPath = dataSourcePath.extend({ ingestionJobId: resourceId });

const startRequest = z.looseObject({
  clientToken: z
    .string()
    .min(33)
    .max(256)
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,256}$/)
    .optional(),
  description: z.string().min(1).max(200).optional(),
});

const listRequest = z.looseObject({
  filters: z
    .array(
      z.object({
        attribute: z.enum(['STATUS']),
        operator: z.enum(['EQ']),
        values: z.array(z.string()).min(1).max(10),
      }),
    )
    .min(1)
    .max(1)
    .optional(),
  sortBy: z
    .object({
      attribute: z.enum(['STATUS', 'STARTED_AT']),
      order: z.enum(['ASCENDING', 'DESCENDING']),
    })
    .optional(),
  maxResults: z.number().int().min(1).max(1000).optional(),
  nextToken: z.string().min(1).max(2048).optional(),
});

const PREFIX = '/knowledgebases/{knowledgeBaseId}/datasources/{dataSourceId}';

export function agentRoutes(jobs: IngestionJobs): Route[] {
  return [
    {
      operation: 'StartIngestionJob',
      method: 'PUT',
      path: `${PREFIX}/ingestionjobs`,
      handler: ({ params, body }) => {
        const { knowledgeBaseId, dataSourceId } = parseRequest(dataSourcePath, params);
        const request = parseRequest(startRequest, body);
        const ingestionJob = jobs.start(knowledgeBaseId, dataSourceId, {
          ...(request.clientToken === undefined ? {} : { clientToken: request.clientToken }),
          ...(request.description === undefined ? {} : { description: request.description }),
        });
        return { ...jsonResponse({ ingestionJob }), status: 202 };
      },
    },
    {
      operation: 'ListIngestionJobs',
      method: 'POST',
      path: `${PREFIX}/ingestionjobs`,
      handler: ({ params, body }) => {
        const { knowledgeBaseId, dataSourceId } = parseRequest(dataSourcePath, params);
        return jsonResponse(jobs.list(knowledgeBaseId, dataSourceId, parseRequest(listRequest, body)));
      },
    },
    {
      operation: 'GetIngestionJob',
      method: 'GET',
      path: `${PREFIX}/ingestionjobs/{ingestionJobId}`,
      handler: ({ params }) => {
        const { knowledgeBaseId, dataSourceId, ingestionJobId } = parseRequest(jobPath, params);
        return jsonResponse({ ingestionJob: jobs.get(knowledgeBaseId, dataSourceId, ingestionJobId) });
      },
    },
    {
      operation: 'StopIngestionJob',
      method: 'POST',
      path: `${PREFIX}/ingestionjobs/{ingestionJobId}/stop`,
      handler: ({ params }) => {
        const { knowledgeBaseId, dataSourceId, ingestionJobId } = parseRequest(jobPath, params);
        const ingestionJob = jobs.stop(knowledgeBaseId, dataSourceId, ingestionJobId);
        return { ...jsonResponse({ ingestionJob }), status: 202 };
      },
    },
    {
      operation: 'GetDataSource',
      method: 'GET',
      path: PREFIX,
      handler: async ({ params }) => {
        const { knowledgeBaseId, dataSourceId } = parseRequest(dataSourcePath, params);
        const { source } = jobs.resolve(knowledgeBaseId, dataSourceId);
        const createdAt = jobs.createdAt.toISOString();
        return jsonResponse({
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
        credentialsSecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:lantern-local-confluence',
      },
    },
  };
}
