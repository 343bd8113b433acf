/**
 * One knowledge base: its data sources (local folders standing for S3 buckets or Confluence
 * exports), the chunks ingested from them, and retrieval over those chunks.
 */
import { createHash } from 'node:crypto';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import {
  analyze,
  isFillerWord,
  isLabelPosition,
  isVagueWord,
  nameTerms,
  normalizeTerm,
  tokenize,
} from './analyzer.ts';
import { chunkText } from './ingestion/chunker.ts';
import type { DataSourceConfig, LocationType, PreparedDocument, S3DataSourceConfig } from './ingestion/data-sources.ts';
import { listDocumentFiles, loadDocument } from './ingestion/documents.ts';
import {
  actionOf,
  askingParts,
  isCausative,
  isFollowUp,
  isRemedy,
  ruledOut,
  wantsOverview,
  wantsSteps,
} from './follow-up.ts';
import type { QueryWeights } from './generator.ts';
import {
  type CorpusStatistics,
  type Coverage,
  conceptIdf,
  coverage,
  FILLER_WEIGHT,
  focus,
  isRelevant,
  memoizeStatistics,
  proximity,
  type QueryConcept,
  similarity,
} from './relevance.ts';
import { SearchIndex } from './search-index.ts';
import { isInstruction, isTaskTitle, splitSentences, tellsHow } from './ingestion/sentences.ts';
import { invertUndo, rewritePhrases, synonymsOf } from './synonyms.ts';

export type { DataSourceConfig } from './ingestion/data-sources.ts';
// Incremental ingestion lives in ingestion.ts; re-exported for existing callers.
export { ingestAll } from './ingestion/sync.ts';

export interface KnowledgeBaseChunk {
  readonly id: string;
  readonly text: string;
  readonly title: string;
  readonly sourceUri: string;
  readonly dataSourceId: string;
  /** Set for Confluence pages (`sourceUri` is then the page URL); absent means S3. */
  readonly locationType?: Exclude<LocationType, 'S3'>;
}

export interface RetrievalQuery {
  readonly text: string;
  /** Earlier user questions in the same session, oldest first. */
  readonly history?: readonly string[];
}

export interface RetrievedChunk {
  readonly chunk: KnowledgeBaseChunk;
  /** 0..1, higher is better; what Retrieve reports as `score`. */
  readonly score: number;
  /** How much of the current question this chunk covers. */
  readonly coverage: Coverage;
  /**
   * Whether the chunk is worth answering from: it clears the relevance threshold and is the best
   * hit, or ranks close to it and comes from a document no better hit comes from.
   */
  readonly relevant: boolean;
}

export interface IngestProgress {
  readonly done: number;
  readonly total: number;
  readonly file: string;
}

export interface IngestResult {
  readonly documents: number;
  readonly chunks: number;
}

interface IngestedDocument {
  readonly dataSourceId: string;
  readonly chunkIds: readonly string[];
  /** The content hash it was ingested with: a sync skips the document while it is unchanged. */
  readonly contentHash?: string;
}

/**
 * What earlier questions weigh in retrieval, most recent first. A follow-up ("and how do I remove
 * it?") takes its topic from them; a fresh question ("How do I cancel my plan?") stands on its
 * own, and earlier turns only break its ties.
 */
