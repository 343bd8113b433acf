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
  // "… show the column value in bold, how?": the request first, the question word last.
  if (/[,;:]\s*how\s*\?*\s*$|^\s*how\s*\?+\s*$/i.test(text)) return true;
  if (/\b(?:steps?|instructions|walk me through|where do i (?:go|click|find))\b/i.test(text)) return true;
  return ACTION_FIRST.test(text);
}

/** Verbs that carry little of the task themselves ("make it editable", "get AI to …"). */
const LIGHT_VERBS = new Set(['be', 'do', 'get', 'go', 'have', 'let', 'make', 'use', 'try', 'able']);

/** Forms of the verbs that, before "it" or "that", make something be or do ("make it editable"). */
const CAUSATIVE_VERBS = new Set([
  'make',
  'makes',
  'making',
  'made',
  'get',
  'gets',
  'getting',
  'got',
  'have',
  'has',
  'had',
  'let',
  'lets',
]);
const CAUSATIVE_OBJECTS = new Set(['it', 'that', 'this', 'them', 'these', 'those', 'everything']);

/**
 * Whether a word is a light verb used causatively, with `next` the word after it: "make it
 * editable", "make that value bold", "get them to refresh". The task is the word that follows;
 * the verb says nothing ("make" a table is another matter, and is left alone).
 */
export function isCausative(word: string, next: string | undefined): boolean {
  return CAUSATIVE_VERBS.has(word.toLowerCase()) && CAUSATIVE_OBJECTS.has(next?.toLowerCase() ?? '');
}

/** Verbs asking for a problem to go away ("fix that", "sort it out", "get them back"). */
const REMEDY_VERBS = /^(?:fix|solve|resolve|repair|sort)(?:s|es|ed|ing)?$/;

/**
 * Whether a word only asks for the problem just described to go away, with `previous` and `next`
 * the words around it: "fix" in "how do I fix that?", "back" in "how do I get them back". The
 * problem is the topic; the request says nothing about which passage explains it.
 */
export function isRemedy(previous: string | undefined, word: string, next: string | undefined): boolean {
  const lower = word.toLowerCase();
  if (REMEDY_VERBS.test(lower)) return CAUSATIVE_OBJECTS.has(next?.toLowerCase() ?? '');
  return lower === 'back' && CAUSATIVE_OBJECTS.has(previous?.toLowerCase() ?? '');
}

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
  const text = withoutPadding(question.replace(CONTINUATIONS, '').trim());
  if (/^what(?:'s|s|\s+is|\s+are)\s+(?!happen|wrong|the difference|the best\b)/i.test(text)) return true;
  if (/^what\s+(?:can|does|do|will)\s+.+\s+do\b/i.test(text)) return true;
  return /^(?:what features|what kind of things|tell me about|explain|why (?:should|would) (?:i|we) use)\b/i.test(
    text,
  );
}

/**
 * Vague padding in front of what is asked about ("all the different", "various", "kinds of",
 * "lots of", "sort of"), and "stuff"/"things" right after "what": "what kinds of stuff can I do
 * with Coda AI?" asks what "what can I do with Coda AI?" asks.
 */
const PADDING =
  /\b(?:all\s+(?:of\s+)?(?:the\s+)?|(?:different|various|varied|diverse|numerous|several|multiple)\s+|(?:a\s+)?(?:lots?|kinds?|sorts?|types?|variety|range|bunch)\s+of\s+)/gi;

export function withoutPadding(question: string): string {
  return question
    .replace(PADDING, '')
    .replace(/^(what|which)\s+(?:stuff|things?)\b\s*/i, '$1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Where a question's sentences (and comma-joined clauses that open a new question) part. */
const CLAUSE_BREAK =
  /(?<=[.!?])\s+|,\s*(?=(?:so\s+|but\s+|and\s+|now\s+|then\s+)?(?:how|is there|are there|can|could|what|where|why|which|do|does|should)\b)/i;
/** A clause that asks: a question mark, or opening on a question word or a request for steps. */
const ASKS =
  /\?\s*$|^\s*(?:(?:so|but|and|then|now|ok|okay)\s+)?(?:how|what|where|why|which|who|when|can|could|is|are|do|does|should|would|will)\b/i;
/**
 * A clause asking yes or no ("can I just do it from the billing tab?"), not how or what ("is
 * there a way to …" asks how).
 */
const YES_NO =
  /^\s*(?:(?:so|but|and|then|ok|okay)\s+)?(?:can|could|is|are|do|does|did|should|would|will|may|am|was|were|has|have)\b(?!\s+there\b)/i;

/**
 * A question that describes its situation before asking ("In Compose I @-mentioned another column.
 * How do I make that value bold?"): the clauses that ask, and the ones that set the scene. The
 * scene names the topic, often at length; the asking clause names the task. Undefined when every
 * clause asks, or none does.
 */
export function askingParts(question: string): { asking: string; context: string } | undefined {
  const clauses = question
    .split(CLAUSE_BREAK)
    .map((clause) => clause.trim())
    .filter((clause) => clause.length > 0);
  if (clauses.length < 2) return undefined;
  const asking = clauses.filter((clause) => ASKS.test(clause) || wantsSteps(clause));
  if (asking.length === 0 || asking.length === clauses.length) return undefined;
  // A yes-or-no question asks whether what the scene describes holds ("we're an enterprise
  // customer and want to downgrade. can I just do it from the billing tab?"): the scene is
  // part of what is asked, not only its topic.
  if (asking.every((clause) => YES_NO.test(clause) && !wantsSteps(clause))) return undefined;
  return {
    asking: asking.join(' '),
    context: clauses.filter((clause) => !asking.includes(clause)).join(' '),
  };
}

/**
 * What the customer rules out ("instead of making a new doc", "rather than starting over"): the
 * words after "instead of" or "rather than" to the end of the clause, if any.
 */
export function ruledOut(question: string): string | undefined {
  return /\b(?:instead of|rather than)\b([^.?!,;]*)/i.exec(question)?.[1]?.trim() || undefined;
}
