import { expect } from 'vitest';
import { BedrockGuardrail } from '../../../shared/aws/bedrock-guardrail.ts';
import { createRuntimeClient } from '../../../shared/aws/clients.ts';
import { matchesOperation } from '../aws-model.ts';
import type { ReplayContext, Replayer } from '../context.ts';

type Json = Record<string, unknown>;

const IDENTITY = { guardrailId: 'replayguard1', guardrailVersion: '1' };

/** Every `action` named anywhere inside a value, with its depth bounded like any walk of a response. */
function actionsIn(value: unknown, depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => actionsIn(item, depth + 1));
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'action' && typeof child === 'string' ? [child] : actionsIn(child, depth + 1),
  );
}

/**
 * What an `ApplyGuardrail` body means for a question, from the body alone: a policy acted when one of
 * its entries has an action other than NONE (FULL-scope responses list the idle ones too); the
 * question is blocked only when an action is BLOCKED — masking intervenes yet lets it through, as
 * its masked text; without an intervention the question goes on as asked.
 */
export function expectedVerdict(body: Json, input: string) {
  const intervened = body.action === 'GUARDRAIL_INTERVENED';
  const acting = new Map<string, string[]>();
  for (const assessment of (body.assessments as Json[] | undefined) ?? []) {
    for (const [policy, value] of Object.entries(assessment)) {
      if (!policy.endsWith('Policy')) continue;
      const actions = actionsIn(value).filter((action) => action !== 'NONE');
      if (actions.length > 0) acting.set(policy, [...(acting.get(policy) ?? []), ...actions]);
    }
  }
  const outputs = ((body.outputs as Json[] | undefined) ?? []).map((o) => String(o.text ?? '')).join('');
  if (!intervened) return { action: 'NONE', blocked: false, text: input, policies: [] };
  return {
    action: 'INTERVENED',
    blocked: [...acting.values()].some((actions) => actions.includes('BLOCKED')),
    text: outputs || input,
    policies: [...acting.keys()].sort(),
  };
}

/** Serves one `ApplyGuardrail` body and screens `input` through Lantern's guardrail adapter. */
export async function screenReplayed(context: ReplayContext, body: Json, input: string) {
  const { wire, config } = context;
  wire.replyJson(body);
  const verdict = await new BedrockGuardrail(createRuntimeClient(config), IDENTITY).screenInput(input);
  const [request] = wire.take();
  expect(request && matchesOperation('bedrock-runtime', 'ApplyGuardrail', request)).toBe(true);
  expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
    source: 'INPUT',
    content: [{ text: { text: input } }],
  });
  const want = expectedVerdict(body, input);
  expect({ ...verdict, policies: [...verdict.policies].sort() }).toEqual(want);
  return verdict;
}

/** The question the recording screened, when its notes kept the request. */
function recordedInput(notes: Json): string {
  const content = ((notes.request as Json | undefined)?.body as Json | undefined)?.content as
    | Json[]
    | undefined;
  const text = (content?.[0]?.text as Json | undefined)?.text;
  return typeof text === 'string' ? text : 'replayed question';
}

/** `ApplyGuardrail` through `BedrockGuardrail.screenInput`, raw body as recorded (nulls, extra keys). */
export const replayApplyGuardrail: Replayer = async (recording, context) => {
  await screenReplayed(context, recording.payload, recordedInput(recording.notes));
  return ['as recorded'];
};
