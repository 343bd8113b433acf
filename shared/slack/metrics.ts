import { countMetric } from '../observability.ts';

export type SlackEventOutcome =
  | 'rejected'
  | 'url_verification'
  | 'app_rate_limited'
  | 'ignored'
  | 'duplicate'
  | 'queued'
  | 'answered'
  | 'dropped'
  | 'gave_up'
  | 'retry';

/**
 * Counts a Slack event twice: in total (stored, so the invocation's metrics flush is never empty)
 * and by `outcome` (its own EMF line, so the dimension does not spread to other metrics).
 */
export function countSlackEvent(outcome: SlackEventOutcome): void {
  countMetric('SlackEvent');
  countMetric('SlackEvent', { outcome });
}
