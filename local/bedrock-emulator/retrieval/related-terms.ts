/**
 * A customer's words the articles lack: a customer asks to "uninstall" what the articles "remove".
 * A thesaurus gives other words for them; only those a title or heading uses are kept (there a help
 * center names its features; a word met only in bodies is often another sense: "bank" is not "shore"),
 * as index terms, so they can be searched for (weighing less than the question's own words) and can
 * stand in, for part of the credit, for a question word a passage lacks. And a missing word that is
 * only ever a modifier ("anymore", "quickly") is how the customer asks, not what about.
 */
import { normalizeTerm, tokenize } from './analyzer.ts';

export interface Thesaurus {
  /** Words related to a word (none when it knows none); each may be a phrase. */
  related(word: string, partOfSpeech?: 'noun' | 'verb'): readonly string[];
  /** Whether it knows the word only as an adjective or adverb. */
  onlyModifies(word: string): boolean;
}

export interface TermVocabulary {
  has(term: string, headed?: boolean): boolean;
}

export interface Expansion {
  /** A question term the corpus lacks → the corpus terms related to it. */
  readonly related: Map<string, Set<string>>;
  /** Question terms the corpus lacks that only modify: they need not be covered. */
  readonly modifiers: Set<string>;
}

/** Words after which the next word is a noun ("a picture", "my bookmarks"). */
const BEFORE_NOUN = new Set(
  'a an the my our your their his her its this that these those each every any some no'.split(' '),
);
/** Words after which the next word is a verb ("to print", "can I uninstall"). */
const BEFORE_VERB = new Set(
  'to i we you they can could would should will do does did dont cant wont please'.split(' '),
);

/** The lengths of the phrases looked up as one ("get rid of", "take out"). */
const PHRASE_LENGTHS = [3, 2] as const;
/** A phrasal verb ends with one of these: other runs of words are looked up word by word. */
const PARTICLES = new Set('of out off up down in on over back away around through'.split(' '));

/** The part of speech the word before says a word is, when it says. */
function partOfSpeech(previous: string | undefined): 'noun' | 'verb' | undefined {
  const word = previous?.replace(/['’]/g, '') ?? '';
  return BEFORE_NOUN.has(word) ? 'noun' : BEFORE_VERB.has(word) ? 'verb' : undefined;
}

/**
 * The question's words the corpus lacks, looked up in the thesaurus. A word the corpus uses
 * already meets the articles' wording: other words for it would only add noise. A related phrase
 * counts only when it is one word after stop words go: a phrase's parts alone ("mailing" of
 * "mailing list") mean something else.
 */
export function expandQuestion(
  question: string,
  vocabulary: TermVocabulary,
  thesaurus: Thesaurus,
): Expansion {
  const related = new Map<string, Set<string>>();
  const modifiers = new Set<string>();
  const tokens = tokenize(question);
  const own = new Set(tokens.flatMap((token) => normalizeTerm(token) ?? []));
  const relate = (term: string, lookedUp: string, pos: 'noun' | 'verb' | undefined) => {
    for (const phrase of thesaurus.related(lookedUp, pos)) {
      const words = tokenize(phrase);
      const single = words.length === 1 ? normalizeTerm(words[0] ?? '') : null;
      if (single === null || own.has(single) || !vocabulary.has(single, true)) continue;
      related.set(term, (related.get(term) ?? new Set<string>()).add(single));
    }
  };
  tokens.forEach((token, i) => {
    const pos = partOfSpeech(tokens[i - 1]);
    // A phrasal verb means what its words alone do not ("get rid of" is "remove"): it stands in
    // for its first word that carries a term.
    for (const length of PHRASE_LENGTHS) {
      const words = tokens.slice(i, i + length);
      const head = words.map((word) => normalizeTerm(word)).find((term) => term !== null);
      if (words.length < length || !PARTICLES.has(words.at(-1) ?? '') || head === undefined || head === null)
        continue;
      relate(head, words.join(' '), 'verb');
    }
    const term = normalizeTerm(token);
    if (term === null || vocabulary.has(term)) return;
    if (thesaurus.onlyModifies(token)) modifiers.add(term);
    relate(term, token, pos);
  });
  return { related, modifiers };
}
