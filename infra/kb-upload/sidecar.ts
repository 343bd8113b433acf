/**
 * Builds a document's Bedrock metadata file (`<file>.metadata.json`, `{"metadataAttributes": …}`)
 * from its front matter, its public URL and a hand-written metadata file beside it, whose keys win.
 * Pure: the planning and its tests need no files.
 */
import { type FilterableAttribute, RESERVED_ATTRIBUTE_PREFIX } from '../../config/answer-settings.ts';
import { DOCUMENT_KEYS } from '../../config/vector-metadata.ts';
import { PublicUrlError, publicUrlOf, type UrlOptions } from './public-url.ts';

export type AttributeValue = string | number | boolean | readonly string[];

/**
 * The key citations read a document's public URL from: shared/chat/citations.ts (PUBLIC_URL_KEY)
 * reads the same name; infra/ cannot import it, so the two are kept equal by a test.
 */
export const URL_ATTRIBUTE = 'url';
/** S3 Vectors keeps at most 2 KB of filterable metadata per vector. */
export const MAX_FILTERABLE_BYTES = 2048;
const NON_FILTERABLE: ReadonlySet<string> = new Set(DOCUMENT_KEYS);

export interface SidecarInput {
  readonly relativePath: string;
  readonly frontMatter: Readonly<Record<string, unknown>>;
  /** The text of a hand-written `<file>.metadata.json` beside the document, if any. */
  readonly handWritten?: string;
  /** The attributes the answer settings declare filterable, typed. */
  readonly declared: readonly FilterableAttribute[];
  readonly url: UrlOptions;
}

export type SidecarResult =
  | {
      readonly ok: true;
      readonly attributes: Readonly<Record<string, AttributeValue>>;
      /** The metadata file's text; undefined when the document has no metadata at all. */
      readonly json: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

class SkipReason extends Error {
  override readonly name = 'SkipReason';
}

export function buildSidecar(input: SidecarInput): SidecarResult {
  try {
    const declared = new Map(input.declared.map((attribute) => [attribute.name, attribute.type]));
    const hand = input.handWritten === undefined ? undefined : parseHandWritten(input.handWritten);
    const fromPage = pageAttributes(input, declared);
    const attributes: Record<string, AttributeValue> = { ...fromPage, ...(hand?.attributes ?? {}) };
    for (const [key, value] of Object.entries(hand?.attributes ?? {})) {
      checkDeclaredType(key, value, declared, 'metadata file');
    }
    const reserved = Object.keys(attributes).find((key) =>
      key.toLowerCase().startsWith(RESERVED_ATTRIBUTE_PREFIX),
    );
    if (reserved)
      throw new SkipReason(
        `its metadata file sets ${reserved}; Bedrock keeps ${RESERVED_ATTRIBUTE_PREFIX}* keys for itself`,
      );
    // Every key but the undeclared document keys (the index keeps those non-filterable) is filterable
    // on S3 Vectors, a hand-written one the settings never declared included.
    const filterable = Object.fromEntries(
      Object.entries(attributes).filter(([key]) => declared.has(key) || !NON_FILTERABLE.has(key)),
    );
    const bytes = Buffer.byteLength(JSON.stringify(filterable));
    if (bytes > MAX_FILTERABLE_BYTES) {
      throw new SkipReason(
        `its filterable metadata (${Object.keys(filterable).join(', ')}) is ${bytes} bytes; S3 Vectors keeps at most ${MAX_FILTERABLE_BYTES} per vector`,
      );
    }
    const extra = hand?.extra ?? {};
    if (Object.keys(attributes).length === 0 && Object.keys(extra).length === 0) {
      return { ok: true, attributes, json: undefined };
    }
    const metadataAttributes = Object.fromEntries(
      Object.entries(attributes).map(([key, value]) => [
        key,
        { value: typedValue(value), includeForEmbedding: hand?.includeForEmbedding.get(key) ?? false },
      ]),
    );
    return { ok: true, attributes, json: `${JSON.stringify({ ...extra, metadataAttributes }, null, 2)}\n` };
  } catch (error) {
    if (error instanceof SkipReason || error instanceof PublicUrlError)
      return { ok: false, reason: error.message };
    throw error;
  }
}

function pageAttributes(
  input: SidecarInput,
  declared: ReadonlyMap<string, FilterableAttribute['type']>,
): Record<string, AttributeValue> {
  const page = input.frontMatter;
  const attributes: Record<string, AttributeValue> = {};
  for (const key of ['title', 'description'] as const) {
    if (isAbsent(page[key]) || declared.has(key)) continue;
    const text = scalarText(page[key]);
    if (text === undefined)
      throw new SkipReason(`its front-matter ${key} is ${describe(page[key])}, not text`);
    if (text.trim()) attributes[key] = text.trim();
  }
  if (!isAbsent(page.tags) && !declared.has('tags')) attributes.tags = tagsOf(page.tags);
  for (const [name, type] of declared) {
    if (isAbsent(page[name])) continue;
    attributes[name] = checkDeclaredType(name, normalise(page[name]), declared, 'front-matter', type);
  }
  const url = publicUrlOf(input.relativePath, page, input.url);
  if (url !== undefined && !declared.has(URL_ATTRIBUTE)) attributes[URL_ATTRIBUTE] = url;
  else if (url !== undefined)
    attributes[URL_ATTRIBUTE] = checkDeclaredType(URL_ATTRIBUTE, url, declared, 'public');
  return attributes;
}

function checkDeclaredType(
  name: string,
  value: unknown,
  declared: ReadonlyMap<string, FilterableAttribute['type']>,
  source: string,
  type = declared.get(name),
): AttributeValue {
  const ok =
    type === undefined
      ? isAttributeValue(value)
      : type === 'string'
        ? typeof value === 'string'
        : type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : type === 'boolean'
            ? typeof value === 'boolean'
            : Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (!ok) {
    throw new SkipReason(
      type === undefined
        ? `its ${source} ${name} is ${describe(value)}, which Bedrock metadata cannot hold`
        : `its ${source} ${name} is ${describe(value)}, but the settings declare ${name} a ${type}`,
    );
  }
  return value as AttributeValue;
}

function tagsOf(value: unknown): readonly string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    const text = scalarText(normalise(item));
    if (text === undefined) throw new SkipReason(`its front-matter tags hold ${describe(item)}, not text`);
    return text;
  });
}

