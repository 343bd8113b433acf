/**
 * What text extraction yields for one source file, whatever its format: the text as lines (one
 * block per line: paragraph, list item, heading, table row), plus the title candidates the
 * format offers. Keeping blocks on their own lines keeps sentences intact for the chunker and
 * the generator, and lets "Step one" and "Step two" stay separate sentences.
 */
export interface DocumentText {
  readonly lines: readonly string[];
  /** Which lines are headings (indexes into `lines`): they open the sections chunks are cut along. */
  readonly headingLines?: readonly number[];
  /** The first top-level heading: Markdown `#`/setext `===`, HTML `<h1>`. */
  readonly heading?: string;
  /** The HTML `<title>` element. */
  readonly titleElement?: string;
  /** The first block when it reads as a label: a heading of any level or a line that is all bold. */
  readonly leadingLabel?: string;
}

/** Collapses runs of whitespace the way a browser renders inline text. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
