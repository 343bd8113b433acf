/**
 * What RetrieveAndGenerate's generation and orchestration settings can change in an extractive
 * answer, and the checks Bedrock makes on them that the model cannot express.
 *
 * - Prompt templates are checked as the API reference states: a generation template must include
 *   `$search_results$`; an orchestration template `$conversation_history$` and
 *   `$output_format_instructions$`. A generation template without `$output_format_instructions$`
 *   gets an answer without citations, as the user guide warns ("Without this placeholder, the
 *   response won't contain citations"). The rest of a template is instructions to a language model,
 *   which the extractive generator cannot follow (README: "What the emulator cannot imitate").
 * - `generationConfiguration.inferenceConfig.textInferenceConfig`: `maxTokens` cuts the answer
 *   after that many tokens (one token ≈ one word, as chunking counts them) and `stopSequences` cut
 *   it before the first one found; temperature and top-p change nothing in a deterministic answer.
 *   The orchestration step's inference settings shape its query rewriting, not the answer.
 */
import { validationError } from './errors.ts';
import type { Answer, AnswerPart } from './generation/extractive-answer.ts';
import type { GenerationConfiguration, OrchestrationConfiguration } from './schemas.ts';

export interface AnswerSettings {
  readonly citations: boolean;
  readonly maxTokens?: number;
  readonly stopSequences: readonly string[];
}

export const SEARCH_RESULTS = '$search_results$';
export const OUTPUT_FORMAT_INSTRUCTIONS = '$output_format_instructions$';
export const CONVERSATION_HISTORY = '$conversation_history$';

/** Checks the templates (`path`: the knowledge-base configuration's place in the request). */
export function readAnswerSettings(
  generation: GenerationConfiguration | undefined,
  orchestration: OrchestrationConfiguration | undefined,
  path: string,
): AnswerSettings {
  const generationTemplate = generation?.promptTemplate?.textPromptTemplate;
  const orchestrationTemplate = orchestration?.promptTemplate?.textPromptTemplate;
  const missing = [
    ...missingPlaceholders(generationTemplate, [SEARCH_RESULTS], `${path}.generationConfiguration`),
    ...missingPlaceholders(
      orchestrationTemplate,
      [CONVERSATION_HISTORY, OUTPUT_FORMAT_INSTRUCTIONS],
      `${path}.orchestrationConfiguration`,
    ),
  ];
  if (missing.length > 0) {
    throw validationError(
      `${missing.length} validation error${missing.length === 1 ? '' : 's'} detected: ${missing.join('; ')}`,
    );
  }
  const inference = generation?.inferenceConfig?.textInferenceConfig;
  return {
    citations: generationTemplate === undefined || generationTemplate.includes(OUTPUT_FORMAT_INSTRUCTIONS),
    ...(inference?.maxTokens === undefined ? {} : { maxTokens: inference.maxTokens }),
    stopSequences: inference?.stopSequences ?? [],
  };
}

function missingPlaceholders(
  template: string | undefined,
  required: readonly string[],
  path: string,
): string[] {
  if (template === undefined) return [];
  return required
    .filter((placeholder) => !template.includes(placeholder))
    .map(
      (placeholder) =>
        `Value at '${path}.promptTemplate.textPromptTemplate' failed to satisfy constraint: Member must include the ${placeholder} placeholder`,
    );
}

/** Whether the settings change anything in a generated answer. */
export function shapesAnswer(settings: AnswerSettings): boolean {
  return !settings.citations || settings.maxTokens !== undefined || settings.stopSequences.length > 0;
}

/** The answer as a model with these settings would end it: cut short, cited or not. */
export function shapeAnswer<R>(answer: Answer<R>, settings: AnswerSettings): Answer<R> {
  const end = Math.min(
    stopAt(answer.text, settings.stopSequences),
    settings.maxTokens === undefined ? answer.text.length : afterWords(answer.text, settings.maxTokens),
  );
  const text = answer.text.slice(0, end);
  if (!settings.citations) return { text, citations: [] };
  const citations = answer.citations.flatMap((citation) => {
    if (citation.span.start >= end) return [];
    const spanEnd = Math.min(citation.span.end, end);
    return [
      {
        ...citation,
        span: { start: citation.span.start, end: spanEnd },
        text: text.slice(citation.span.start, spanEnd),
      },
    ];
  });
  return { text, citations };
}

/** Where the first stop sequence begins (the text's length when none occurs). */
function stopAt(text: string, stopSequences: readonly string[]): number {
  let end = text.length;
  for (const sequence of stopSequences) {
    const at = text.indexOf(sequence);
    if (at >= 0) end = Math.min(end, at);
  }
  return end;
}

/** The offset just after the `count`-th whitespace-separated word. */
function afterWords(text: string, count: number): number {
  if (count <= 0) return 0;
  const words = /\S+/g;
  let seen = 0;
  for (let match = words.exec(text); match !== null; match = words.exec(text)) {
    seen++;
    if (seen === count) return match.index + match[0].length;
  }
  return text.length;
}

/** A collected answer as parts again: the text up to each citation's end, then that citation. */
export function toParts<R>(answer: Answer<R>): AnswerPart<R>[] {
  const parts: AnswerPart<R>[] = [];
  let sent = 0;
  for (const citation of [...answer.citations].sort((a, b) => a.span.end - b.span.end)) {
    if (citation.span.end > sent)
      parts.push({ type: 'text', text: answer.text.slice(sent, citation.span.end) });
    sent = Math.max(sent, citation.span.end);
    parts.push({ type: 'citation', ...citation });
  }
  if (sent < answer.text.length) parts.push({ type: 'text', text: answer.text.slice(sent) });
  return parts;
}
