/**
 * A small thesaurus of words people use interchangeably when asking for software help. Bedrock
 * retrieves with embeddings, which know that "uninstall" and "remove" are close; a lexical
 * stand-in needs to be told. The lists are general support vocabulary, not any product's: what a
 * customer says ("get rid of", "favorite", "how much does it cost") next to what help centers
 * write ("remove", "star", "pricing"). An expansion always counts for less than the word the
 * user actually wrote, and a word the corpus does not use costs nothing.
 *
 * Three kinds of entries, all small enough to review at a glance:
 * - GROUPS: words that stand for each other in either direction;
 * - NARROWER: a specific word that also means a broader one ("bold" is a kind of "format"), but
 *   not the other way round (asking about formatting is not asking about bold);
 * - PHRASES: multi-word expressions read as one word before analysis ("log in" → "sign in").
 */
import { normalizeTerm } from './analyzer.ts';

const GROUPS: readonly (readonly string[])[] = [
  ['remove', 'delete', 'uninstall', 'erase', 'wipe', 'rid', 'discard'],
  ['create', 'build', 'make'],
  ['add', 'insert', 'put'],
  ['change', 'edit', 'modify', 'alter', 'update', 'rewrite'],
  ['cancel', 'unsubscribe'],
  ['find', 'locate'],
  ['see', 'view', 'show', 'display', 'appear', 'visible'],
  ['price', 'cost', 'fee', 'pricing', 'charge', 'charged'],
  ['error', 'problem', 'issue', 'bug', 'wrong'],
  ['fix', 'solve', 'resolve', 'troubleshoot', 'repair'],
  ['start', 'begin'],
  ['permission', 'access', 'allowed'],
  ['invoice', 'bill', 'receipt'],
  ['user', 'person', 'seat', 'people'],
  ['coworker', 'colleague', 'teammate', 'member'],
  ['company', 'organization', 'organisation', 'org'],
  ['favorite', 'favourite', 'star', 'bookmark'],
  ['quick', 'quickly', 'fast', 'faster'],
  ['whole', 'entire'],
  ['normal', 'regular', 'ordinary'],
  ['slow', 'forever', 'delay', 'delayed', 'late', 'lag'],
  ['picture', 'image', 'photo', 'pic'],
  ['document', 'doc'],
  ['connect', 'integrate', 'integration', 'hook'],
  ['disable', 'deactivate'],
  ['enable', 'activate'],
  ['setting', 'preference', 'configure', 'config'],
  ['notification', 'notify', 'notified', 'alert'],
  ['refund', 'reimburse'],
  ['yearly', 'annual', 'annually'],
  ['monthly', 'month'],
  ['download', 'export'],
  ['automatic', 'automatically', 'automate', 'auto'],
  ['password', 'passcode', 'pwd'],
  ['shortcut', 'hotkey'],
  ['refresh', 'reload', 'update'],
  // Word families Porter stemming leaves apart.
  ['summary', 'summarize', 'summarise'],
  ['pay', 'payment'],
  ['info', 'information'],
  ['accident', 'accidentally'],
  ['exist', 'existing'],
  ['hour', 'hourly'],
  ['day', 'daily'],
  ['week', 'weekly'],
];

/** One-way: the word on the left also means the words on the right. */
const NARROWER: Readonly<Record<string, readonly string[]>> = {
  bold: ['format'],
  italic: ['format'],
  underline: ['format'],
  bullet: ['format'],
  bring: ['import'],
  upgrade: ['change', 'plan'],
  downgrade: ['change', 'plan', 'cancel'],
  cost: ['plan'],
  price: ['plan'],
  expensive: ['price', 'plan'],
  cheap: ['price', 'plan'],
  upload: ['add'],
  // Reading someone's data is one kind of access to it ("what can a pack read" asks about access).
  read: ['access'],
  coworker: ['invite'],
  colleague: ['invite'],
  '2fa': ['two', 'factor'],
  mfa: ['two', 'factor'],
};

/**
 * Expressions rewritten before analysis, so their words are read as one ("log in" is not about
 * logs, "get rid of" is not about getting). Each replacement is ordinary vocabulary.
 */
