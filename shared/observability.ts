import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Logging and metrics, created once per container and shared by every handler. Levels and switches
 * come from Powertools' own variables (`POWERTOOLS_LOG_LEVEL`, `POWERTOOLS_METRICS_DISABLED`), set by
 * the CDK app and by `npm start`. Never log message text or secrets: log ids, sizes and outcomes.
 *
 * Tracing is Lambda's active tracing alone (each invocation's segment, with its init and invocation
 * time), which needs no code here; per-call subsegments from Powertools Tracer cost more cold start
 * than they told (docs/benchmarks.md, "Tracing").
 */
/*
 * Neither is made at import: a Logger and its stdout Console, and Metrics with theirs, cost a cold
 * start a few milliseconds, which an invocation that logs and counts nothing (a health check, a
 * session read, a minted visitor token) should not pay. Each is made once per container, on first
 * use, reading Powertools' variables then as it would have at import (the runtime sets them first).
 */
let powertoolsLogger: Logger | undefined;
/** Keys appended before the first line is logged; they reach the Logger when it is made. */
let pendingKeys: LogAttributes = {};

function loggerInUse(): Logger {
  if (!powertoolsLogger) {
    powertoolsLogger = new Logger({ serviceName: 'lantern' });
    if (Object.keys(pendingKeys).length > 0) powertoolsLogger.appendKeys(pendingKeys);
    pendingKeys = {};
  }
  return powertoolsLogger;
}

/** The Logger's methods Lantern uses; lines are Powertools' structured JSON. */
export interface LanternLogger {
  readonly debug: Logger['debug'];
  readonly info: Logger['info'];
  readonly warn: Logger['warn'];
  readonly error: Logger['error'];
  /** Keys on every line until `resetKeys` (the invocation's correlation ids). */
  readonly appendKeys: (keys: LogAttributes) => void;
  readonly resetKeys: () => void;
}

export const logger: LanternLogger = {
  debug: (input, ...extra) => loggerInUse().debug(input, ...extra),
  info: (input, ...extra) => loggerInUse().info(input, ...extra),
  warn: (input, ...extra) => loggerInUse().warn(input, ...extra),
  error: (input, ...extra) => loggerInUse().error(input, ...extra),
  appendKeys: (keys) => {
    if (powertoolsLogger) powertoolsLogger.appendKeys(keys);
    else Object.assign(pendingKeys, keys);
  },
  resetKeys: () => {
    if (powertoolsLogger) powertoolsLogger.resetKeys();
    else pendingKeys = {};
  },
};

let powertoolsMetrics: Metrics | undefined;

/** CloudWatch metrics (EMF log lines), namespace `Lantern`; locally the same lines go to stdout. */
export function metricsInUse(): Metrics {
  powertoolsMetrics ??= new Metrics({ namespace: 'Lantern', serviceName: 'lantern' });
  return powertoolsMetrics;
}

export type LanternMetric =
  | 'ChatTurn'
  | 'ChatError'
  | 'GuardrailIntervention'
  | 'SlackEvent'
  | 'IngestionJobStarted'
  | 'IngestionJobCompleted'
  | 'IngestionJobFailed'
  | 'AuthorizerFailure';

/**
 * Adds one count of `name`, and with dimensions (e.g. the guardrail policy) one more count broken
 * down by them: the total keeps alarms simple, the breakdown explains them.
 */
export function countMetric(name: LanternMetric, dimensions: Record<string, string> = {}): void {
  const metrics = metricsInUse();
  metrics.addMetric(name, MetricUnit.Count, 1);
  if (Object.keys(dimensions).length === 0) return;
  // Dimensions of one metric must not leak onto the others stored for this invocation.
  const single = metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/**
 * Flushes the invocation's metrics, if it counted any: Powertools warns in the function's log on
 * every flush with nothing stored (a health check, a 404), which would bury the warnings that matter.
 */
export function publishMetrics(): void {
  if (powertoolsMetrics?.hasStoredMetrics()) powertoolsMetrics.publishStoredMetrics();
}
