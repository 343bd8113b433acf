/**
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
