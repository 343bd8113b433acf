/**
 * Front matter: the YAML (`---`) or TOML (`+++`) block that opens a Markdown page in most static
 * site generators. Its keys become the document's metadata, as a Bedrock `<file>.metadata.json`
 * sidecar's `metadataAttributes` would; the page's body is what follows it.
 */
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { type DocumentMetadata, toMetadata } from './metadata.ts';

export interface FrontMatter {
  readonly metadata: DocumentMetadata;
  /** The document without its front matter. */
  readonly body: string;
}

const YAML_BLOCK = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const TOML_BLOCK = /^\+\+\+[ \t]*\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)/;

export function splitFrontMatter(markdown: string): FrontMatter {
  const readers: readonly [RegExp, (source: string) => unknown][] = [
    [YAML_BLOCK, (source) => parseYaml(source)],
    [TOML_BLOCK, (source) => parseToml(source)],
  ];
  for (const [block, parse] of readers) {
    const match = block.exec(markdown);
    if (match === null) continue;
    const body = markdown.slice(match[0].length);
    // A block that does not parse is still not prose: dropped, it neither names nor pollutes the page.
    try {
      return { metadata: toMetadata(parse(match[1] ?? '')), body };
    } catch {
      return { metadata: {}, body };
    }
  }
  return { metadata: {}, body: markdown };
}
