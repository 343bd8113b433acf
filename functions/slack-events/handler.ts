import { getConfig, getCorsConfig, getSlackConfig } from '../../shared/config.ts';
import { createSlackEventsDeps } from '../../shared/slack/intake-wiring.ts';
import { makeSlackEventsHandler } from './slack-events-handler.ts';

export const handler = makeSlackEventsHandler(
  createSlackEventsDeps(getConfig(), getSlackConfig()),
  getCorsConfig(),
);
