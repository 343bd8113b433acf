/**
 * Bedrock's metadata sidecar: `<file>.metadata.json` beside a document, holding
 * `{"metadataAttributes": {key: value}}`. Values may be plain or typed
 * (`{"value": {"type": "STRING", "stringValue": "…"}}`), as the Bedrock user guide shows both.
 */
import { type DocumentMetadata, toMetadata } from './metadata.ts';

export class InvalidSidecarError extends Error {
  override readonly name = 'InvalidSidecarError';
}

export function parseSidecar(json: string): DocumentMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidSidecarError('its metadata file is not valid JSON.', { cause: error });
  }
  const attributes = (parsed as { metadataAttributes?: unknown } | null)?.metadataAttributes;
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    throw new InvalidSidecarError('its metadata file has no metadataAttributes object.');
  }
  return toMetadata(
    Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, typedValue(value)])),
  );
}

function typedValue(value: unknown): unknown {
  const typed = (value as { value?: Record<string, unknown> } | null)?.value;
  if (typed === undefined || typed === null || typeof typed !== 'object') return value;
  return typed.stringValue ?? typed.numberValue ?? typed.booleanValue ?? typed.stringListValue;
}
