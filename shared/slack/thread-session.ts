import { createHash } from 'node:crypto';

/**
 * One Slack thread is one Lantern session. The id is derived (never stored in Slack), so every
 * follow-up in the thread reaches the same session and no lookup table is needed; it is a hash, so
 * it reveals neither the channel nor the thread.
 */
export function threadSessionId(teamId: string, channel: string, threadTs: string): string {
  const digest = createHash('sha256').update(`${teamId}:${channel}:${threadTs}`, 'utf8').digest('hex');
  return `slack-${digest.slice(0, 40)}`;
}

/**
 * The owner of Slack sessions: the workspace. REST callers are API key ids (`key-…`), so they can
 * never read or continue a Slack session, and one workspace cannot reach another's.
 */
export function slackOwner(teamId: string): string {
  return `slack:${teamId}`;
}