const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\blog(?:ged|ging)[ -]?(?:in|on)(?:to)?\b|\blogins?\b/gi, 'sign in'],
  // "log in" as a verb, not "the activity log in settings".
  [
    /(^|\b(?:i|we|you|to|can|can't|cannot|could|couldn't|not|won't|me|and|or|how|when)\s+)log[ -]?(?:in|on)(?:to)?\b/gi,
    '$1sign in',
  ],
  [/\bget(?:ting)? rid of\b/gi, 'remove'],
  [/\bhook(?:ed|ing)? (?:it )?up\b/gi, 'connect'],
  [/\bstop paying\b/gi, 'cancel subscription'],
  [/\bmoney back\b/gi, 'refund'],
  [/\b(?:i|we)(?:'ve| have)? already (?:have|had|got|made|created|use)\b/gi, 'existing'],
  // "text the AI already wrote", "what is already on the page": what exists, as help centers say.
  [
    /\b(?:already|previously)(?=\s+(?:wrote|written|typed|generated|created|made|added|there|on|in)\b)/gi,
    'existing',
  ],
  // "my whole workspace": everyone in it, and still the workspace.
  [/\b(?:my|our|the) (?:whole|entire) (team|company|workspace)\b/gi, 'everyone $1'],
  [/\bget(?:ting)? back (?:in|into|to)\b/gi, 'access again'],
  [/\b(?:turn|switch)(?:ed|ing)? off\b/gi, 'turn off disable'],
  [/\b(?:turn|switch)(?:ed|ing)? on\b/gi, 'turn on enable'],
  [/\btak(?:e|es|ing) (?:forever|ages)\b/gi, 'taking long slow'],
  // Something that runs, loads or hangs "forever" or "for hours" is taking long.
  [
    /\b(?:run|load|spin|process|hang|go|sit|stuck)\w*\s+(?:(?:for\s+)?(?:forever|ages|hours|days)|so\s+long)\b/gi,
    'taking long slow',
  ],
  // "show the value in bold", "put it in italics": the verb says nothing the formatting does not.
  [
    /\b(?:show|display|put|write|set|have)(?:s|ed|ing)?\s+(?=[^.?!]{0,60}?\bin\s+(?:bold|italics?|underline|strikethrough)\b)/gi,
    '',
  ],
  // When something happened to the customer ("a few weeks ago") is not what they ask about.
  [
    /\b(?:a\s+)?(?:few|couple(?:\s+of)?|several|some|\d+|one|two|three|four|five|six)\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b/gi,
    '',
  ],
  // Pulling data in from somewhere else is referencing it, as help centers say.
  [
    /\b(?:pull|fetch|grab|bring|get|look)(?:s|ed|ing)?\s+(?:up\s+|in\s+)?(?:the\s+|some\s+)?(?:data|values?|info(?:rmation)?|numbers?)\s+(?:in\s+)?from\b/gi,
    'reference data from',
  ],
  [/\bso long\b/gi, 'long slow'],
  // Something that "still isn't done" has not completed, as help centers say.
  [
    /\b(?:still\s+)?(?:isn'?t|is not|hasn'?t|has not|not|never)\s+(?:done|finished|complete[ds]?)\b/gi,
    'not complete',
  ],
];

const SYNONYMS = new Map<string, Set<string>>();
const stemOf = (word: string) => normalizeTerm(word);
for (const group of GROUPS) {
  const stems = [...new Set(group.map(stemOf).filter((stem) => stem !== null))];
  for (const stem of stems) {
    const others = SYNONYMS.get(stem) ?? new Set<string>();
    for (const other of stems) if (other !== stem) others.add(other);
    SYNONYMS.set(stem, others);
  }
}
for (const [word, broader] of Object.entries(NARROWER)) {
  const stem = stemOf(word);
  if (stem === null) continue;
  const others = SYNONYMS.get(stem) ?? new Set<string>();
  for (const term of broader.map(stemOf)) if (term !== null && term !== stem) others.add(term);
  SYNONYMS.set(stem, others);
}

/** Other index terms meaning much the same as `term` (an analysed term), possibly none. */
export function synonymsOf(term: string): readonly string[] {
  return [...(SYNONYMS.get(term) ?? [])];
}

/** The question with multi-word expressions rewritten into the words help centers use. */
export function rewritePhrases(text: string): string {
  let rewritten = text;
  for (const [pattern, replacement] of PHRASES) rewritten = rewritten.replace(pattern, replacement);
  return rewritten;
}

/**
 * Actions and what undoes them, both ways: "and how do I undo that?" after starring a doc asks
 * how to unstar it. General software verbs, not any product's.
 */
const INVERSES: readonly (readonly [string, string])[] = [
  ['star', 'unstar remove'],
  ['pin', 'unpin remove'],
  ['install', 'uninstall remove'],
  ['add', 'remove'],
  ['upload', 'remove delete'],
  ['create', 'delete'],
  ['enable', 'disable'],
  ['connect', 'disconnect remove'],
  ['share', 'unshare remove'],
  ['invite', 'remove'],
  ['subscribe', 'cancel'],
  ['upgrade', 'downgrade'],
  ['archive', 'restore'],
  ['hide', 'show'],
  ['lock', 'unlock'],
  ['import', 'delete'],
];
const INVERSE = new Map<string, string>();
for (const [action, inverse] of INVERSES) {
  const a = normalizeTerm(action);
  const firstInverse = inverse.split(' ')[0] ?? '';
  const b = normalizeTerm(firstInverse);
  if (a !== null) INVERSE.set(a, inverse);
  if (b !== null && !INVERSE.has(b)) INVERSE.set(b, action);
}

/** "undo that", "revert it", "take it back", "reverse this". */
const UNDO = /\b(?:undo|revert|reverse|roll\s+(?:it|that|this)\s+back|take\s+(?:it|that|this)\s+back)\b/i;

/**
 * A question asking to undo an action, with "undo" replaced by the inverse action: the action it
 * names itself ("can I undo a star?" reads "can I unstar remove a star?"), or else the previous
 * question's ("and how do I undo that?" after "How do I install a Pack?" reads "… uninstall
 * remove that"). Unchanged when there is no undo or no known action to invert.
 */
export function invertUndo(question: string, previous: string): string {
  const undo = UNDO.exec(question);
  if (undo === null) return question;
  const own = question.slice(undo.index + undo[0].length);
  for (const text of [own, previous]) {
    for (const token of text.toLowerCase().match(/[\p{L}]+/gu) ?? []) {
      const term = normalizeTerm(token);
      const inverse = term === null ? undefined : INVERSE.get(term);
      if (inverse !== undefined) return question.replace(UNDO, inverse);
    }
  }
  return question;
}
