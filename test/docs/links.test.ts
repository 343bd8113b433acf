/**
 * The README is the front door: it stays short enough to read in minutes, and no link in it or in
 * docs/ leads nowhere. Reads files only (no network, no stack), so it runs in milliseconds.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const README_MAX_LINES = 200;

/** The pages a newcomer is sent to: the README, every page of docs/ and the folder notes beside the code. */
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'infra/README.md',
  'local/README.md',
  'shared/README.md',
  'functions/README.md',
  'test/eval/README.md',
].filter((page) => existsSync(join(ROOT, page)));

/** Markdown with fenced code blocks blanked out (line count kept), since links and headings there are text. */
function withoutFences(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

/** Also without inline code, where `[a](b)` is an example, not a link. */
const withoutCode = (markdown: string) => withoutFences(markdown).replace(/`[^`\n]*`/g, '');

/** Inline links `[text](target)` and reference definitions `[label]: target`. */
function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string);
  const defined = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map(
    (m) => m[1] as string,
  );
  return [...inline, ...defined];
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every broken relative link of a page, as `target (why)`. */
function brokenLinks(page: string): string[] {
  const path = join(ROOT, page);
  const markdown = readFileSync(path, 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (isExternal(target)) continue;
    const [file = '', anchor] = target.split('#') as [string, string | undefined];
    const resolved = file === '' ? path : resolve(dirname(path), decodeURIComponent(file));
    if (!resolved.startsWith(ROOT)) {
      broken.push(`${target} (outside the repository: a fresh clone has no ${relative(ROOT, resolved)})`);
      continue;
    }
    if (!existsSync(resolved)) {
      broken.push(`${target} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase()))
        broken.push(`${target} (no heading for #${anchor})`);
    }
  }
  return broken;
}

describe('README.md', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it(`stays at most ${README_MAX_LINES} lines`, () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('is one click from the code a newcomer needs first: the engine, a handler, the emulator, the CDK app', () => {
    const targets = linkTargets(readme);
    for (const path of [
      'shared/chat/engine.ts',
      'functions/chat/handler.ts',
      'functions/chat/chat-handler.ts',
      'local/bedrock-emulator/',
      'infra/bin/app.ts',
      'infra/stacks/',
      'infra/constructs/',
    ]) {
      expect(targets, `README.md links ${path}`).toContain(path);
    }
  });

  it('shows commands that work from a fresh clone: nothing from ../shared', () => {
    const code = [...readme.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    expect(code).not.toMatch(/\.\.\/shared/);
  });
});

describe('relative links', () => {
  it('finds the pages it checks', () => {
    expect(PAGES).toContain('README.md');
    expect(PAGES.filter((page) => page.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  it.each(PAGES)('%s links only to files (and headings) that exist', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('reads inline and reference links, skips code and external addresses', () => {
    const markdown = [
      'See [the engine](shared/chat/engine.ts) and [AWS](https://aws.amazon.com/).',
      '`[not a link](nowhere.md)`',
      '```',
      '[also not](nowhere.md)',
      '```',
      '[ref]: docs/api.md#errors',
    ].join('\n');
    expect(linkTargets(markdown).filter((t) => !isExternal(t))).toEqual([
      'shared/chat/engine.ts',
      'docs/api.md#errors',
    ]);
  });

  it('derives GitHub heading anchors', () => {
    expect([...anchorsOf('# Lantern\n## Idempotency: 409 and 422\n## `POST /v1/chat`\n## Lantern')]).toEqual([
      'lantern',
      'idempotency-409-and-422',
      'post-v1chat',
      'lantern-1',
    ]);
  });
});
