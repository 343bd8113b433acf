/**
 * The guardrail inside RetrieveAndGenerate (and its stream): which guardrail a request attaches,
 * screening the question before retrieval and the answer before it is returned, and moving
 * citation spans when masking changes the answer's length.
 *
 * The flow, as Bedrock runs it with `generationConfiguration.guardrailConfiguration`:
 * 1. `screenInput(question)`: blocked → answer with the policy's blocked-input message, no
 *    citations, `guardrailAction: "INTERVENED"`; masked → retrieve and generate with the masked
 *    question.
 * 2. `screenOutput(answer)`: blocked (e.g. a card number) → the blocked-outputs message, no
 *    citations; masked → the masked answer, citations moved with {@link remapSpan}.
 * 3. `guardrailAction` is `INTERVENED` when either step intervened, else `NONE`.
 */
import type { Answer, Span } from '../generation/extractive-answer.ts';
import { evaluateGuardrail, type Replacement } from './engine.ts';
import { resolveGuardrail, type ServedGuardrail } from './served-guardrail.ts';

/** RetrieveAndGenerate's `guardrailAction` (not ApplyGuardrail's `GUARDRAIL_INTERVENED`). */
export type RagGuardrailAction = 'INTERVENED' | 'NONE';

export interface GuardrailScreen {
  readonly action: RagGuardrailAction;
  /** True when the text was replaced by the policy's blocked message. */
  readonly blocked: boolean;
  /** The text to go on with: unchanged, masked, or the blocked message. */
  readonly text: string;
  /** Where masking changed the text (empty unless masked). */
  readonly replacements: readonly Replacement[];
}

/**
 * The guardrail a RetrieveAndGenerate(Stream) request attaches through
 * `retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.generationConfiguration.guardrailConfiguration`,
 * or `undefined` when it attaches none. Throws ResourceNotFoundException for an unknown id or version.
 */
export function ragGuardrail(
  served: ServedGuardrail | undefined,
  configuration: { readonly guardrailId: string; readonly guardrailVersion: string } | undefined,
): ServedGuardrail | undefined {
  if (configuration === undefined) return undefined;
  return resolveGuardrail(served, configuration.guardrailId, configuration.guardrailVersion);
}

function screen(guardrail: ServedGuardrail, source: 'INPUT' | 'OUTPUT', text: string): GuardrailScreen {
  const evaluation = evaluateGuardrail(guardrail.compiled, source, [text]);
  if (evaluation.blocked) {
    const policy = guardrail.compiled.policy;
    return {
      action: 'INTERVENED',
      blocked: true,
      text: source === 'INPUT' ? policy.blockedInputMessaging : policy.blockedOutputsMessaging,
      replacements: [],
    };
  }
  const block = evaluation.blocks[0];
  if (evaluation.masked && block !== undefined) {
    return { action: 'INTERVENED', blocked: false, text: block.masked, replacements: block.replacements };
  }
  return { action: 'NONE', blocked: false, text, replacements: [] };
}

/** Screens the user's question (source INPUT). */
export function screenInput(guardrail: ServedGuardrail, text: string): GuardrailScreen {
  return screen(guardrail, 'INPUT', text);
}

/** Screens a generated answer (source OUTPUT). */
export function screenOutput(guardrail: ServedGuardrail, text: string): GuardrailScreen {
  return screen(guardrail, 'OUTPUT', text);
}

/** Combines the two screens into RetrieveAndGenerate's `guardrailAction`. */
export function combinedAction(...screens: readonly (GuardrailScreen | undefined)[]): RagGuardrailAction {
  return screens.some((s) => s?.action === 'INTERVENED') ? 'INTERVENED' : 'NONE';
}

/**
 * Where an offset of the original text lands in the masked text. An offset inside a masked
 * match moves to the edge of its placeholder: a span's start to the placeholder's start, its end
 * to the placeholder's end, so the span still covers the whole placeholder.
 */
function mapOffset(offset: number, replacements: readonly Replacement[], side: 'start' | 'end'): number {
  let shift = 0;
  for (const r of replacements) {
    if (offset <= r.start) break;
    if (offset < r.end) return r.start + shift + (side === 'end' ? r.replacement.length : 0);
    shift += r.replacement.length - (r.end - r.start);
  }
  return offset + shift;
}

/** A span of the original answer as a span of the masked answer (end-exclusive, like the generator's). */
export function remapSpan(span: Span, replacements: readonly Replacement[]): Span {
  if (replacements.length === 0) return span;
  return {
    start: mapOffset(span.start, replacements, 'start'),
    end: mapOffset(span.end, replacements, 'end'),
  };
}

/**
 * Screens a whole generated answer and returns what the caller may send: unchanged; masked, with
 * every citation's span and text moved onto the masked answer; or the blocked-outputs message
 * without citations.
 */
export function guardAnswer<R>(
  guardrail: ServedGuardrail,
  answer: Answer<R>,
): { readonly answer: Answer<R>; readonly screen: GuardrailScreen } {
  const screened = screenOutput(guardrail, answer.text);
  if (screened.blocked) return { answer: { text: screened.text, citations: [] }, screen: screened };
  if (screened.replacements.length === 0) return { answer, screen: screened };
  const citations = answer.citations.map((citation) => {
    const span = remapSpan(citation.span, screened.replacements);
    return { ...citation, span, text: screened.text.slice(span.start, span.end) };
  });
  return { answer: { text: screened.text, citations }, screen: screened };
}
