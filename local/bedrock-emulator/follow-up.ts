/**
 * What a question is like: whether it asks for steps, and whether it is a follow-up.
 *
 * Tells a follow-up ("and how do I remove it?", "what about on my phone?") from a fresh
 * question. A follow-up leans on the previous question for its topic, so retrieval judges it
 * together with that question; a fresh question stands on its own, which keeps "what's the
 * weather tomorrow?" asked after a Pack question from borrowing the Pack article's relevance.
 */
const REFERRING_WORDS = new Set([
  'it',
  'its',
  'that',
  'this',
  'them',
  'they',
  'those',
  'these',
  'there',
  'one',
]);
const CONTINUATIONS = /^\s*(and|also|but|so|then|ok|okay|what about|how about|and what|what if)\b/i;

export function isFollowUp(question: string): boolean {
  if (CONTINUATIONS.test(question)) return true;
  const words = question.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  return words.some((word) => REFERRING_WORDS.has(word.replace(/'s$/, '')));
}

/** Verbs a customer opens a request for steps with ("uninstall a pack", "reset password"). */
const ACTION_FIRST =
  /^\s*(?:please\s+)?(?:add|cancel|change|connect|convert|create|delete|disable|download|edit|enable|export|import|install|invite|make|move|remove|reset|set|setup|share|sign|turn|uninstall|unstar|update|upgrade|upload)\b/i;

/**
 * Whether the question asks how to do something ("How do I …?", "how to …", "steps to …", or a
 * bare "uninstall a pack"): the answer is then a procedure, if the help center has one.
 */
export function wantsSteps(question: string): boolean {
  const text = question.replace(CONTINUATIONS, '');
  if (/\bhow\s+(?:do|does|can|could|should|would|to|will)\b|\bhow'?d\b/i.test(text)) return true;
  if (/\b(?:steps?|instructions|walk me through|where do i (?:go|click|find))\b/i.test(text)) return true;
  return ACTION_FIRST.test(text);
}

/** Verbs that carry little of the task themselves ("make it editable", "get AI to …"). */
const LIGHT_VERBS = new Set(['be', 'do', 'get', 'go', 'have', 'let', 'make', 'use', 'try', 'able']);

/**
 * The verb naming the task a how-to question asks about ("remove" in "how to remove an icon we
 * uploaded"; "uninstall" in "uninstall a pack"), if it says one: the word right after "how do I",
 * "how to", "steps to", or opening the request. The other words say what it is done to or when.
 */
export function actionOf(question: string): string | undefined {
  const text = question.replace(CONTINUATIONS, '').trim();
  const verb =
    /\bhow\s+(?:do|does|can|could|should|would|will)\s+(?:i|we|you|one|they)\s+(\p{L}+)/iu.exec(text)?.[1] ??
    /\b(?:how|steps?|way)\s+to\s+(\p{L}+)/iu.exec(text)?.[1] ??
    ACTION_FIRST.exec(text)?.[0].replace(/^\s*(?:please\s+)?/i, '');
  const word = verb?.toLowerCase();
  return word === undefined || LIGHT_VERBS.has(word) ? undefined : word;
}

/**
 * Whether the question asks what something is or does ("What can Coda AI do?", "what is the
 * point of starring docs", "what are pack column formats?"): the answer is then the passage that
 * introduces it, rather than one that only mentions it on the way.
 */
export function wantsOverview(question: string): boolean {
  const text = question.replace(CONTINUATIONS, '').trim();
  if (/^what(?:'s|s|\s+is|\s+are)\s+(?!happen|wrong|the difference|the best\b)/i.test(text)) return true;
  if (/^what\s+(?:can|does|do|will)\s+.+\s+do\b/i.test(text)) return true;
  return /^(?:what features|what kind of things|tell me about|explain|why (?:should|would) (?:i|we) use)\b/i.test(
    text,
  );
}
