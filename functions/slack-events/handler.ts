import { getCorsConfig, getSlackIntakeConfig } from '../../shared/config.ts';
import { createSlackEventsDeps } from '../../shared/slack/intake-wiring.ts';
import { makeSlackEventsHandler } from './slack-events-handler.ts';

const { table, slack } = getSlackIntakeConfig();
export const handler = makeSlackEventsHandler(createSlackEventsDeps(table, slack), getCorsConfig());