const FOLLOW_UP_HISTORY_WEIGHTS = [0.75, 0.25, 0.125] as const;
const FRESH_HISTORY_WEIGHTS = [0.15, 0.05] as const;
/** A "follow-up" made mostly of words the corpus has never seen is about something else. */
const MAX_FOLLOW_UP_UNKNOWN_SHARE = 0.5;
/** A synonym found in a chunk counts for less than the word the user wrote. */
const SYNONYM_WEIGHT = 0.6;
/** The term "unstar" or "unpin" also stands for, besides "star" or "pin". */
const REMOVE = normalizeTerm('remove') ?? 'remov';
/** How much a chunk that has all of the question's word pairs together gains over one with none. */
const PHRASE_BOOST = 1;
/** How much a chunk holding a procedure gains when the question asks how to do something. */
const STEPS_BOOST = 0.5;
/** How much a chunk gains, for how-to questions, when one instruction in it covers the question. */
const HOW_BOOST = 1;
/** How much a chunk gains, for a how-to follow-up, when its heading names the follow-up's words. */
const HEADING_BOOST = 1;
/** How much more the task a how-to question names counts, when judging its instructions. */
const ACTION_WEIGHT = 2;
/** An instruction that takes its goal from the sentence before ("To do so, …", "Then …"). */
const LEANS_BACK = /^(?:(?:\d+[.)]|[-*•])\s+)?(?:to do (?:so|this|that)|then|next|just|simply|once)\b/i;
/** How many of the best candidates tell a question's topic words from its specific ones. */
const TOPIC_CANDIDATES = 8;
/** How much a word every one of them has loses, when judging instructions. */
const TOPIC_DISCOUNT = 0.8;
/** What a task section ("Add custom icons") keeps of its rank for a what-is question. */
const TASK_SECTION_PENALTY = 0.6;
/**
 * How much a document's opening gains, for what-is questions, when it names what is asked about
 * (squared: long sections that repeat the subject's words score high in BM25 alone).
 */
const OVERVIEW_BOOST = 1;
/** What a section on one part of the subject ("AI chat") keeps of its rank for a what-is question. */
const SUBTOPIC_PENALTY = 0.6;
/** How many opening sentences say what a document is about. */
const LEAD_SENTENCES = 2;
/**
 * Without a heading to name its subject, an opening section often leads up to it ("Have you ever
 * wanted to …? … Now you can do all that with the Compose feature. With this feature, …").
 */
const UNTITLED_LEAD_SENTENCES = 5;
/** A hit below the best is answered from only when it ranks at least this close to it. */
const CLOSE_RANK = 0.6;
/** What a follow-up's candidate keeps of its rank when it has none of the follow-up's own words. */
const REPEAT_PENALTY = 0.3;
/**
 * What an article's introduction keeps of its rank for a how-to question when no instruction in it
 * names what is asked: it names the feature; a sibling section says how.
 */
const INTRODUCTION_PENALTY = 0.4;
/**
 * What a section keeps of its rank when its title names what the question rules out ("Import to
 * Coda as a new doc" for "… instead of making a new doc").
 */
const RULED_OUT_PENALTY = 0.5;
/** How long an FAQ question may be: longer lines ending in "?" are prose. */
const MAX_HEADING_WORDS = 25;
/**
 * How much a chunk gains when one of its FAQ questions is the customer's question: beyond half of
 * it covered (sharing the topic alone is not asking the same thing), up to this much when all is.
 */
const ASKED_BOOST = 2;
const ASKED_FROM = 0.5;
/** What the words of the clauses that only set the scene weigh, in ranking, beside the asking one's. */
const CONTEXT_WEIGHT = 0.5;
/** How many index hits are re-ranked; more than any numberOfResults a caller sensibly asks for. */
const CANDIDATES = 100;
const NO_TERMS: ReadonlySet<string> = new Set();

export class KnowledgeBase {
  readonly id: string;
  readonly dataSources: readonly DataSourceConfig[];
  readonly #index = new SearchIndex();
  readonly #chunks = new Map<string, KnowledgeBaseChunk>();
  /** Per chunk: the analysed title, then each sentence, for focus ranking. */
  readonly #units = new Map<string, readonly ReadonlySet<string>[]>();
  /** The same units as term sequences, for phrase proximity. */
  readonly #sequences = new Map<string, readonly (readonly string[])[]>();
  /** Per chunk: how much of a procedure it holds, 0..1 (three instructions or more: 1). */
  readonly #steps = new Map<string, number>();
  /** Per chunk: the units (as in #units) that tell how to do something, for how-to questions. */
  readonly #howUnits = new Map<string, readonly ReadonlySet<string>[]>();
  /** Per chunk: the questions it answers under their own heading (an FAQ's "How can I …?"). */
  readonly #asked = new Map<string, readonly ReadonlySet<string>[]>();
  /** Chunks of documents whose title names a task ("Add custom icons"), not a subject. */
  readonly #taskChunks = new Set<string>();
  /**
   * Openings of documents without a heading that hold no instruction: an article's introduction
   * ("Have you ever wanted to …? … the Compose feature"), whose steps live in its sibling sections.
   */
  readonly #introductions = new Set<string>();
  /** Per document's first chunk: its title and opening sentences as term sequences. */
  readonly #leads = new Map<string, readonly (readonly string[])[]>();
  /** Keyed by source URI, so re-ingestion can replace exactly a document's own chunks. */
  readonly #documents = new Map<string, IngestedDocument>();

