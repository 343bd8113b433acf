import { getCorsConfig } from '../../shared/config.ts';
import document from './openapi.json' with { type: 'json' };
import { makeOpenApiHandler } from './openapi-handler.ts';

export const handler = makeOpenApiHandler(document, getCorsConfig());
