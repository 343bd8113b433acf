import type {
  Citation as BedrockCitation,
  RetrievalResultLocation,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { Citation, CitationReference } from './types.ts';

const EXCERPT_LIMIT = 600;
/** A structured (SQL) source has no document: the query that produced the rows is its source. */
const SQL_TITLE = 'SQL query';
/**
 * The metadata key that holds a document's public URL: `npm run kb:upload` writes it into each
 * document's `<file>.metadata.json` sidecar (from a URL template or a front-matter key), and Bedrock
 * returns sidecar attributes as the retrieved reference's metadata.
 */
export const PUBLIC_URL_KEY = 'url';

/**
 * Where a span's `end` points. Recorded responses show `RetrieveAndGenerate` ending spans inclusive
 * (`text[start..end]`) and `RetrieveAndGenerateStream` exclusive (`text[start..end)`).
 */
export type SpanEnd = 'inclusive' | 'exclusive';

/**
 * Maps Bedrock citations to Lantern's citation contract. The one mapper behind REST, SSE and Slack.
 * Some models' spans drift a few characters or run past the answer, so the span is re-anchored on the
 * cited text itself and the span end rule only decides when that text cannot be found: Lantern
 * guarantees `answer.slice(start, end) === text`.
 */
export function mapCitations(
  answer: string,
  citations: readonly BedrockCitation[] | undefined,
  spanEnd: SpanEnd = 'inclusive',
): Citation[] {
  return (citations ?? []).flatMap((citation) => mapCitation(answer, citation, spanEnd) ?? []);
}

/**
 * Maps one Bedrock citation against the answer text it cites — the whole answer, or in a stream the
 * text received so far (hence exclusive ends by default). Undefined when the citation names no source.
 */
export function mapCitation(
  answer: string,
  citation: BedrockCitation,
  spanEnd: SpanEnd = 'exclusive',
): Citation | undefined {
  const part = citation.generatedResponsePart?.textResponsePart;
  const references = dedupeReferences((citation.retrievedReferences ?? []).map(mapReference));
  if (references.length === 0) return undefined;
  const end = part?.span?.end;
  const exclusiveEnd = end !== undefined && spanEnd === 'inclusive' ? end + 1 : end;
  return { ...anchorSpan(answer, part?.text ?? '', part?.span?.start, exclusiveEnd), references };
}

/** A cited passage: a citation's retrieved reference, or a `Retrieve` result (which adds `score`). */
export type BedrockReference = NonNullable<BedrockCitation['retrievedReferences']>[number] & {
  readonly score?: number | undefined;
};

export function mapReference(reference: BedrockReference): CitationReference {
  const metadata = reference.metadata ?? {};
  const sourceUri =
    locationUri(reference.location) ?? stringValue(metadata['x-amz-bedrock-kb-source-uri']) ?? 'unknown';
  const title =
    stringValue(metadata.title) ??
    stringValue(metadata['x-amz-bedrock-kb-title']) ??
    (reference.location?.sqlLocation ? SQL_TITLE : titleFromUri(sourceUri));
  const score =
    numberValue(reference.score) ??
    numberValue(metadata.score) ??
    numberValue(metadata['x-amz-bedrock-kb-score']);
  const url = publicUrl(metadata[PUBLIC_URL_KEY]) ?? publicUrl(reference.location?.confluenceLocation?.url);
  return {
    sourceUri,
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    excerpt: toExcerpt(reference.content?.text ?? ''),
    ...(score === undefined ? {} : { score }),
  };
}

/**
 * Only http(s) addresses are passed on: the URL ends up as a link in browsers and Slack, where a
 * `javascript:` or `data:` address written into a document's metadata would run or mislead.
 */
function publicUrl(value: unknown): string | undefined {
  const text = stringValue(value);
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function locationUri(location: RetrievalResultLocation | undefined): string | undefined {
  if (!location) return undefined;
  return (
    location.s3Location?.uri ??
    location.webLocation?.url ??
    location.confluenceLocation?.url ??
    location.sharePointLocation?.url ??
    location.salesforceLocation?.url ??
    location.kendraDocumentLocation?.uri ??
    location.customDocumentLocation?.id ??
    location.oneDriveLocation?.url ??
    location.googleDriveLocation?.url ??
    stringValue(location.sqlLocation?.query)
  );
}

/**
 * Places the cited text in the answer: where the span starts when it matches, else the occurrence
 * nearest the span's start; without the text in the answer, the span (`end` exclusive) clamped to it.
 */
export function anchorSpan(
  answer: string,
  text: string,
  start: number | undefined,
  end: number | undefined,
): Pick<Citation, 'start' | 'end' | 'text'> {
  if (text) {
    const found = nearestOccurrence(answer, text, start ?? 0);
    if (found >= 0) return { start: found, end: found + text.length, text };
  }
  const from = clamp(start ?? 0, 0, answer.length);
  const to = clamp(end ?? answer.length, from, answer.length);
  return { start: from, end: to, text: answer.slice(from, to) };
}

/** The index of `text` in `answer` closest to `near` (the earlier one on a tie), or -1. */
function nearestOccurrence(answer: string, text: string, near: number): number {
  let best = -1;
  // Each step moves past the previous match, so this ends after at most answer.length steps.
  for (let at = answer.indexOf(text); at >= 0; at = answer.indexOf(text, at + 1)) {
    if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) best = at;
    if (at > near) break;
  }
  return best;
}

function dedupeReferences(references: CitationReference[]): CitationReference[] {
  const seen = new Set<string>();
  return references.filter((r) => {
    const key = `${r.sourceUri}\u0000${r.excerpt}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toExcerpt(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= EXCERPT_LIMIT) return clean;
  const cut = clean.lastIndexOf(' ', EXCERPT_LIMIT);
  return `${clean.slice(0, cut > EXCERPT_LIMIT / 2 ? cut : EXCERPT_LIMIT)}…`;
}

/** `s3://bucket/billing/refund-policy.md` → `Refund policy`: a readable fallback when no title is stored. */
export function titleFromUri(uri: string): string | undefined {
  const last = uri.split(/[/\\]/).filter(Boolean).at(-1);
  if (!last || uri === 'unknown') return undefined;
  const base = decodeURIComponentSafe(last)
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return base ? base.charAt(0).toUpperCase() + base.slice(1) : undefined;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function numberValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