  constructor(id: string, dataSources: readonly DataSourceConfig[]) {
    this.id = id;
    this.dataSources = dataSources;
  }

  get documentCount(): number {
    return this.#documents.size;
  }

  get chunkCount(): number {
    return this.#chunks.size;
  }

  /** Lists every data source's files first, so progress can report a total. */
  async listFiles(): Promise<{ source: DataSourceConfig; relativePath: string }[]> {
    const files: { source: DataSourceConfig; relativePath: string }[] = [];
    for (const source of this.dataSources) {
      for (const relativePath of await listDocumentFiles(source.folder)) files.push({ source, relativePath });
    }
    return files;
  }

  /** (Re)ingests one file of an S3 data source, replacing any chunks it had before. */
  async ingestFile(source: S3DataSourceConfig, relativePath: string): Promise<number> {
    const document = await loadDocument(source.folder, relativePath);
    return this.ingestDocument(source.dataSourceId, {
      ...document,
      sourceUri: `s3://${source.bucketName}/${relativePath}`,
      locationType: 'S3',
    });
  }

  /**
   * Indexes one document, replacing any chunks it had before (so a shorter new version leaves no
   * stale chunk). `contentHash` lets a later sync skip the document while it is unchanged.
   */
  ingestDocument(dataSourceId: string, document: PreparedDocument, contentHash?: string): number {
    const { sourceUri } = document;
    this.removeDocument(sourceUri);
    const pieces = chunkText(document.text, knowledgeBaseSettings.chunking);
    const idPrefix = chunkIdPrefix(dataSourceId, sourceUri);
    // A title made of the first sentence is in the text already: it names nothing more.
    const indexedTitle = document.titleFromFirstSentence ? '' : document.title;
    const titleTerms = analyze(indexedTitle);
    const chunkIds = pieces.map((piece, i) => {
      const chunk: KnowledgeBaseChunk = {
        id: `${idPrefix}:${i}`,
        text: piece.text,
        title: document.title,
        sourceUri,
        dataSourceId,
        ...(document.locationType === 'S3' ? {} : { locationType: document.locationType }),
      };
      this.#chunks.set(chunk.id, chunk);
      const sentences = splitSentences(chunk.text);
      const sequences = [titleTerms, ...sentences.map((sentence) => analyze(sentence.text))];
      const instructions = sentences.filter((sentence) => isInstruction(sentence.text)).length;
      this.#steps.set(chunk.id, Math.min(1, instructions / 3));
      if (i === 0) {
        const opening = sentences
          .filter((sentence) => !looksLikeHeading(sentence.text))
          .slice(0, document.titleFromFirstSentence ? UNTITLED_LEAD_SENTENCES : LEAD_SENTENCES);
        this.#leads.set(chunk.id, [titleTerms, ...opening.map((o) => analyze(o.text))]);
        if (document.titleFromFirstSentence && instructions === 0) this.#introductions.add(chunk.id);
      }
      this.#sequences.set(chunk.id, sequences);
      const units = sequences.map((sequence) => new Set(sequence));
      this.#units.set(chunk.id, units);
      // The title counts as telling how when it names a task: "Convert to editable" heads the
      // section that explains it.
      const taskTitle = !document.titleFromFirstSentence && isTaskTitle(chunk.title);
      if (taskTitle) this.#taskChunks.add(chunk.id);
      // An instruction with the sentence before it, which often names its goal ("If you want to
      // make your Compose columns editable, … To do so, just right click …").
      const howUnits: ReadonlySet<string>[] = taskTitle ? [units[0] ?? new Set()] : [];
      sentences.forEach((sentence, k) => {
        if (!tellsHow(sentence.text)) return;
        const leansBack = LEANS_BACK.test(sentence.text) || /:$/.test(sentences[k - 1]?.text ?? '');
        howUnits.push(
          leansBack ? new Set([...(units[k] ?? []), ...(units[k + 1] ?? [])]) : (units[k + 1] ?? new Set()),
        );
      });
      const asked = questionHeadings(chunk.text);
      // An FAQ's "How can I delete a Coda workspace?" heads the answer on how to, as a task
      // heading does.
      for (const line of asked) if (wantsSteps(line)) howUnits.push(new Set(analyze(line)));
      this.#howUnits.set(chunk.id, howUnits);
      this.#asked.set(
        chunk.id,
        asked.map((line) => new Set(analyze(line))),
      );
      this.#index.add({ id: chunk.id, title: indexedTitle, text: chunk.text });
      return chunk.id;
    });
    this.#documents.set(sourceUri, { dataSourceId, chunkIds, ...(contentHash ? { contentHash } : {}) });
    return chunkIds.length;
  }

  /** The content hash a document was last ingested with, if any. */
  contentHashOf(sourceUri: string): string | undefined {
    return this.#documents.get(sourceUri)?.contentHash;
  }

  removeDocument(sourceUri: string): void {
    const previous = this.#documents.get(sourceUri);
    if (previous === undefined) return;
    for (const id of previous.chunkIds) {
      this.#index.remove(id);
      this.#chunks.delete(id);
      this.#units.delete(id);
      this.#sequences.delete(id);
      this.#steps.delete(id);
      this.#leads.delete(id);
      this.#howUnits.delete(id);
      this.#asked.delete(id);
      this.#taskChunks.delete(id);
      this.#introductions.delete(id);
    }
    this.#documents.delete(sourceUri);
  }

  /** Resolves once the index has scored its common terms ahead of questions (see term-scores.ts). */
  settled(): Promise<void> {
    return this.#index.settled();
  }

  close(): void {
    this.#index.close();
  }

  /** Source URIs currently ingested from one data source (for sync: what disappeared). */
  documentUris(dataSourceId: string): string[] {
    return [...this.#documents].filter(([, doc]) => doc.dataSourceId === dataSourceId).map(([uri]) => uri);
  }

  idf(term: string): number {
    return this.#index.idf(term);
  }

  /**
   * The question as concepts; the query to rank with (the question and, weighted by whether it is
   * a follow-up, the earlier questions); and the concepts a chunk must cover to answer it.
   */
  #understand(query: RetrievalQuery): {
    question: QueryConcept[];
    concepts: QueryConcept[];
    judged: QueryConcept[];
    /** The query at full weight for the whole question (a scene set first names the topic). */
    topic: QueryConcept[];
    followUp: boolean;
    /**
     * The concepts of what is asked apart from its topic: a follow-up's own words, or the clause
     * that asks after one setting the scene. Absent for a question that is all asking.
     */
    asking?: QueryConcept[];
  } {
    const history = query.history ?? [];
    const text = invertUndo(query.text, history.at(-1) ?? '');
    const whole = toConcepts(text, 1, this.#index);
    const ownUnknown = coverage(whole, new Set(), this.#index).unknownShare;
    const followUp =
      history.length > 0 &&
      (whole.length === 0 || isFollowUp(query.text)) &&
      ownUnknown < MAX_FOLLOW_UP_UNKNOWN_SHARE;
    const weights = followUp ? FOLLOW_UP_HISTORY_WEIGHTS : FRESH_HISTORY_WEIGHTS;
    // Ranking leans on the clause that asks; relevance is judged on all the customer wrote.
    const asked = askedTerms(text, this.#index);
    const question =
      asked === undefined
        ? whole
        : whole.map((concept) =>
            asked.has(concept.terms[0]) ? concept : { ...concept, weight: concept.weight * CONTEXT_WEIGHT },
          );
    const concepts = withHistory(question, history, weights, this.#index);
    // A follow-up is judged together with the question it follows, at full weight: "and how do I
    // undo that?" is about starring docs even though "undo" appears nowhere.
    const judged = followUp ? withHistory(whole, history.slice(-1), [1], this.#index) : whole;
    const asking = asked === undefined ? undefined : whole.filter((concept) => asked.has(concept.terms[0]));
    const topic = asked === undefined ? concepts : withHistory(whole, history, weights, this.#index);
    return { question, concepts, judged, topic, followUp, asking: followUp ? question : asking };
  }

  /** How closely the chunk's closest FAQ question says what the customer asks, 0..1. */
  #asks(id: string, question: readonly QueryConcept[], stats: CorpusStatistics): number {
    let best = 0;
    for (const asked of this.#asked.get(id) ?? []) best = Math.max(best, similarity(question, asked, stats));
    return best;
  }

  /** A chunk's analysed title as a one-unit list, for focus; none when it only repeats the text. */
  #titleUnit(id: string): readonly ReadonlySet<string>[] {
    const title = this.#units.get(id)?.[0];
    return title === undefined ? [] : [title];
  }

  /** A chunk's analysed title (empty when it has none). */
  #title(id: string): ReadonlySet<string> {
    return this.#units.get(id)?.[0] ?? NO_TERMS;
  }

  /**
   * The terms of what the question rules out ("instead of making a new doc": make, new) that the
   * rest of it does not also ask for ("I already have a coda doc": doc stays).
   */
  #ruledOutTerms(text: string): ReadonlySet<string> {
    const clause = ruledOut(text);
    if (clause === undefined) return new Set();
    const kept = new Set(analyze(rewritePhrases(text.replace(clause, ''))));
    return new Set(analyze(clause).filter((term) => !kept.has(term)));
  }

  /** Whether a chunk's title has any of these terms. */
  #titleHasAny(id: string, terms: ReadonlySet<string>): boolean {
    const title = this.#title(id);
    return [...terms].some((term) => title.has(term));
  }

  /** Whether a chunk's title has one of the question's words (a task on the subject asked about). */
  #titleNames(id: string, question: readonly QueryConcept[]): boolean {
    const title = this.#title(id);
    return question.some((concept) => concept.terms.some((t) => title.has(t)));
  }

  /**
   * The question's concepts re-weighted by how much they tell the best candidates apart: words
   * every sibling section shares ("Compose column") are the topic, the rest ("editable", "bold")
   * the specific thing asked about, which an instruction must name.
   */
  #distinctive(question: readonly QueryConcept[], hits: readonly { id: string }[]): QueryConcept[] {
    if (hits.length < 2) return [...question];
    return question.map((concept) => {
      const having = hits.filter((hit) =>
        concept.terms.some((t) => this.#index.termsOf(hit.id).has(t)),
      ).length;
      return { ...concept, weight: concept.weight * (1 - TOPIC_DISCOUNT * (having / hits.length)) };
    });
  }

  /**
   * For a what-is question, what a chunk's rank is multiplied by: the opening that introduces the
   * subject gains most; a task section on it ("Add custom icons") and a section on one part of it
   * ("AI chat" for "What can Coda AI do?") lose; a section headed by something else ("FAQs",
   * "Tips & tricks for prompts") only mentions the subject on its way, and is left as it is.
   */
  #overviewFit(id: string, question: readonly QueryConcept[], stats: CorpusStatistics): number {
    const names = this.#titleNames(id, question);
    if (this.#taskChunks.has(id)) return names ? TASK_SECTION_PENALTY : 1;
    const titled = this.#title(id).size > 0;
    if (titled && !names) return 1;
    const part = titled && this.#titleNamesPart(id, question) ? SUBTOPIC_PENALTY : 1;
    return (1 + OVERVIEW_BOOST * this.#introduces(id, question, stats)) ** 2 * part;
  }

  /**
   * Whether a chunk's title names one part of the question's subject: it lacks some of the
   * question's words and adds one of its own ("AI chat" for "Coda AI").
   */
  #titleNamesPart(id: string, question: readonly QueryConcept[]): boolean {
    const title = this.#title(id);
    const lacks = question.some(
      (concept) => !concept.isFiller && !concept.isVague && !concept.terms.some((t) => title.has(t)),
    );
    const adds = [...title].some((term) => !question.some((concept) => concept.terms.includes(term)));
    return lacks && adds;
  }

  /**
   * How well a chunk's document opening names what the question asks about, 0..1: the share of
   * the question it covers and, for questions of several words, whether it has them together
   * ("Coda AI is a work assistant" for "What can Coda AI do?").
   */
  #introduces(id: string, question: readonly QueryConcept[], stats: CorpusStatistics): number {
    const lead = this.#leads.get(id);
    if (lead === undefined) return 0;
    // Of the question's words the chunk has, the share its opening names: a word no chunk has
    // ("what is the point of …") says nothing about which one introduces the subject.
    const has = coverage(question, this.#index.termsOf(id), stats).share;
    const share = has === 0 ? 0 : coverage(question, new Set(lead.flat()), stats).share / has;
    return question.length < 2 ? share : (share + proximity(question, lead, stats)) / 2;
  }

  /**
   * What each word of the query is worth when picking sentences to answer with: its IDF, times
   * its weight (earlier turns and synonyms count for less).
   */
  termWeights(query: RetrievalQuery): QueryWeights {
    const { concepts } = this.#understand(query);
    const weights = new Map<string, number>();
    for (const [term, weight] of searchWeights(concepts, this.#index))
      weights.set(term, weight * this.#index.idf(term));
    // A sentence with "delete" and "remove" has one of the question's words, not two.
    const conceptOf = new Map<string, string>();
    for (const concept of concepts) {
      for (const term of concept.terms) if (!conceptOf.has(term)) conceptOf.set(term, concept.terms[0]);
    }
    return Object.assign(weights, { wantsSteps: wantsSteps(query.text), conceptOf });
  }

  /**
   * Ranks chunks for a question. Candidates come from BM25 over the question and earlier
   * questions of the session (weighted by whether this one is a follow-up), so "and how do I
   * remove it?" still finds the Pack article asked about before. They are re-ranked by how much
   * of the query they cover overall and within a single sentence, and whether they have the
   * question's words together in its order, so a chunk that answers the question in one place
   * beats one that repeats a single word or scatters the words across paragraphs. A question
   * asking how to do something prefers chunks with instructions; one asking what something is,
   * the document whose opening names it.
   */
  retrieve(query: RetrievalQuery, numberOfResults: number): RetrievedChunk[] {
    const { question, concepts, judged, topic, followUp, asking } = this.#understand(query);
    const stats = memoizeStatistics(this.#index);
    const steps = wantsSteps(query.text);
    const overview = wantsOverview(query.text);

    const hits = this.#index.search(searchWeights(concepts, stats), CANDIDATES);
    const specific = withAction(
      this.#distinctive(question, hits.slice(0, TOPIC_CANDIDATES)),
      steps ? actionOf(rewritePhrases(query.text)) : undefined,
    );
    // The asking part's words, weighted by how much they tell the candidates apart ("AI" heads
    // every section on Coda AI; "edit" one of them).
    const rejected = this.#ruledOutTerms(query.text);
    const askingTerms = new Set(asking?.map((concept) => concept.terms[0]));
    const headed = asking === undefined ? undefined : specific.filter((c) => askingTerms.has(c.terms[0]));
    const ranked = hits.map((hit) => {
      const terms = this.#index.termsOf(hit.id);
      // Whether the chunk is on the topic at all: a scene set first names it, at full weight.
      // A synonym counts for less than the word the customer wrote ("change" for "editable").
      const overall = coverage(topic, terms, stats, SYNONYM_WEIGHT).share;
      const near = focus(concepts, this.#units.get(hit.id) ?? [], stats);
      const phrase = proximity(question, this.#sequences.get(hit.id) ?? [], stats);
      // For a how-to question: how much of it one instruction covers ("make … bold" in "You can
      // format these values by … bold"), so the section that says how beats the intro that names
      // the topic. Judged on the question itself: a follow-up's new part matters most.
      const how = steps ? focus(specific, this.#howUnits.get(hit.id) ?? [], stats, SYNONYM_WEIGHT) : 0;
      // In a follow-up, the earlier question holds the topic and this one the specific thing
      // asked about: a heading that names it ("Convert to editable" for "how do I make it
      // editable?" after a Compose question) marks its section, rather than a sibling on the topic.
      // A heading with only a broader word ("Format text" for "underline") names it less.
      const heading =
        steps && headed !== undefined ? focus(headed, this.#titleUnit(hit.id), stats, SYNONYM_WEIGHT) : 0;
      // An FAQ entry asking what the customer asks ("How can I delete a Coda workspace?") is
      // the answer, over a section that shares the words in another sense.
      const asked = this.#asks(hit.id, specific, stats);
      const askedGain = 1 + (ASKED_BOOST * Math.max(0, asked - ASKED_FROM)) / (1 - ASKED_FROM);
      // A follow-up asks about its own words ("and how do I refresh it?"): a chunk with none of
      // them answers the previous question again, however well it matches that one.
      const repeats =
        followUp && question.length > 0 && coverage(question, terms, stats).matchedConcepts === 0;
      return {
        hit,
        overall,
        // BM25 finds candidates; coverage and (squared, so it decides close calls) focus
        // prefer the chunk that answers in one place over the overview that mentions everything;
        // proximity prefers the one that says it the way the question does.
        rank:
          hit.score *
          (0.25 + overall) *
          (repeats ? REPEAT_PENALTY : 1) *
          askedGain *
          (0.05 + near) ** 2 *
          (1 + PHRASE_BOOST * phrase) *
          (steps && how === 0 && this.#introductions.has(hit.id) ? INTRODUCTION_PENALTY : 1) *
          (this.#titleHasAny(hit.id, rejected) ? RULED_OUT_PENALTY : 1) *
          (steps
            ? (1 + STEPS_BOOST * (this.#steps.get(hit.id) ?? 0)) *
              (1 + HOW_BOOST * how) *
              (1 + HEADING_BOOST * heading)
            : 1) *
          (overview ? this.#overviewFit(hit.id, question, stats) : 1),
        judgement: coverage(judged, terms, stats),
      };
    });
    ranked.sort((a, b) => b.rank - a.rank);
    const best = ranked[0]?.rank || 1;

    const answeredFrom = new Set<string>();
    return ranked.slice(0, numberOfResults).flatMap(({ hit, overall, rank, judgement }, i) => {
      const chunk = this.#chunks.get(hit.id);
      if (chunk === undefined) return [];
      // Reported scores blend absolute coverage with the position relative to the best hit.
      const score = Number((0.7 * overall + 0.3 * (rank / best)).toFixed(4));
      // Below the best, only a close second from another document is worth answering from: no
      // padding with the rest, nor with more of the document already answered from.
      const close = i === 0 || (rank >= CLOSE_RANK * best && !answeredFrom.has(chunk.sourceUri));
      const relevant = close && isRelevant(judgement);
      if (relevant) answeredFrom.add(chunk.sourceUri);
      return [{ chunk, score, coverage: judgement, relevant }];
    });
  }
}

/** An FAQ's question: a line of its own that ends with a question mark, short as headings are. */
function questionHeadings(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('?') && line.split(/\s+/).length <= MAX_HEADING_WORDS);
}

/** A heading or FAQ question rather than a sentence: short and unpunctuated, or a question. */
function looksLikeHeading(text: string): boolean {
  return text.endsWith('?') || (!/[.!:;)"'”’]$/.test(text) && text.split(/\s+/).length <= 10);
}

/** The content words of a text as concepts: each with its synonyms, or its spelling fixed. */
function toConcepts(text: string, weight: number, index: SearchIndex): QueryConcept[] {
  const names = new Set(nameTerms(text));
  const concepts = new Map<string, QueryConcept>();
  const tokens = tokenize(rewritePhrases(text));
  tokens.forEach((token, position) => {
    const term = normalizeTerm(token);
    if (term === null || concepts.has(term)) return;
    const alternatives = new Set(synonymsOf(term));
    if (!index.isKnown(term)) {
      // A misspelling ("subscripton") reads as the word it misspells.
      const corrected = index.correct(token);
      if (corrected !== undefined) for (const t of [corrected, ...synonymsOf(corrected)]) alternatives.add(t);
      // A word the corpus lacks made of "un" and one it has ("unstar", "unpin") reads as removing
      // that: two concepts, the word and "remove".
      const base = token.startsWith('un') && alternatives.size === 0 ? normalizeTerm(token.slice(2)) : null;
      if (base !== null && index.isKnown(base) && !concepts.has(base)) {
        concepts.set(base, { terms: [base, ...synonymsOf(base)], weight, isName: false });
        if (!concepts.has(REMOVE)) concepts.set(REMOVE, { terms: [REMOVE, ...synonymsOf(REMOVE)], weight });
        return;
      }
    }
    alternatives.delete(term);
    // The customer's own name for a column or doc ("the Owner column"), which no help center
    // has: it names nothing to look for, so it weighs as vague padding does, not as an unknown
    // topic ("weather") or product ("Netflix") would.
    const isLabel =
      !index.isKnown(term) &&
      alternatives.size === 0 &&
      isLabelPosition(tokens[position - 1], tokens[position + 1]);
    const isName = names.has(term) && !isLabel;
    const isFiller =
      (isFillerWord(token) ||
        isCausative(token, tokens[position + 1]) ||
        isRemedy(tokens[position - 1], token, tokens[position + 1])) &&
      !isName;
    const isVague = isLabel || (!isFiller && !isName && isVagueWord(token, tokens[position + 1]));
    concepts.set(term, { terms: [term, ...alternatives], weight, isName, isFiller, isVague });
  });
  return [...concepts.values()];
}

/**
 * The terms of the clause that asks, when a question sets the scene first ("In Compose I
 * @-mentioned another column. How do I make that value bold?"). In ranking the scene's words weigh
 * less: they name the topic, which sibling sections share; the asking clause names what to find
 * among them. Undefined when the whole question asks.
 */
function askedTerms(text: string, index: SearchIndex): Set<string> | undefined {
  const parts = askingParts(text);
  if (parts === undefined) return undefined;
  const asked = new Set(
    toConcepts(parts.asking, 1, index)
      .filter((concept) => !concept.isFiller && !concept.isVague)
      .map((concept) => concept.terms[0]),
  );
  return asked.size === 0 ? undefined : asked;
}

/**
 * The question's concepts with the task it asks how to do weighing more: an instruction must do
 * that ("remove" in "how to remove an icon we uploaded"), whatever else it shares with the question.
 */
function withAction(concepts: QueryConcept[], action: string | undefined): QueryConcept[] {
  const term = action === undefined ? null : normalizeTerm(action);
  if (term === null) return concepts;
  return concepts.map((concept) =>
    concept.terms.includes(term) ? { ...concept, weight: concept.weight * ACTION_WEIGHT } : concept,
  );
}

/** Earlier questions join the query at lower weights, unless the current one already has the word. */
function withHistory(
  question: readonly QueryConcept[],
  history: readonly string[],
  weights: readonly number[],
  index: SearchIndex,
): QueryConcept[] {
  const concepts = [...question];
  const seen = new Set(question.map((concept) => concept.terms[0]));
  const recentFirst = [...history].reverse();
  weights.forEach((weight, i) => {
    for (const concept of toConcepts(recentFirst[i] ?? '', weight, index)) {
      if (seen.has(concept.terms[0])) continue;
      seen.add(concept.terms[0]);
      concepts.push(concept);
    }
  });
  return concepts;
}

/**
 * Synonyms are searched for, at a discount against the word the user wrote, and never worth more
 * than the concept itself: a rare synonym ("document" where the corpus says "doc") must not
 * outweigh the word it stands in for.
 */
function searchWeights(concepts: readonly QueryConcept[], stats: CorpusStatistics): Map<string, number> {
  const weights = new Map<string, number>();
  for (const concept of concepts) {
    const worth = conceptIdf(concept, stats);
    concept.terms.forEach((term, i) => {
      const idf = stats.idf(term);
      const weight =
        concept.weight *
        (concept.isFiller || concept.isVague ? FILLER_WEIGHT : 1) *
        (i === 0 ? 1 : SYNONYM_WEIGHT * (idf > worth && idf > 0 ? worth / idf : 1));
      weights.set(term, Math.max(weights.get(term) ?? 0, weight));
    });
  }
  return weights;
}

/**
 * Deterministic per data source, document and position: re-ingesting a document reuses its ids,
 * and a later ingestion job can account for chunks per document. Bedrock's ids are opaque too.
 */
function chunkIdPrefix(dataSourceId: string, sourceUri: string): string {
  return createHash('sha256').update(`${dataSourceId}\n${sourceUri}`).digest('hex').slice(0, 24);
}
