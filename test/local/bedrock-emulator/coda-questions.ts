/**
 * Customer-style questions about the coda-help corpus, each with the file(s) that answer it, and
 * off-topic questions the knowledge base must decline. Used by the quality test and by
 * `quality-report.ts`. Phrasings deliberately avoid copying the articles' wording.
 */
import { join } from 'node:path';

/** `shared/` sits beside the repository, on developer machines and in CI alike. */
export const codaCorpusFolder = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'corpora',
  'coda-help',
);

/**
 * The corpus is 10 help-center articles cut into sections, one file per section (intro, each
 * heading, FAQs, related resources). A citation of another section of the right article is
 * "right article" even when it is not the right file.
 */
const ARTICLE_FIRST_SECTIONS = [0, 4, 8, 16, 21, 29, 33, 39, 44, 49];

export function articleOf(file: string): number {
  const section = Number(/section_(\d+)\.md$/.exec(file)?.[1] ?? Number.NaN);
  return ARTICLE_FIRST_SECTIONS.filter((first) => first <= section).length - 1;
}

export interface OnTopicQuestion {
  readonly question: string;
  /** Files whose content answers the question; the top citation must be one of them. */
  readonly expected: readonly string[];
}

export const onTopicQuestions: readonly OnTopicQuestion[] = [
  { question: 'How do I star a doc?', expected: ['section_1.md'] },
  {
    question: 'Where do my starred docs show up?',
    expected: ['section_0.md', 'section_1.md', 'section_2.md'],
  },
  {
    question: "What's the difference between starring and pinning a doc?",
    expected: ['section_0.md', 'section_2.md'],
  },
  { question: 'How can I cancel my Coda subscription?', expected: ['section_4.md', 'section_5.md'] },
  { question: 'Why did my docs become read-only after I downgraded?', expected: ['section_6.md'] },
  { question: 'How do I delete my Coda account?', expected: ['section_6.md'] },
  { question: 'Who is affected if we downgrade our workspace?', expected: ['section_6.md'] },
  { question: 'How do I add a Compose column to my table?', expected: ['section_9.md'] },
  {
    question: "How can I reference another column's value in Compose?",
    expected: ['section_8.md', 'section_10.md'],
  },
  { question: 'Can I use formulas inside a Compose column?', expected: ['section_8.md', 'section_11.md'] },
  { question: 'How do I make a Compose column editable?', expected: ['section_13.md'] },
  { question: "Why can't I delete what's in a Compose column cell?", expected: ['section_14.md'] },
  { question: 'Can I share a doc with a Google Group?', expected: ['section_16.md', 'section_17.md'] },
  {
    question: 'How do group members open a doc that was shared with their Google Group?',
    expected: ['section_18.md'],
  },
  { question: 'Can I share with a personal googlegroups.com group?', expected: ['section_19.md'] },
  { question: 'What can Coda AI do?', expected: ['section_21.md'] },
  { question: 'How do I get AI to build a table for me?', expected: ['section_22.md'] },
  { question: 'How do I fill a column using AI?', expected: ['section_23.md'] },
  { question: 'How can I summarize my meeting notes with an AI block?', expected: ['section_24.md'] },
  { question: 'Where do I find AI chat in my doc?', expected: ['section_25.md'] },
  { question: 'Any tips for writing good AI prompts?', expected: ['section_26.md'] },
  { question: "Can I change an AI column's prompt after I've created it?", expected: ['section_27.md'] },
  { question: 'How do I upload my own custom icon?', expected: ['section_30.md'] },
  { question: 'How do I delete a custom icon from our workspace?', expected: ['section_31.md'] },
  { question: 'Who is allowed to upload custom icons?', expected: ['section_29.md'] },
  { question: 'How do I install a Pack in my doc?', expected: ['section_34.md'] },
  { question: 'My admin has to approve Packs. How do I ask for one?', expected: ['section_35.md'] },
  { question: 'How do I remove a Pack from a doc?', expected: ['section_36.md'] },
  { question: 'How can I see which Packs are already installed?', expected: ['section_37.md'] },
  { question: 'How do I import an Airtable base into a new Coda doc?', expected: ['section_40.md'] },
  { question: 'Can I bring Airtable data into a doc I already have?', expected: ['section_41.md'] },
  { question: 'Why is my Airtable import taking forever?', expected: ['section_42.md'] },
  { question: 'Do my Airtable automations come across when I import?', expected: ['section_42.md'] },
  { question: 'How often does data in Pack URL columns refresh?', expected: ['section_47.md'] },
  {
    question: 'I pasted a Spotify link into a Pack column and nothing happened, what is wrong?',
    expected: ['section_47.md'],
  },
  { question: 'How do I add a Pack column format to a table?', expected: ['section_45.md'] },
  { question: 'What can Pack buttons do?', expected: ['section_49.md'] },
];

export interface FollowUp {
  readonly turns: readonly string[];
  readonly expected: readonly string[];
}

export const followUps: readonly FollowUp[] = [
  { turns: ['How do I install a Pack?', 'and how do I remove it?'], expected: ['section_36.md'] },
  {
    turns: ['How do I star a doc?', 'Does that show it to my teammates too?'],
    expected: ['section_0.md', 'section_2.md'],
  },
  { turns: ['How do I add custom icons?', 'and how do I delete them?'], expected: ['section_31.md'] },
  { turns: ['Can I import from Airtable?', 'what happens to my formulas?'], expected: ['section_42.md'] },
];

/** Off-topic questions asked as the second turn of a session, after an on-topic first turn. */
export const offTopicFollowUps: readonly FollowUp[] = [
  { turns: ['How do I install a Pack?', "What's the weather like tomorrow?"], expected: [] },
  { turns: ['How do I install a Pack?', 'Is it going to rain in Paris tomorrow?'], expected: [] },
  { turns: ['How do I star a doc?', 'and who won the world cup?'], expected: [] },
];

export const offTopicQuestions: readonly string[] = [
  "What's the weather in Paris tomorrow?",
  'Who won the world cup in 2022?',
  'What was the score of the Lakers game last night?',
  'Give me a recipe for chocolate chip cookies.',
  "What is Apple's stock price today?",
  'Tell me a joke.',
  'How tall is Mount Everest?',
  'Who is the president of France?',
  "What's the capital of Australia?",
  'How many calories are in a banana?',
  'Recommend a good movie to watch tonight.',
  'Is Bitcoin a good investment right now?',
  'What time is it in Tokyo?',
  'Translate "good morning" into Spanish.',
  'How do I change a flat tire on my bike?',
  "What's the weather in Paris?",
  'Who won the Super Bowl last year?',
  'What is the stock price of Tesla?',
  'How do I make pancakes?',
];
