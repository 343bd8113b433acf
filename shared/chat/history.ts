import type { StoredMessage } from './types.ts';

/** Bedrock's limit on `RetrieveAndGenerate` input text. */
export const RAG_INPUT_LIMIT = 1000;

/**
 * Folds the recent turns of a conversation into one question that fits Bedrock's input limit.
 * Used when Bedrock no longer knows the session: the new Bedrock session has no memory, so the
 * context has to travel in the question itself. The question always survives whole; the most
 * recent turns come next, earlier ones are dropped, long answers are shortened.
 */
export function condenseHistory(
  history: readonly Pick<StoredMessage, 'role' | 'text'>[],
  question: string,
  limit = RAG_INPUT_LIMIT,
): string {
  const tail = `Question: ${question}`;
  if (question.length >= limit) return question.slice(0, limit);
  if (tail.length >= limit || history.length === 0) return question;

  const header = 'Earlier in this conversation:\n';
  let budget = limit - tail.length - header.length - 1;
  const lines: string[] = [];
  for (const message of [...history].reverse()) {
    const prefix = message.role === 'user' ? 'User: ' : 'Assistant: ';
    const maxText = message.role === 'user' ? 300 : 200;
    const line = prefix + shorten(message.text.replace(/\s+/g, ' ').trim(), maxText);
    if (line.length + 1 > budget) break;
    lines.unshift(line);
    budget -= line.length + 1;
  }
  if (lines.length === 0) return question;
  return `${header}${lines.join('\n')}\n${tail}`;
}

/**
 * What is sent to the knowledge base for a question that grew past its input limit once the
 * guardrail masked it (a masked value can be longer than the value): white space collapsed, then if
 * need be the middle shortened, keeping the opening and the end, where a question usually asks.
 */
export function fitRagInput(text: string, limit = RAG_INPUT_LIMIT): string {
  if (text.length <= limit) return text;
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (collapsed.length <= limit) return collapsed;
  const gap = ' … ';
  const tail = Math.floor((limit - gap.length) / 2);
  const head = limit - gap.length - tail;
  return `${collapsed.slice(0, head).trimEnd()}${gap}${collapsed.slice(collapsed.length - tail).trimStart()}`;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, cut > max / 2 ? cut : max - 1)}…`;
}
