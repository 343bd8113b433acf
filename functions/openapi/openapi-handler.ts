import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/**
 * `GET /v1/openapi.json`: the API's OpenAPI description, public as health is. The document is
 * generated at build time (`npm run openapi:generate`), so this function bundles JSON, not zod.
 */
export const makeOpenApiHandler = (document: object, cors: CorsConfig) =>
  restHandler(async () => jsonResponse(200, document), cors);
