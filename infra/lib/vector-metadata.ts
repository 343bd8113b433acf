import { BEDROCK_NON_FILTERABLE_KEYS, nonFilterableKeys } from '../../config/vector-metadata.ts';
import { SettingsError } from './settings.ts';

/** Keys Bedrock adds as filterable metadata to each vector (source URI, chunk, data source, page). */
const BEDROCK_FILTERABLE_KEY_COUNT = 4;

/** S3 Vectors limits (Amazon S3 User Guide, "Limitations and restrictions"). */
export const S3_VECTORS_LIMITS = {
  nonFilterableKeysPerIndex: 10,
  metadataKeysPerVector: 50,
  filterableBytesPerVector: 2048,
  metadataBytesPerVector: 40 * 1024,
  keyLength: 63,
} as const;

/**
 * The keys an S3 Vectors index must declare non-filterable, given the filterable attributes the
 * answer settings declare: Bedrock's two, then each document key that is not declared. A declared
 * attribute is never among them (it could not be filtered on), and the total stays within what
 * S3 Vectors allows, so synth fails here rather than the index or an ingestion job on AWS.
 */
export function nonFilterableMetadataKeys(filterableAttributes: readonly string[]): string[] {
  const declared = new Set(filterableAttributes);
  for (const name of BEDROCK_NON_FILTERABLE_KEYS) {
    if (declared.has(name)) {
      throw new SettingsError(
        `Attribute "${name}" is Bedrock's own metadata key and cannot be filterable; rename the attribute`,
      );
    }
  }
  for (const name of declared) {
    if (name.length > S3_VECTORS_LIMITS.keyLength) {
      throw new SettingsError(
        `Attribute "${name}" is longer than the ${S3_VECTORS_LIMITS.keyLength} characters S3 Vectors allows for a metadata key`,
      );
    }
  }
  const keys = nonFilterableKeys(declared);
  const perVector = keys.length + declared.size + BEDROCK_FILTERABLE_KEY_COUNT;
  if (perVector > S3_VECTORS_LIMITS.metadataKeysPerVector) {
    throw new SettingsError(
      `${declared.size} declared attributes are too many for S3 Vectors: with ${keys.length} non-filterable keys and Bedrock's ${BEDROCK_FILTERABLE_KEY_COUNT}, a vector would carry ${perVector} metadata keys (at most ${S3_VECTORS_LIMITS.metadataKeysPerVector})`,
    );
  }
  return keys;
}
