import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for every handler. Log levels come from Powertools' own variables
 * (`POWERTOOLS_LOG_LEVEL`), set by the CDK app and by `npm start`. Never log message text or
 * secrets: log ids, sizes and outcomes.
 */
export const logger = new Logger({ serviceName: 'lantern' });