interface HandWritten {
  readonly attributes: Record<string, AttributeValue>;
  readonly includeForEmbedding: ReadonlyMap<string, boolean>;
  /** Other top-level keys (a CSV's `documentStructureConfiguration`), kept as written. */
  readonly extra: Record<string, unknown>;
}

function parseHandWritten(text: string): HandWritten {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SkipReason(`its metadata file is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SkipReason('its metadata file is not a JSON object');
  }
  const { metadataAttributes, ...extra } = parsed as Record<string, unknown>;
  if (
    metadataAttributes === null ||
    typeof metadataAttributes !== 'object' ||
    Array.isArray(metadataAttributes)
  ) {
    throw new SkipReason('its metadata file has no metadataAttributes object');
  }
  const attributes: Record<string, AttributeValue> = {};
  const includeForEmbedding = new Map<string, boolean>();
  for (const [key, raw] of Object.entries(metadataAttributes)) {
    const typed = raw as { value?: unknown; includeForEmbedding?: unknown } | null;
    if (typed !== null && typeof typed === 'object' && !Array.isArray(typed)) {
      attributes[key] = fromTyped(key, typed.value);
      if (typeof typed.includeForEmbedding === 'boolean')
        includeForEmbedding.set(key, typed.includeForEmbedding);
    } else if (isAttributeValue(raw)) {
      attributes[key] = raw;
    } else {
      throw new SkipReason(
        `its metadata file's ${key} is ${describe(raw)}, which Bedrock metadata cannot hold`,
      );
    }
  }
  return { attributes, includeForEmbedding, extra };
}

const TYPED_MEMBERS = {
  STRING: 'stringValue',
  NUMBER: 'numberValue',
  BOOLEAN: 'booleanValue',
  STRING_LIST: 'stringListValue',
} as const;

function fromTyped(key: string, value: unknown): AttributeValue {
  const typed = value as { type?: unknown } & Record<string, unknown>;
  const member = TYPED_MEMBERS[(typed?.type ?? '') as keyof typeof TYPED_MEMBERS];
  const inner = member === undefined ? undefined : typed[member];
  if (inner === undefined || !isAttributeValue(inner)) {
    throw new SkipReason(
      `its metadata file's ${key} is not a Bedrock value ({"value": {"type": "STRING", "stringValue": …}} or a plain value)`,
    );
  }
  return inner;
}

function typedValue(value: AttributeValue) {
  if (typeof value === 'string') return { type: 'STRING', stringValue: value };
  if (typeof value === 'number') return { type: 'NUMBER', numberValue: value };
  if (typeof value === 'boolean') return { type: 'BOOLEAN', booleanValue: value };
  return { type: 'STRING_LIST', stringListValue: [...value] };
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return (
    typeof value === 'string' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    typeof value === 'boolean' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

/** TOML dates (and YAML's, under a schema that reads them) are written as ISO text. */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item instanceof Date ? item.toISOString() : item));
  return value;
}

function scalarText(value: unknown): string | undefined {
  const normalised = normalise(value);
  if (typeof normalised === 'string') return normalised;
  if (typeof normalised === 'number' || typeof normalised === 'boolean') return String(normalised);
  return undefined;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
