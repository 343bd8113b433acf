import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { expect } from 'vitest';
import { createRuntimeClient } from '../../../shared/aws/clients.ts';
import { matchesOperation } from '../aws-model.ts';
import type { Replayer } from '../context.ts';
import { screenReplayed } from './apply-guardrail.ts';

type Json = Record<string, unknown>;

/**
 * `Converse` with a guardrail trace. Lantern does not call Converse; what it needs from the trace is
 * the guardrail assessment, the same shape `ApplyGuardrail` returns. So the SDK must parse the
 * recording, and each traced output assessment, served as the `ApplyGuardrail` answer it would be
 * (same action, the delivered text as its output), must give Lantern the right verdict: the only
 * recorded evidence of masking, which intervenes without blocking.
 */
export const replayConverse: Replayer = async (recording, context) => {
  const { wire, config } = context;
  const body = recording.payload;
  wire.replyJson(body);
  const response = await createRuntimeClient(config).send(
    new ConverseCommand({
      modelId: 'amazon.titan-text-express-v1',
      messages: [{ role: 'user', content: [{ text: 'q' }] }],
    }),
  );
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-runtime', 'Converse', request)).toBe(true);

  const message = (body.output as Json).message as Json;
  const text = ((message.content as Json[]) ?? []).map((block) => String(block.text ?? '')).join('');
  expect(response.output?.message?.content?.map((block) => block.text ?? '').join('')).toBe(text);
  expect(response.stopReason).toBe(body.stopReason);
  const trace = ((body.trace as Json | undefined)?.guardrail as Json | undefined) ?? {};
  const outputAssessments = (trace.outputAssessments as Record<string, Json[]> | undefined) ?? {};
  expect(Object.keys(response.trace?.guardrail?.outputAssessments ?? {})).toEqual(
    Object.keys(outputAssessments),
  );
  expect(response.trace?.guardrail?.actionReason).toBe(trace.actionReason);

  const run = ['as recorded'];
  for (const [guardrailId, assessments] of Object.entries(outputAssessments)) {
    const reasons = String(trace.actionReason ?? '').split('\n');
    await screenReplayed(
      context,
      {
        action: body.stopReason === 'guardrail_intervened' ? 'GUARDRAIL_INTERVENED' : 'NONE',
        ...(reasons.length ? { actionReason: reasons.at(-1) } : {}),
        outputs: [{ text }],
        assessments,
      },
      'replayed answer',
    );
    run.push(`output assessment of ${guardrailId} as ApplyGuardrail`);
  }
  return run;
};
