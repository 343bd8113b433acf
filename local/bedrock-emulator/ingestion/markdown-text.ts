/**
 * Markdown to `DocumentText`, by rendering to HTML with marked (CommonMark + GFM: setext
 * headings, tables, inline HTML, escapes and entities all handled) and walking that HTML. Front
 * matter is split off before (front-matter.ts); template markup is reduced first (template-markup.ts).
 */
import { Marked } from 'marked';
import type { DocumentText } from './document-text.ts';
import { htmlToDocumentText } from './html-text.ts';
import { reduceTemplateMarkup } from './template-markup.ts';

const marked = new Marked({ gfm: true, async: false });

export function markdownToDocumentText(markdown: string): DocumentText {
  return htmlToDocumentText(marked.parse(reduceTemplateMarkup(markdown), { async: false }));
}
