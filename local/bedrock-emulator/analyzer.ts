/**
 * Turns text into index terms. The same analysis runs on chunks at ingestion, on questions at
 * query time and on sentences in the generator, so that "installing", "installed" and "install"
 * meet on one term everywhere.
 */
import { stemmer } from 'stemmer';

/**
 * English function words plus the words people wrap questions in ("how do I", "can you",
 * "please"). They carry no topic, and leaving them in would let any question match any page.
 */
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are aren as at be because been before being
  below between both but by can cannot could couldn did didn do does doesn doing don down during each
  few for from further had hadn has hasn have haven having he her here hers herself him himself his
  how i if in into is isn it its itself just let me more most mustn my myself no nor not of off on
  once only or other ought our ours ourselves out over own same shan she should shouldn so some such
  than that the their theirs them themselves then there these they this those through to too under
  until up very was wasn we were weren what when where which while who whom why will with wo
  ca sha would wouldn you your yours yourself yourselves also may might must shall us via within
  without yet etc ie eg vs please thanks thank hi hello hey ok okay like want wanna
  need needs tell know anyone anything something someone somebody thing things way ways
  really actually maybe even still ever much get gets got getting many lot lots another other others
  now just whole bunch kind sort stuff basically exactly simply anyway somehow later per
  inside outside across around along onto upon among toward towards beside besides beyond
  already afterwards instead perhaps good better best great nice`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/**
 * Conversational words that are not function words but still say nothing about the topic: how
 * people feel about the problem ("honestly", "confused", "dumb question"), who else is involved
 * ("my boss"), and verbs of asking and trying ("who
 * do we talk to", "keeps doing", "trying to figure out"). They are indexed like any word, but a
 * question's relevance threshold counts them for little, so wrapping a real question in them
 * does not get it declined. General English, not any corpus's vocabulary. Words of time ("today",
 * "last year") are left out: they are the topic of many off-topic questions (forecasts, scores).
 */
const FILLER_WORDS = new Set(
  `keep keeps kept keeping ask asked asking talk talking speak speaking say said saying think thought
  guess wonder wondering try tried trying figure figured suppose supposed seem seems seemed mean meant
  go goes going gone went come comes coming came look looking looked sure able possible probably
  honestly totally literally seriously basically definitely obviously apparently sorry dumb stupid
  silly confused confusing lost stuck frustrated frustrating annoying annoyed weird strange beginner
  newbie total idea clue chance question questions boss manager guy guys folks lately always usually
  sometimes hmm um uh oh yeah yes alright cool awesome appreciate wish hope trouble fine happy glad bit
  little mind care worry worried bother wonderful terrible awful hard easy help helping helped whether though although anyway anyways`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);

/**
 * Vague words that pad a question without naming anything ("what are all the different things
 * Coda AI can do?", "what kinds of stuff can I do with Packs?", "various", "sort of", "lots of").
 * Many are stop words already; these are not, because some also carry meaning in a help
 * center's text ("multiple cells", "a different plan"). A question's relevance never counts
 * them against a chunk: matched they help a little, like filler, missing they cost nothing.
 * General English, not any corpus's vocabulary.
 */
const VAGUE_WORDS = new Set(
  `different various variety assorted several numerous multiple diverse everything general overall
  kinds sorts types range list options`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);
/**
 * Of those, the ones that are vague only before "of" ("kinds of stuff", "a list of things"):
 * "column types", "a select list", "options dialog" name things.
 */
const VAGUE_BEFORE_OF = new Set(['kinds', 'sorts', 'types', 'range', 'list', 'options', 'variety']);

/**
 * Irregular verb forms Porter stemming cannot join to their verb ("wrote" and "write", "lost" and
 * "lose"). Forms that are also everyday words of another meaning ("left") are not listed.
 */
const IRREGULAR: Readonly<Record<string, string>> = {
  wrote: 'write',
  written: 'write',
  sent: 'send',
  made: 'make',
  bought: 'buy',
  lost: 'lose',
  took: 'take',
  taken: 'take',
  gave: 'give',
  given: 'give',
  forgot: 'forget',
  forgotten: 'forget',
  saw: 'see',
  seen: 'see',
  broke: 'break',
  broken: 'break',
  chose: 'choose',
  chosen: 'choose',
  began: 'begin',
  begun: 'begin',
  kept: 'keep',
  found: 'find',
  shown: 'show',
  hid: 'hide',
  hidden: 'hide',
  paid: 'pay',
  ran: 'run',
};

/** Words and numbers, keeping inner apostrophes so contractions can be undone below. */
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Splits raw text into lower-case word tokens (no stemming, stop words kept). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * Normalises one token into an index term, or `null` for a stop word. Porter stemming is
 * followed by undoubling a final consonant pair, because Porter maps "added" to "ad" but leaves
 * "add" alone; undoubling everywhere makes both "ad" and keeps the two forms together.
 */
export function normalizeTerm(token: string): string | null {
  const cached = TERM_CACHE.get(token);
  if (cached !== undefined) return cached;
  const term = computeTerm(token);
  // Ingestion and retrieval normalise the same words over and over (a corpus has a few tens of
  // thousands of distinct words); the cache is bounded so an odd corpus cannot grow it forever.
  if (TERM_CACHE.size >= TERM_CACHE_SIZE) TERM_CACHE.clear();
  TERM_CACHE.set(token, term);
  return term;
}

const TERM_CACHE_SIZE = 200_000;
const TERM_CACHE = new Map<string, string | null>();

function computeTerm(token: string): string | null {
  let word = token.toLowerCase().replace(/’/g, "'");
  word = word.replace(/n't$/, '').replace(/'(s|re|ve|ll|d|m|t)$/, '');
  word = word.replace(/'/g, '');
  word = IRREGULAR[word] ?? word;
  if (word.length < 2 || STOP_WORDS.has(word)) return null;
  if (/^\p{N}+$/u.test(word)) return word;
  // Inflected stop words ("wants", "needed") are stop words too; checked on the word, not the
  // stem, because Porter turns "use" into "us".
  const base = word.replace(/(es|s|ed|ing)$/, '');
  if (base !== word && STOP_WORDS.has(base)) return null;
  const porter = stemmer(word);
  return /([^aeiouylsz\d])\1$/.test(porter) ? porter.slice(0, -1) : porter;
}

/** All index terms of a text, in order, repeats kept (term frequency matters to BM25). */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = normalizeTerm(token);
    if (term !== null) terms.push(term);
  }
  return terms;
}

/** Whether a word is conversational filler (see FILLER_WORDS); inflections of it are too. */
export function isFillerWord(word: string): boolean {
  const lower = word.toLowerCase().replace(/['’](s|re|ve|ll|d|m)$/, '');
  return FILLER_WORDS.has(lower) || FILLER_WORDS.has(lower.replace(/(es|s|ed|ing)$/, ''));
}

/**
 * Whether a word only pads the question (see VAGUE_WORDS); `next` is the word after it, for the
 * words that are vague only before "of".
 */
export function isVagueWord(word: string, next?: string): boolean {
  const lower = word.toLowerCase();
  if (VAGUE_BEFORE_OF.has(lower) || VAGUE_BEFORE_OF.has(`${lower}s`)) return next?.toLowerCase() === 'of';
  return VAGUE_WORDS.has(lower);
}

/**
 * Nouns for the things customers name themselves in document and spreadsheet tools: "the Owner
 * column", "our Roadmap doc", "a Tasks table". General vocabulary of such tools, not any corpus's.
 */
const LABELLED_NOUNS = new Set(
  `column columns table tables field fields row rows sheet sheets tab tabs page pages doc docs
  document documents folder folders view views list lists board boards file files record records`
    .split(/\s+/)
    .filter((word) => word.length > 0),
);
/** Words that introduce a label after the noun: "a column called Owner", "the page named Roadmap". */
const LABEL_INTRODUCERS = new Set(['called', 'named', 'titled', 'labelled', 'labeled']);

/**
 * Whether a word stands where customers put their own label for a thing: right before a noun
 * such as "column" or "doc" ("the Owner column"), or after "called"/"named" ("a table named
 * Tasks"). `previous` and `next` are the words around it. Only meaningful for a word the corpus
 * lacks: a help center cannot know a customer's column names, and not knowing them says nothing
 * about whether the question is on its topic.
 */
export function isLabelPosition(previous: string | undefined, next: string | undefined): boolean {
  return (
    LABELLED_NOUNS.has(next?.toLowerCase() ?? '') || LABEL_INTRODUCERS.has(previous?.toLowerCase() ?? '')
  );
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word.toLowerCase());
}

/**
 * Index terms of the names in a question: words written with a capital letter (or a capital
 * inside, like "iPhone") anywhere but at the start of a sentence, and not "I". A help center that
 * has never heard of "Netflix" cannot answer "How do I cancel my Netflix subscription?", however
 * well it covers cancelling subscriptions.
 */
export function nameTerms(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const capitalised = /^\p{Lu}/u.test(token) || /^\p{Ll}+\p{Lu}/u.test(token);
    const before = text.slice(0, match.index).replace(/["'“‘(\s]+$/u, '');
    const startsSentence = before.length === 0 || /[.!?:]$/.test(before);
    if (!capitalised || token === 'I' || startsSentence) continue;
    const term = normalizeTerm(token);
    if (term !== null) names.push(term);
  }
  return names;
}
