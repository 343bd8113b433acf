/**
 * HTML to `DocumentText`. Markdown goes through here too (rendered to HTML first), so one walker
 * decides what counts as a block, what is dropped (scripts, styles, images, tables of contents)
 * and how lists read: `1. ` for ordered items, `- ` for the others, two spaces of indent per level
 * of nesting, so the generator can tell a procedure's steps from paragraphs and headings.
 */
import { Parser } from 'htmlparser2';
import { collapseWhitespace, type DocumentText } from './document-text.ts';

const BLOCK_ELEMENTS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);
const SKIPPED_ELEMENTS = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'head',
  // Site navigation repeats every page's links; it is never the page's content.
  'nav',
]);
/** Where a page marks its main content, text outside it is the site's chrome (menus, footers). */
const MAIN_CONTENT = /<main[\s>]|role\s*=\s*["']main["']/i;
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const BOLD = new Set(['strong', 'b']);

interface ListState {
  readonly ordered: boolean;
  next: number;
}

export function htmlToDocumentText(html: string): DocumentText {
  const lines: string[] = [];
  const headingLines: number[] = [];
  const mainOnly = MAIN_CONTENT.test(html);
  // Element depth, and the depth of the main-content element while inside it.
  let depth = 0;
  let mainAt = -1;
  const lists: ListState[] = [];
  let heading: string | undefined;
  let titleElement: string | undefined;
  let leadingLabel: string | undefined;

  let skipDepth = 0;
  let preDepth = 0;
  let boldDepth = 0;
  let inTitle = false;
  let titleText = '';
  let h1Depth = 0;
  let h1Text = '';

  // The block being collected, and whether everything in it so far was bold / a heading.
  let current = '';
  let currentIsHeading = false;
  let currentAllBold = true;
  // A list item's marker, written before its first block: a loose item renders as <li><p>…</p></li>.
  let marker = '';
  // Text inside and outside in-page links (`href="#…"`), to spot table-of-contents entries.
  let anchorDepth = 0;
  let anchorText = false;
  let otherText = false;
  // Index of the last line when it is a heading with nothing under it yet (a TOC's "In this article").
  let bareHeading: number | undefined;
  // Open list items: a block inside one that does not start it is indented as its continuation.
  let itemDepth = 0;

  const flush = () => {
    const text = preDepth > 0 ? current.replace(/\s+$/, '') : collapseWhitespace(current);
    const tocEntry = marker.length > 0 && anchorText && !otherText;
    if (tocEntry) {
      // A table of contents repeats the headings below it; kept, it makes an article's intro match
      // every question about the article. Its own heading goes with it.
      if (bareHeading !== undefined && bareHeading === lines.length - 1) {
        lines.pop();
        headingLines.pop();
      }
      bareHeading = undefined;
      marker = '';
    } else if (text.length > 0) {
      if (lines.length === 0 && (currentIsHeading || currentAllBold)) leadingLabel = stripTrailingColon(text);
      const continuation = marker.length === 0 && itemDepth > 0 ? '  '.repeat(itemDepth) : '';
      // A heading names a section ("In a doc:"); it does not lead into the next line.
      const block = currentIsHeading ? stripTrailingColon(text) : text;
      if (currentIsHeading) headingLines.push(lines.length);
      lines.push(`${continuation}${marker}${block}`);
      marker = '';
      bareHeading = currentIsHeading ? lines.length - 1 : undefined;
    }
    current = '';
    currentIsHeading = false;
    currentAllBold = true;
    anchorText = false;
    otherText = false;
  };

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === 'title') {
          inTitle = true;
          return;
        }
        depth += 1;
        if (mainAt < 0 && (name === 'main' || attributes.role === 'main')) mainAt = depth;
        if (SKIPPED_ELEMENTS.has(name)) {
          skipDepth += 1;
          return;
        }
        if (skipDepth > 0) return;
        if (BLOCK_ELEMENTS.has(name)) flush();
        if (HEADINGS.has(name)) currentIsHeading = true;
        if (BOLD.has(name)) boldDepth += 1;
        if (name === 'pre') preDepth += 1;
        if (name === 'h1') h1Depth += 1;
        if (name === 'ol' || name === 'ul') {
          lists.push({ ordered: name === 'ol', next: Number.parseInt(attributes.start ?? '1', 10) || 1 });
        }
        if (name === 'li') {
          itemDepth += 1;
          const list = lists.at(-1);
          const indent = '  '.repeat(Math.max(0, lists.length - 1));
          if (list?.ordered) {
            marker = `${indent}${list.next}. `;
            list.next += 1;
          } else marker = `${indent}- `;
        }
        if (name === 'a' && (attributes.href ?? '').startsWith('#')) anchorDepth += 1;
        if ((name === 'td' || name === 'th') && current.trim().length > 0) current += ' | ';
      },
      ontext(text) {
        if (inTitle) {
          titleText += text;
          return;
        }
        if (skipDepth > 0 || (mainOnly && mainAt < 0)) return;
        if (h1Depth > 0) h1Text += text;
        if (preDepth > 0) {
          // Preformatted text keeps its own line breaks; each becomes a line of its own.
          const [first = '', ...rest] = text.split('\n');
          current += first;
          for (const line of rest) {
            flush();
            current = line;
          }
          return;
        }
        if (text.trim().length > 0) {
          if (boldDepth === 0) currentAllBold = false;
          if (anchorDepth > 0) anchorText = true;
          else otherText = true;
        }
        current += text;
      },
      onclosetag(name) {
        if (name === 'title') {
          inTitle = false;
          titleElement ??= nonEmpty(collapseWhitespace(titleText));
          return;
        }
        if (depth === mainAt) mainAt = -1;
        depth = Math.max(0, depth - 1);
        if (SKIPPED_ELEMENTS.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (BOLD.has(name)) boldDepth = Math.max(0, boldDepth - 1);
        if (name === 'a' && anchorDepth > 0) anchorDepth -= 1;
        if (name === 'h1') {
          h1Depth = Math.max(0, h1Depth - 1);
          if (h1Depth === 0) heading ??= nonEmpty(collapseWhitespace(h1Text));
        }
        if (BLOCK_ELEMENTS.has(name)) flush();
        if (name === 'li') {
          marker = '';
          itemDepth = Math.max(0, itemDepth - 1);
        }
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        if (name === 'ol' || name === 'ul') lists.pop();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();

  return {
    lines,
    headingLines,
    ...(heading === undefined ? {} : { heading }),
    ...(titleElement === undefined ? {} : { titleElement }),
    ...(leadingLabel === undefined ? {} : { leadingLabel }),
  };
}

function nonEmpty(text: string): string | undefined {
  return text.length > 0 ? text : undefined;
}

/** "From your workspace page:" reads as a title without its colon. */
function stripTrailingColon(text: string): string {
  return text.replace(/\s*:$/, '');
}
