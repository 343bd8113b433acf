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

/** Counts a Slack event, in total and by `outcome`. */
export function countSlackEvent(outcome: SlackEventOutcome): void {
  countMetric('SlackEvent', { outcome });
}
