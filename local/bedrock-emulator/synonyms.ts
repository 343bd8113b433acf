/**
 * A small thesaurus of words people use interchangeably when asking for software help. Bedrock
 * retrieves with embeddings, which know that "uninstall" and "remove" are close; a lexical
 * stand-in needs to be told. Groups are deliberately few and generic (no product vocabulary),
 * and an expansion always counts for less than the word the user actually wrote.
 */
import { normalizeTerm } from './analyzer.ts';

const GROUPS: readonly (readonly string[])[] = [
  ['remove', 'delete', 'uninstall', 'erase', 'wipe', 'rid'],
  ['create', 'build'],
  ['change', 'edit', 'modify', 'alter', 'update'],
  ['cancel', 'unsubscribe'],
  ['find', 'locate'],
  ['see', 'view', 'show', 'display', 'appear'],
  ['price', 'cost', 'fee'],
  ['error', 'problem', 'issue', 'bug'],
  ['fix', 'solve', 'resolve', 'troubleshoot'],
  ['start', 'begin'],
  ['permission', 'access'],
  ['invoice', 'bill', 'receipt'],
  ['customer', 'client'],
  ['user', 'person', 'seat'],
  // Word families Porter stemming leaves apart.
  ['summary', 'summarize', 'summarise'],
  ['pay', 'paid', 'payment'],
  ['info', 'information'],
];

const SYNONYMS = new Map<string, readonly string[]>();
for (const group of GROUPS) {
  const stems = [...new Set(group.map((word) => normalizeTerm(word)).filter((stem) => stem !== null))];
  for (const stem of stems) {
    SYNONYMS.set(
      stem,
      stems.filter((other) => other !== stem),
    );
  }
}

/** Other index terms meaning much the same as `term` (an analysed term), possibly none. */
export function synonymsOf(term: string): readonly string[] {
  return SYNONYMS.get(term) ?? [];
}
