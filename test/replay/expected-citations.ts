import { expect } from 'vitest';
import type { Citation, CitationReference } from '../../shared/chat/types.ts';

/**
 * What Lantern should make of recorded citations, worked out from the recording alone with the
 * span rules the recordings' README states, never from the adapter's code.
 */

export type SpanEnd = 'inclusive' | 'exclusive';

type Json = Record<string, unknown>;

export interface RecordedCitation {
  readonly text: string;
  readonly start: number | undefined;
  readonly end: number | undefined;
  readonly references: readonly Json[];
}

/** A recorded citation's cited text, span and references. */
export function recordedCitation(citation: Json): RecordedCitation {
  const part = (citation.generatedResponsePart as Json | undefined)?.textResponsePart as Json | undefined;
  const span = part?.span as Json | undefined;
  return {
    text: typeof part?.text === 'string' ? part.text : '',
    start: typeof span?.start === 'number' ? span.start : undefined,
    end: typeof span?.end === 'number' ? span.end : undefined,
    references: (citation.retrievedReferences as Json[] | undefined) ?? [],
  };
}

export interface Placement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** The span pointed at the text by the documented rule (false: it drifted or ran past the end). */
  readonly spanHeld: boolean;
}

/**
 * Where the cited text is in the answer. By the rule when the span holds; a drifting span is
 * corrected to the occurrence of the text closest to where the span starts; a text not in the
 * answer leaves the span itself, clamped to the answer.
 */
export function expectedPlacement(answer: string, cited: RecordedCitation, rule: SpanEnd): Placement {
  const start = cited.start ?? 0;
  const end = cited.end === undefined ? answer.length : rule === 'inclusive' ? cited.end + 1 : cited.end;
  if (cited.text && answer.slice(start, end) === cited.text) {
    return { start, end, text: cited.text, spanHeld: true };
  }
  const positions: number[] = [];
  if (cited.text) {
    for (let at = answer.indexOf(cited.text); at >= 0 && positions.length < 1_000; ) {
      positions.push(at);
      at = answer.indexOf(cited.text, at + 1);
    }
  }
  const [closest] = positions.sort((a, b) => Math.abs(a - start) - Math.abs(b - start) || a - b);
  if (closest !== undefined) {
    return { start: closest, end: closest + cited.text.length, text: cited.text, spanHeld: false };
  }
  const from = Math.min(Math.max(start, 0), answer.length);
  const to = Math.min(Math.max(end, from), answer.length);
  return { start: from, end: to, text: answer.slice(from, to), spanHeld: false };
}

/**
 * The source a recorded location names: the one string inside the location member its `type`
 * names (`S3` → `s3Location.uri`, `KENDRA` → `kendraDocumentLocation.uri`, `SQL` → `sqlLocation.query`).
 */
export function locationSource(location: Json | undefined): string | undefined {
  if (!location || typeof location.type !== 'string') return undefined;
  const type = location.type.toLowerCase();
  for (const [member, value] of Object.entries(location)) {
    if (!member.toLowerCase().startsWith(type) || !value || typeof value !== 'object') continue;
    const strings = Object.values(value).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (strings[0]) return strings[0].trim();
  }
  return undefined;
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Asserts one mapped reference against the recorded one it came from. */
export function expectReference(mapped: CitationReference | undefined, recorded: Json): void {
  expect(mapped).toBeDefined();
  const metadata = (recorded.metadata as Json | undefined) ?? {};
  const location = recorded.location as Json | undefined;
  const metadataUri = metadata['x-amz-bedrock-kb-source-uri'];
  const source = locationSource(location) ?? (typeof metadataUri === 'string' ? metadataUri : undefined);
  expect(mapped?.sourceUri).toBe(source ?? 'unknown');

  const recordedTitle = [metadata.title, metadata['x-amz-bedrock-kb-title']].find(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  if (recordedTitle) expect(mapped?.title).toBe(recordedTitle.trim());
  else if (location?.type !== 'SQL' && source) {
    // Without a stored title the reader still gets a name: the document's file name, in words.
    const file = decodeURIComponent(source.split(/[/\\]/).filter(Boolean).at(-1) ?? '');
    const words = file
      .replace(/\.[a-z0-9]+$/i, '')
      .replace(/[-_]+/g, ' ')
      .trim();
    expect(mapped?.title?.toLowerCase()).toBe(words.toLowerCase());
  } else expect(mapped?.title?.trim()).toBeTruthy();

  const content = collapse(String((recorded.content as Json | undefined)?.text ?? ''));
  const excerpt = mapped?.excerpt ?? '';
  expect(content.startsWith(excerpt.replace(/…$/, ''))).toBe(true);
  expect(excerpt.length).toBeGreaterThan(Math.min(content.length, 100) - 1);

  if (typeof recorded.score === 'number') expect(mapped?.score).toBe(recorded.score);
}

/** The recorded references a reader sees once: the same source and passage cited twice count once. */
export function distinctReferences(references: readonly Json[]): Json[] {
  const seen = new Set<string>();
  return references.filter((reference) => {
    const metadataUri = (reference.metadata as Json | undefined)?.['x-amz-bedrock-kb-source-uri'];
    const source = locationSource(reference.location as Json | undefined) ?? metadataUri;
    const key = `${String(source)}\u0000${collapse(String((reference.content as Json | undefined)?.text ?? ''))}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Asserts Lantern's citations against the recorded ones (those that name a source) and the answer. */
export function expectCitations(
  answer: string,
  mapped: readonly Citation[],
  recorded: readonly { citation: RecordedCitation; answerSoFar: string }[],
  rule: SpanEnd,
): Placement[] {
  const sourced = recorded.filter(({ citation }) => citation.references.length > 0);
  expect(mapped).toHaveLength(sourced.length);
  return sourced.map(({ citation, answerSoFar }, i) => {
    const got = mapped[i];
    const want = expectedPlacement(answerSoFar, citation, rule);
    expect({ start: got?.start, end: got?.end, text: got?.text }).toEqual({
      start: want.start,
      end: want.end,
      text: want.text,
    });
    expect(got && answer.slice(got.start, got.end)).toBe(got?.text);
    expect(got && 0 <= got.start && got.start <= got.end && got.end <= answer.length).toBe(true);
    const references = distinctReferences(citation.references);
    expect(got?.references).toHaveLength(references.length);
    references.forEach((reference, j) => {
      expectReference(got?.references[j], reference);
    });
    return want;
  });
}
