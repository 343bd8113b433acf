import { Logger } from '@aws-lambda-powertools/logger';
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
// Pure: a bundle that uses only one of the two (the authorizer keeps metrics alone) sheds the other.
export const logger = /* @__PURE__ */ new Logger({ serviceName: 'lantern' });

/** CloudWatch metrics (EMF log lines), namespace `Lantern`; locally the same lines go to stdout. */
export const metrics = /* @__PURE__ */ new Metrics({ namespace: 'Lantern', serviceName: 'lantern' });

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
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
