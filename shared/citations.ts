import type {
  Citation as BedrockCitation,
  RetrievalResultLocation,
} from '@aws-sdk/client-bedrock-agent-runtime';
import type { Citation, CitationReference } from './types.ts';

const EXCERPT_LIMIT = 600;

/**
 * Maps Bedrock citations to Lantern's citation contract. The one mapper behind REST, SSE and Slack.
 * Bedrock documents `span.end` loosely (models have returned it both inclusive and exclusive), so the
 * span is re-anchored on the cited text itself: Lantern guarantees `answer.slice(start, end) === text`.
 */
export function mapCitations(answer: string, citations: readonly BedrockCitation[] | undefined): Citation[] {
  return (citations ?? []).flatMap((citation) => mapCitation(answer, citation) ?? []);
}

/**
 * Maps one Bedrock citation against the answer text it cites — the whole answer, or in a stream the
 * text received so far. Undefined when the citation names no source.
 */
export function mapCitation(answer: string, citation: BedrockCitation): Citation | undefined {
  const part = citation.generatedResponsePart?.textResponsePart;
  const references = dedupeReferences((citation.retrievedReferences ?? []).map(mapReference));
  if (references.length === 0) return undefined;
  return { ...anchorSpan(answer, part?.text ?? '', part?.span?.start, part?.span?.end), references };
}

export function mapReference(
  reference: NonNullable<BedrockCitation['retrievedReferences']>[number],
): CitationReference {
  const metadata = reference.metadata ?? {};
  const sourceUri =
    locationUri(reference.location) ?? stringValue(metadata['x-amz-bedrock-kb-source-uri']) ?? 'unknown';
  const title =
    stringValue(metadata.title) ?? stringValue(metadata['x-amz-bedrock-kb-title']) ?? titleFromUri(sourceUri);
  const score = numberValue(metadata.score) ?? numberValue(metadata['x-amz-bedrock-kb-score']);
  return {
    sourceUri,
    ...(title ? { title } : {}),
    excerpt: toExcerpt(reference.content?.text ?? ''),
    ...(score === undefined ? {} : { score }),
  };
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
    location.customDocumentLocation?.id
  );
}

/** Places the cited text in the answer: trust the span when it matches, else find the text near it. */
export function anchorSpan(
  answer: string,
  text: string,
  start: number | undefined,
  end: number | undefined,
): Pick<Citation, 'start' | 'end' | 'text'> {
  if (text && start !== undefined) {
    if (answer.slice(start, start + text.length) === text) return { start, end: start + text.length, text };
    const near = answer.indexOf(text, Math.max(0, start - text.length));
    if (near >= 0) return { start: near, end: near + text.length, text };
  }
  if (text) {
    const found = answer.indexOf(text);
    if (found >= 0) return { start: found, end: found + text.length, text };
  }
  const from = clamp(start ?? 0, 0, answer.length);
  const to = clamp(end ?? answer.length, from, answer.length);
  return { start: from, end: to, text: answer.slice(from, to) };
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
