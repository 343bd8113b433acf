import { getConfig, getSlackConfig } from '../../shared/config.ts';
import { createSlackWorkerDeps } from '../../shared/slack/worker-wiring.ts';
import { makeSlackWorkerHandler } from './slack-worker-handler.ts';

export const handler = makeSlackWorkerHandler(createSlackWorkerDeps(getConfig(), getSlackConfig()));
