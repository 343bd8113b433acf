/**
 * A Markdown page's front matter: the YAML (`---`) or TOML (`+++`) block that opens it in most
 * static site generators. Unlike the emulator, which drops a block it cannot parse, `kb:upload`
 * reports it: the operator is there to fix the page.
 */
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

const BLOCKS: readonly {
  readonly pattern: RegExp;
  readonly language: string;
  parse(text: string): unknown;
}[] = [
  {
    pattern: /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/,
    language: 'YAML',
    parse: (text) => parseYaml(text),
  },
  {
    pattern: /^\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)/,
    language: 'TOML',
    parse: (text) => parseToml(text),
  },
];

export class FrontMatterError extends Error {
  override readonly name = 'FrontMatterError';
}

/** The front matter's keys (empty without a block). Throws FrontMatterError for a block that does not parse. */
export function readFrontMatter(markdown: string): Readonly<Record<string, unknown>> {
  const text = markdown.replace(/^\uFEFF/, '');
  for (const block of BLOCKS) {
    const match = block.pattern.exec(text);
    if (match === null) continue;
    let parsed: unknown;
    try {
      parsed = block.parse(match[1] ?? '');
    } catch (error) {
      const first = (error as Error).message.split('\n')[0];
      throw new FrontMatterError(`its ${block.language} front matter does not parse: ${first}`, {
        cause: error,
      });
    }
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FrontMatterError(`its ${block.language} front matter is not a table of keys`);
    }
    return parsed as Record<string, unknown>;
  }
  return {};
}
