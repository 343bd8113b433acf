/**
 * Which metadata keys the knowledge base's S3 Vectors index keeps non-filterable: the CDK app
 * declares them on the index, `npm run kb:upload` budgets the rest against S3 Vectors' 2 KB of
 * filterable metadata, and the Bedrock emulator lets no filter see them, as the deployed index does.
 */

/**
 * Metadata keys Bedrock writes into every vector: the chunk's text and Bedrock's own metadata. In an
 * S3 Vectors index they must be non-filterable: together they exceed the 2 KB of filterable
 * metadata a vector may carry.
 */
export const BEDROCK_NON_FILTERABLE_KEYS = ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] as const;

/**
 * Keys of the `<file>.metadata.json` sidecars `npm run kb:upload` writes for every document, besides
 * the declared attributes: what a citation shows (title, description, the public link) and the tags.
 * Filtering on them is only possible when the settings file declares them as attributes; otherwise
 * they are kept out of the 2 KB filterable budget, where a long description would make Bedrock skip
 * the document at ingestion.
 */
export const DOCUMENT_KEYS = ['title', 'description', 'tags', 'url'] as const;

/** The index's non-filterable keys, given the attributes the answer settings declare filterable. */
export function nonFilterableKeys(declared: Iterable<string>): string[] {
  const filterable = new Set(declared);
  return [...BEDROCK_NON_FILTERABLE_KEYS, ...DOCUMENT_KEYS.filter((key) => !filterable.has(key))];
}
