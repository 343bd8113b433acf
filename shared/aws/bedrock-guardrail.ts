import {
  ApplyGuardrailCommand,
  type ApplyGuardrailCommandOutput,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import type { GuardrailPolicyFamily, GuardrailVerdict, InputGuardrail } from '../chat/ports.ts';
import { toServiceError } from './service-errors.ts';

const POLICIES: readonly GuardrailPolicyFamily[] = [
  'topicPolicy',
  'contentPolicy',
  'wordPolicy',
  'sensitiveInformationPolicy',
  'contextualGroundingPolicy',
];

export interface GuardrailIdentity {
  readonly guardrailId: string;
  readonly guardrailVersion: string;
}

/** `ApplyGuardrail(INPUT)` on Bedrock Runtime, reduced to what the engine decides on. */
export class BedrockGuardrail implements InputGuardrail {
  constructor(
    private readonly client: BedrockRuntimeClient,
    private readonly identity: GuardrailIdentity,
  ) {}

  async screenInput(text: string): Promise<GuardrailVerdict> {
    let response: ApplyGuardrailCommandOutput;
    try {
      response = await this.client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: this.identity.guardrailId,
          guardrailVersion: this.identity.guardrailVersion,
          source: 'INPUT',
          content: [{ text: { text } }],
        }),
      );
    } catch (error) {
      throw toServiceError(error, 'The safety check');
    }
    return toVerdict(text, response);
  }
}

/** Reads an `ApplyGuardrail` response: which policies acted, and whether any of them blocked. */
export function toVerdict(
  input: string,
  response: Pick<ApplyGuardrailCommandOutput, 'action' | 'outputs' | 'assessments'>,
): GuardrailVerdict {
  if (response.action !== 'GUARDRAIL_INTERVENED')
    return { action: 'NONE', blocked: false, text: input, policies: [] };
  const actions = new Map<GuardrailPolicyFamily, Set<string>>();
  for (const assessment of response.assessments ?? []) {
    for (const policy of POLICIES) {
      const found = collectActions((assessment as Record<string, unknown>)[policy]);
      if (found.size > 0) actions.set(policy, new Set([...(actions.get(policy) ?? []), ...found]));
    }
  }
  const policies = [...actions.keys()];
  const blocked = [...actions.values()].some((set) => set.has('BLOCKED'));
  const output = response.outputs?.map((o) => o.text ?? '').join('') ?? '';
  return { action: 'INTERVENED', blocked, text: output || input, policies };
}

/** Every `action` other than NONE found anywhere inside one policy's assessment. */
function collectActions(value: unknown, found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 6 || value === null || typeof value !== 'object') return found;
  if (Array.isArray(value)) {
    for (const item of value) collectActions(item, found, depth + 1);
    return found;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === 'action' && typeof child === 'string' && child !== 'NONE') found.add(child);
    else collectActions(child, found, depth + 1);
  }
  return found;
}
