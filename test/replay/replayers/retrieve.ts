import { RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { expect } from 'vitest';
import { createAgentRuntimeClient } from '../../../shared/aws/clients.ts';
import { mapReference } from '../../../shared/chat/citations.ts';
import { matchesOperation } from '../aws-model.ts';
import type { Replayer } from '../context.ts';
import { expectReference } from '../expected-citations.ts';

type Json = Record<string, unknown>;

/**
 * `Retrieve`: Lantern does not call it (RetrieveAndGenerate retrieves for it), but its results are the
 * passages citations point at. The SDK must parse the recording, and Lantern's reference mapping must
 * read every result: source, title, excerpt, and a score kept as AWS gave it (it can exceed 1).
 */
export const replayRetrieve: Replayer = async (recording, context) => {
  const { wire, config } = context;
  const results = (recording.payload.retrievalResults as Json[] | undefined) ?? [];
  wire.replyJson(recording.payload);
  const response = await createAgentRuntimeClient(config).send(
    new RetrieveCommand({
      knowledgeBaseId: config.knowledgeBaseId,
      retrievalQuery: { text: 'replayed question' },
    }),
  );
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-agent-runtime', 'Retrieve', request)).toBe(true);
  expect(response.retrievalResults).toHaveLength(results.length);
  (response.retrievalResults ?? []).forEach((result, i) => {
    expectReference(mapReference(result), results[i] ?? {});
  });
  return ['as recorded'];
};
