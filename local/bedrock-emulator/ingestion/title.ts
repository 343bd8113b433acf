/**
 * Picks a document's title. Bedrock takes titles from document metadata; local folders have
 * none, so the title comes from the document itself, most explicit source first: the top-level
 * heading, the HTML `<title>`, a heading or all-bold line opening the document (help-center
 * exports often use `**Title**`), the first sentence, and finally the file name.
 */
import { basename, extname } from 'node:path';
import type { DocumentText } from './document-text.ts';
import { splitSentences } from './sentences.ts';

const MAX_TITLE_CHARS = 80;

export function chooseTitle(text: DocumentText, relativePath: string): string {
  return titleOf(text, relativePath).title;
}

export interface ChosenTitle {
  readonly title: string;
  /**
   * Whether the title is the document's first sentence: a label for citations, but not a title
   * that names the topic, so retrieval should not boost it (it is in the text already).
   */
  readonly fromFirstSentence: boolean;
}

export function titleOf(text: DocumentText, relativePath: string): ChosenTitle {
  const explicit = text.heading ?? text.titleElement ?? text.leadingLabel;
  if (explicit !== undefined) return { title: shorten(explicit), fromFirstSentence: false };
  const sentence = firstSentence(text);
  if (sentence !== undefined) return { title: shorten(sentence), fromFirstSentence: true };
  return { title: humanizeFileName(relativePath), fromFirstSentence: false };
}

function firstSentence(text: DocumentText): string | undefined {
  const first = text.lines.find((line) => line.trim().length > 0);
  if (first === undefined) return undefined;
  return splitSentences(first.replace(/^\s*(?:-|\d+[.)])\s+/, ''))[0]?.text.replace(/[.:]$/, '');
}

/** "getting-started/install_the_APP.md" → "Install the APP". */
export function humanizeFileName(relativePath: string): string {
  const stem = basename(relativePath, extname(relativePath));
  const words = stem
    .replace(/[-_.]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
  if (words.length === 0) return relativePath;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Titles are labels, not summaries: cut long ones at a word boundary. */
function shorten(title: string): string {
  if (title.length <= MAX_TITLE_CHARS) return title;
  const cut = title.slice(0, MAX_TITLE_CHARS + 1);
  const space = cut.lastIndexOf(' ');
  return `${cut.slice(0, space > MAX_TITLE_CHARS / 2 ? space : MAX_TITLE_CHARS).replace(/[\s,;:.-]+$/, '')}…`;
}
