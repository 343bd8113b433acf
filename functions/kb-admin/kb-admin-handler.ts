import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { CorsConfig } from '../../shared/config.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { parseJsonBody, pathParameter } from '../../shared/http/request.ts';
import { jsonResponse } from '../../shared/http/responses.ts';
import type { KnowledgeBaseAdminService } from '../../shared/ingestion/admin-service.ts';
import {
  JOB_ID_PATTERN,
  listJobsQuerySchema,
  type SyncResponse,
  syncRequestSchema,
  toJobView,
} from '../../shared/ingestion/api.ts';

/**
 * The knowledge-base admin API (IAM-authorized on AWS; locally `x-admin-key`):
 * `POST /v1/admin/knowledge-base/sync` → 202 with the jobs started,
 * `GET /v1/admin/knowledge-base/jobs` (newest first) and `GET /v1/admin/knowledge-base/jobs/{jobId}`.
 */
export const makeKbAdminHandler = (
  service: Pick<KnowledgeBaseAdminService, 'sync' | 'listJobs' | 'getJob'>,
  cors: CorsConfig,
) =>
  restHandler(async (event) => {
    const operator = operatorOf(event);
    switch (event.resource) {
      case '/v1/admin/knowledge-base/sync': {
        const request = hasBody(event) ? parseJsonBody(event, syncRequestSchema) : {};
        const result = await service.sync({ ...request, requestedBy: operator });
        const body: SyncResponse = {
          jobs: result.jobs.map(toJobView),
          ...(result.notStarted.length > 0 ? { notStarted: result.notStarted } : {}),
        };
        return jsonResponse(202, body);
      }
      case '/v1/admin/knowledge-base/jobs': {
        const query = listJobsQuerySchema.safeParse(event.queryStringParameters ?? {});
        if (!query.success) {
          throw new ValidationError(
            query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
          );
        }
        const page = await service.listJobs({
          limit: query.data.limit,
          ...(query.data.nextToken ? { cursor: query.data.nextToken } : {}),
        });
        return jsonResponse(200, {
          jobs: page.jobs.map(toJobView),
          ...(page.cursor ? { nextToken: page.cursor } : {}),
        });
      }
      case '/v1/admin/knowledge-base/jobs/{jobId}': {
        const jobId = pathParameter(event, 'jobId');
        if (!jobId || !JOB_ID_PATTERN.test(jobId))
          throw new NotFoundError(`Ingestion job ${jobId ?? ''} was not found`);
        return jsonResponse(200, toJobView(await service.getJob(jobId)));
      }
      default:
        throw new NotFoundError(`No admin route ${event.httpMethod} ${event.path}`);
    }
  }, cors);

/**
 * The operator's IAM identity. API Gateway fills it for IAM-authorized methods only (the local
 * gateway too, from `x-admin-key`); without it the call did not come through IAM: refused.
 */
function operatorOf(event: APIGatewayProxyEvent): string {
  const arn = event.requestContext?.identity?.userArn;
  if (!arn) throw new ForbiddenError('This route needs IAM (SigV4) credentials; an API key is not enough');
  return arn;
}

function hasBody(event: APIGatewayProxyEvent): boolean {
  return Boolean(event.body?.trim());
}
