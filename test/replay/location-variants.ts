import { serviceModel } from './aws-model.ts';

type Json = Record<string, unknown>;

/**
 * The recordings only hold S3 and custom sources, so each recorded body is replayed once more for
 * every location type AWS's model lists: its references moved to a location of that type, the
 * model's member for it carrying a value made from the recorded source.
 */
export function locationVariants(body: Json, label: string): { name: string; body: Json }[] {
  const shapes = serviceModel('bedrock-agent-runtime').shapes;
  const types = shapes.RetrievalResultLocationType?.enum ?? [];
  const members = shapes.RetrievalResultLocation?.members ?? {};
  const citations = (body.citations as Json[] | undefined) ?? [];
  if (!citations.some((c) => ((c.retrievedReferences as Json[] | undefined) ?? []).length > 0)) return [];
  return types.flatMap((type) => {
    const member = Object.keys(members).find(
      (name) => name !== 'type' && name.toLowerCase().startsWith(type.toLowerCase()),
    );
    const fields = Object.keys(shapes[members[member ?? '']?.shape ?? '']?.members ?? {});
    const [field] = fields;
    if (!member || !field) return [];
    const relocate = (reference: Json, index: number): Json => {
      const value =
        field === 'query'
          ? `SELECT passage FROM ${label.replace(/\W+/g, '_')} WHERE n = ${index}`
          : `https://${type.toLowerCase()}.example.com/${label}/${index}/${encodeURIComponent('Reference page')}.html`;
      const { location: _recorded, ...rest } = reference;
      return { ...rest, location: { type, [member]: { [field]: value } } };
    };
    let n = 0;
    return [
      {
        name: `location ${type}`,
        body: {
          ...body,
          citations: citations.map((citation) => ({
            ...citation,
            retrievedReferences: ((citation.retrievedReferences as Json[] | undefined) ?? []).map((r) =>
              relocate(r, n++),
            ),
          })),
        },
      },
    ];
  });
}
