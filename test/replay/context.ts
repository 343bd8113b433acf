import { type LanternConfig, parseConfig } from '../../shared/config.ts';
import type { Recording } from './recordings.ts';
import type { WireServer } from './wire-server.ts';

/** What a replayer gets: the loopback server and a Lantern configuration pointed at it. */
export interface ReplayContext {
  readonly wire: WireServer;
  readonly config: LanternConfig;
}

/** Replays one recording through Lantern and asserts what Lantern made of it; returns the variants run. */
export type Replayer = (recording: Recording, context: ReplayContext) => Promise<readonly string[]>;

/** Lantern's configuration with every AWS endpoint at the loopback server, as the local stack sets it. */
export function replayConfig(url: string): LanternConfig {
  return parseConfig({
    TABLE_NAME: 'sessions',
    KNOWLEDGE_BASE_ID: 'KBREPLAY01',
    MODEL_ARN: 'anthropic.claude-3-haiku-20240307-v1:0',
    AWS_REGION: 'us-east-1',
    BEDROCK_AGENT_RUNTIME_ENDPOINT: url,
    BEDROCK_RUNTIME_ENDPOINT: url,
    BEDROCK_AGENT_ENDPOINT: url,
    DYNAMODB_ENDPOINT: url,
  });
}
