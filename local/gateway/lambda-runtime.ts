import { installLambdaStreamingGlobals } from './lambda-streaming.ts';

export type LocalLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * What the Lambda runtime gives every function besides Lantern's own variables: credentials and
 * Powertools' switches. Lantern's configuration is not among them: the local stack hands it to the
 * handler factories as values. Powertools and the X-Ray SDK read these when first loaded, as on
 * Lambda, where the runtime sets them before the handler module loads: an entry point that wants
 * its `logLevel` to count calls this before importing the stack. Variables already set for
 * Powertools' log level and metrics win, so a caller can ask for more.
 */
export function installLambdaRuntime(logLevel: LocalLogLevel = 'WARN'): void {
  const env = process.env;
  // The SDK's credential chain would otherwise look for real credentials (or the instance metadata
  // service); local servers accept any signature.
  env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  env.POWERTOOLS_LOG_LEVEL ??= logLevel;
  env.POWERTOOLS_DEV = 'true';
  // Metrics are EMF log lines: printed at INFO, silent otherwise.
  env.POWERTOOLS_METRICS_DISABLED ??= String(logLevel !== 'INFO');
  installLambdaStreamingGlobals();
}

export { LOCAL_CREDENTIALS };
