import { getCorsConfig } from '../../shared/config.ts';
import { makeHealthHandler } from './health-handler.ts';

export const handler = makeHealthHandler(getCorsConfig());
