import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/** `GET /v1/health`: the function is deployed and its configuration loads. */
export const makeHealthHandler = (cors: CorsConfig) =>
  restHandler(async () => jsonResponse(200, { status: 'ok' }), cors);
