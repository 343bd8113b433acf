import type { Replayer } from '../context.ts';
import { replayApiGatewayEvent } from './api-gateway-event.ts';
import { replayApplyGuardrail } from './apply-guardrail.ts';
import { replayConverse } from './converse.ts';
import { replayGetIngestionJob, replayStartIngestionJob } from './ingestion-job.ts';
import { replayRetrieve } from './retrieve.ts';
import { replayRetrieveAndGenerate } from './retrieve-and-generate.ts';
import { replayRetrieveAndGenerateStream } from './retrieve-and-generate-stream.ts';
import { replaySlackEvent } from './slack-event.ts';

/** Which replayer reads a recording, by `service:Operation` (see `operationKey`). */
export const REPLAYERS: Readonly<Record<string, Replayer>> = {
  'bedrock-agent-runtime:RetrieveAndGenerate': replayRetrieveAndGenerate,
  'bedrock-agent-runtime:RetrieveAndGenerateStream': replayRetrieveAndGenerateStream,
  'bedrock-agent-runtime:Retrieve': replayRetrieve,
  'bedrock-runtime:ApplyGuardrail': replayApplyGuardrail,
  'bedrock-runtime:Converse': replayConverse,
  'bedrock-agent:StartIngestionJob': replayStartIngestionJob,
  'bedrock-agent:GetIngestionJob': replayGetIngestionJob,
  'apigateway:Lambda': replayApiGatewayEvent,
  'slack-events-api:event_callback': replaySlackEvent,
  'slack-events-api:url_verification': replaySlackEvent,
};
