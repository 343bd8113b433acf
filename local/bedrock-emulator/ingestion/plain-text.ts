/**
 * Plain text to `DocumentText`. Paragraphs are separated by blank lines; a paragraph's wrapped
 * lines are joined, except lines that start list items, which stay blocks of their own (bullets
 * written as `- `, as the HTML walker writes them).
 */
import { collapseWhitespace, type DocumentText } from './document-text.ts';

const LIST_ITEM = /^\s*(?:[-*•+]|\d+[.)])\s+/;

export function plainTextToDocumentText(text: string): DocumentText {
  const lines: string[] = [];
  const paragraphs = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const paragraph of paragraphs) {
    let block = '';
    for (const raw of paragraph.split('\n')) {
      if (LIST_ITEM.test(raw) && block.length > 0) {
        lines.push(collapseWhitespace(block));
        block = '';
      }
      block += ` ${raw.replace(/^\s*[-*•+]\s+/, '- ')}`;
    }
    const collapsed = collapseWhitespace(block);
    if (collapsed.length > 0) lines.push(collapsed);
  }
  const first = lines[0];
  const looksLikeTitle =
    first !== undefined && lines.length > 1 && first.split(' ').length <= 12 && !/[.!?]$/.test(first);
  return { lines, ...(looksLikeTitle ? { leadingLabel: first, headingLines: [0] } : {}) };
}
