import { titleFromUri } from '../chat/citations.ts';
import type { ChatAnswer, Citation } from '../chat/types.ts';

/** Slack truncates message text at 40,000 characters; answers stay well below, this is a backstop. */
const MAX_TEXT = 12_000;

/**
 * Escapes text for Slack: `&`, `<` and `>` are Slack's control characters and the only ones it asks
 * to escape. The result is also valid Markdown (entities decode), so streamed text uses it too.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SourceLink {
  readonly title: string;
  /** A URL Slack can open; absent for sources with no web address (an `s3://` key without a base URL). */
  readonly url?: string;
}

export interface FormatOptions {
  /** Where `s3://bucket/key` sources are published: they link to `<base>/key`. */
  readonly sourceBaseUrl?: string;
}

/** The sources an answer cites, each once, in the order the answer first cites them. */
export function sourcesOf(citations: readonly Citation[], options: FormatOptions = {}): SourceLink[] {
  const seen = new Set<string>();
  const sources: SourceLink[] = [];
  for (const citation of citations) {
    for (const reference of citation.references) {
      if (seen.has(reference.sourceUri)) continue;
      seen.add(reference.sourceUri);
      // The document's own public URL wins over one derived from where it is stored.
      const url = reference.url ?? linkFor(reference.sourceUri, options.sourceBaseUrl);
      const title = reference.title?.trim() || titleFromUri(reference.sourceUri) || reference.sourceUri;
      sources.push({ title, ...(url ? { url } : {}) });
    }
  }
  return sources;
}

/** A web address for a source URI: http(s) as is; `s3://bucket/key` under the base URL when one is set. */
export function linkFor(sourceUri: string, sourceBaseUrl?: string): string | undefined {
  if (/^https?:\/\//i.test(sourceUri)) return sourceUri;
  const s3 = /^s3:\/\/[^/]+\/(.+)$/.exec(sourceUri);
  if (s3?.[1] && sourceBaseUrl) {
    const base = sourceBaseUrl.endsWith('/') ? sourceBaseUrl : `${sourceBaseUrl}/`;
    const key = s3[1]
      .split('/')
      .map((part) => encodeURIComponent(part))
      .join('/');
    return `${base}${key}`;
  }
  return undefined;
}

/**
 * `<url|title>`. The URL may not carry a raw `|` (Slack splits the label off at the first one) and,
 * like the label, is escaped; a source without a web address is its escaped title alone.
 */
export function formatSourceLink(source: SourceLink): string {
  if (!source.url) return escapeMrkdwn(source.title);
  return `<${escapeMrkdwn(source.url).replace(/\|/g, '%7C')}|${escapeMrkdwn(source.title)}>`;
}

/**
 * A Block Kit text object holds at most 3,000 characters and Slack refuses a longer one with
 * `invalid_blocks` (https://api.slack.com/reference/block-kit/composition-objects#text).
 */
export const MAX_BLOCK_TEXT = 3_000;

/**
 * The sources section: a heading and one bullet per source, or undefined when nothing was cited.
 * It fits in one Block Kit text object: the last sources that do not fit are left out, saying how many.
 */
export function formatSources(sources: readonly SourceLink[]): string | undefined {
  if (sources.length === 0) return undefined;
  const lines = ['*Sources*', ...sources.map((source) => `• ${formatSourceLink(source)}`)];
  let text = lines.join('\n');
  // Bounded: with every source left out, the heading and the note are far below the limit.
  for (let left = 1; text.length > MAX_BLOCK_TEXT; left++) {
    text = [...lines.slice(0, -left), `_…and ${left} more_`].join('\n');
  }
  return text;
}

export interface SlackAnswer {
  /** The answer, escaped for mrkdwn (and valid as streamed Markdown). */
  readonly body: string;
  /** The sources section in mrkdwn; absent when nothing was cited or the guardrail answered. */
  readonly sources?: string;
  /** Body and sources in one mrkdwn message, for `chat.postMessage`/`chat.update`. */
  readonly text: string;
}

/**
 * Renders an answer of the citation contract for Slack. A guardrail intervention is shown as the
 * guardrail's own message, without sources.
 */
export function formatSlackAnswer(answer: ChatAnswer, options: FormatOptions = {}): SlackAnswer {
  const body = escapeMrkdwn(truncate(answer.answer.trim()));
  const sources =
    answer.guardrail.action === 'INTERVENED'
      ? undefined
      : formatSources(sourcesOf(answer.citations, options));
  return { body, ...(sources ? { sources } : {}), text: sources ? `${body}\n\n${sources}` : body };
}

/** The sources as a Block Kit context block, appended when a streamed message is finalized. */
export function sourcesBlock(sources: string): {
  type: 'context';
  elements: { type: 'mrkdwn'; text: string }[];
} {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: sources }] };
}

function truncate(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
