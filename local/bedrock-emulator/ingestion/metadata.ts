/**
 * A document's metadata attributes, as Bedrock keeps them: flat keys whose values are strings,
 * numbers, booleans or lists of strings (`metadataAttributes` of a `.metadata.json` sidecar).
 */
export type MetadataValue = string | number | boolean | readonly string[];
export type DocumentMetadata = Readonly<Record<string, MetadataValue>>;

/** Keeps the keys Bedrock could hold; nested objects and nulls have no attribute type there. */
export function toMetadata(parsed: unknown): DocumentMetadata {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const metadata: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const scalar = scalarOf(value);
    if (scalar !== undefined) metadata[key] = scalar;
    else if (Array.isArray(value)) {
      metadata[key] = value.map(scalarOf).flatMap((v) => (v === undefined ? [] : [String(v)]));
    }
  }
  return metadata;
}

function scalarOf(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

/** A metadata value read as text (a title or description), when it is one. */
export function textValue(metadata: DocumentMetadata, key: string): string | undefined {
  const value = metadata[key];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}
