/**
 * Cuts a document into chunks along its sections, then each section by the knowledge base's
 * chunking settings: a chunk never straddles two headings, so it is about one thing, and it
 * knows the headings that open its section.
 */
import { type ChunkingSettings, chunkText } from './chunker.ts';

export interface SectionChunk {
  /** A verbatim slice of the document text. */
  readonly text: string;
  /** The headings opening its section, outermost first (none before the first heading). */
  readonly headings: readonly string[];
}

export function chunkSections(
  text: string,
  headingLines: readonly number[],
  settings: ChunkingSettings,
): SectionChunk[] {
  const lines = text.split('\n');
  const isHeading = new Set(headingLines);
  const chunks: SectionChunk[] = [];
  let start = 0;
  let offset = 0;
  // The headings opening the current section: a chapter's heading, then its first section's.
  let headings: string[] = [];
  let hasBody = false;
  const close = (end: number) => {
    const section = text.slice(start, end);
    for (const piece of chunkText(section, settings)) chunks.push({ text: piece.text, headings });
  };
  lines.forEach((line, i) => {
    if (isHeading.has(i)) {
      if (hasBody) {
        close(offset);
        start = offset;
        headings = [];
        hasBody = false;
      }
      headings.push(line.trim());
    } else if (line.trim().length > 0) hasBody = true;
    offset += line.length + 1;
  });
  close(text.length);
  return chunks;
}
