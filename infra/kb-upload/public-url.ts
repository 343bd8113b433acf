/**
 * A document's public web address, the one citations link to: a front-matter key of the page (its
 * own `url`, `permalink` or `canonical_url`) or else a URL template filled from its path.
 */
import { posix } from 'node:path';

/** Placeholders of `--url-template`, for `billing/refund-policy.md`. */
export const URL_PLACEHOLDERS = {
  path: 'the path without its extension: billing/refund-policy',
  dir: 'the folder: billing (empty at the top)',
  slug: 'the file name without its extension: refund-policy',
  name: 'the file name: refund-policy.md',
} as const;
type Placeholder = keyof typeof URL_PLACEHOLDERS;

/** Front-matter keys tried in turn when `--url-key` names none. */
export const DEFAULT_URL_KEYS = ['url', 'permalink', 'canonical_url'] as const;

export class UrlTemplateError extends Error {
  override readonly name = 'UrlTemplateError';
}

export class PublicUrlError extends Error {
  override readonly name = 'PublicUrlError';
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Refuses a template with an unknown placeholder or one that does not make an http(s) URL. */
export function checkUrlTemplate(template: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!((match[1] ?? '') in URL_PLACEHOLDERS)) {
      throw new UrlTemplateError(
        `--url-template: unknown placeholder {${match[1]}}; it takes ${Object.keys(URL_PLACEHOLDERS)
          .map((name) => `{${name}}`)
          .join(', ')}`,
      );
    }
  }
  if (!httpUrl(fillTemplate(template, 'a/b.md'))) {
    throw new UrlTemplateError(
      `--url-template must make an http(s) URL, such as https://help.example.com/{path}`,
    );
  }
}

/** The template filled for a document; each path segment is percent-encoded. */
export function fillTemplate(template: string, relativePath: string): string {
  const values = placeholderValues(relativePath);
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as Placeholder] : whole,
  );
}

function placeholderValues(relativePath: string): Record<Placeholder, string> {
  const encode = (path: string) => path.split('/').map(encodeURIComponent).join('/');
  const { dir, name, ext } = posix.parse(relativePath);
  const withoutExtension = dir ? `${dir}/${name}` : name;
  return {
    path: encode(withoutExtension),
    dir: encode(dir),
    slug: encodeURIComponent(name),
    name: encodeURIComponent(`${name}${ext}`),
  };
}

export interface UrlOptions {
  readonly template?: string;
  /** The front-matter keys to read, in order. */
  readonly keys: readonly string[];
}

/**
 * The document's public URL: its front matter's (absolute, or a path resolved against the
 * template's origin) before the template's. Throws PublicUrlError for a value that is not an
 * http(s) address, which a citation could never link to safely.
 */
export function publicUrlOf(
  relativePath: string,
  frontMatter: Readonly<Record<string, unknown>>,
  options: UrlOptions,
): string | undefined {
  for (const key of options.keys) {
    const value = frontMatter[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new PublicUrlError(`its front-matter ${key} is not text`);
    const absolute = httpUrl(value.trim());
    if (absolute) return absolute;
    if (value.trim().startsWith('/') && options.template) {
      const base = new URL(fillTemplate(options.template, relativePath));
      const resolved = httpUrl(new URL(value.trim(), base.origin).href);
      if (resolved) return resolved;
    }
    throw new PublicUrlError(
      value.trim().startsWith('/')
        ? `its front-matter ${key} (${value.trim()}) is a path; give --url-template so it has a site to resolve against`
        : `its front-matter ${key} (${value.trim()}) is not an http(s) URL`,
    );
  }
  return options.template ? httpUrl(fillTemplate(options.template, relativePath)) : undefined;
}

function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
