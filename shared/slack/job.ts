import * as z from '../validation.ts';
import { eventCallbackSchema, type SlackEventCallback } from './events.ts';

/**
 * What the events function hands to the worker: the verified event envelope as Slack sent it. The
 * worker validates it again (a queue message may be old or come from elsewhere) and decides itself.
 */
export interface SlackJob {
  readonly version: 1;
  /** When the events function accepted it (ISO 8601). */
  readonly receivedAt: string;
  readonly envelope: SlackEventCallback;
}

export const slackJobSchema = z.object({
  version: z.literal(1),
  receivedAt: z.string(),
  envelope: eventCallbackSchema,
});

/** Parses a queue message body; undefined when it is not a Slack job (it can never succeed). */
export function parseSlackJob(body: string): SlackJob | undefined {
  try {
    const result = slackJobSchema.safeParse(JSON.parse(body));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The port between the events function and the worker. On AWS an SQS queue; locally an in-process
 * queue that invokes the worker handler with an SQS-shaped event. Delivery is at least once.
 */
export interface SlackJobQueue {
  enqueue(job: SlackJob): Promise<void>;
}
