import { restHandler } from '../../shared/http/handler.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/** `GET /v1/health`: the function is deployed and its configuration loads. */
export const handler = restHandler(async () => jsonResponse(200, { status: 'ok' }));
