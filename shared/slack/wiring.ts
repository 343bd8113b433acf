/**
 * The whole Slack path's wiring, for a caller that runs both halves in one process (the local
 * stack). Each Lambda function imports only its half: `intake-wiring.ts` (slack-events) or
 * `worker-wiring.ts` (slack-worker), so the events function's bundle holds neither the Slack Web
 * API client nor the conversation engine.
 */
export { createSlackEventsDeps } from './intake-wiring.ts';
export { createSlackWorkerDeps } from './worker-wiring.ts';
