/**
 * Markdown to `DocumentText`, by rendering to HTML with marked (CommonMark + GFM: setext
 * headings, tables, inline HTML, escapes and entities all handled) and walking that HTML.
 */
import { Marked } from 'marked';
import type { DocumentText } from './document-text.ts';
import { htmlToDocumentText } from './html-text.ts';

const marked = new Marked({ gfm: true, async: false });

export function markdownToDocumentText(markdown: string): DocumentText {
  const withoutFrontMatter = markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
  return htmlToDocumentText(marked.parse(withoutFrontMatter, { async: false }));
}
