/**
 * `Rerank` (bedrock-agent-runtime): scores inline sources against one query with the emulator's
 * reranker (retrieval/rerank.ts), the same scorer as reranked retrieval, and answers the best
 * `numberOfResults` (all by default) as `{index, relevanceScore}`, best first.
 */

import { signedRegion } from './account.ts';
import { validationError } from './errors.ts';
import { rerank } from './retrieval/rerank.ts';
import { assertRerankModel } from './retrieval/rerank-models.ts';
import { awsJsonResponse, type EmulatorRoute } from './router.ts';
import type { RerankRequest } from './schemas.ts';

export function rerankRoutes(): EmulatorRoute[] {
  return [
    {
      operation: 'Rerank',
      method: 'POST',
      path: '/rerank',
      handler: ({ body, request }) =>
        awsJsonResponse(rerankSources(body as RerankRequest, signedRegion(request.headers))),
    },
  ];
}

function rerankSources(request: RerankRequest, region: string) {
  const configuration = request.rerankingConfiguration.bedrockRerankingConfiguration;
  assertRerankModel(configuration.modelConfiguration.modelArn, region);
  const query = request.queries[0]?.textQuery.text;
  if (query === undefined) throw missing('queries.1.member.textQuery.text');
  const documents = request.sources.map((source, i) => sourceText(source.inlineDocumentSource, i + 1));
  const ranked = rerank(query, documents);
  return { results: ranked.slice(0, configuration.numberOfResults ?? ranked.length) };
}

/** A source's text: a TEXT document's own, a JSON document's values (the reranker reads words). */
function sourceText(document: RerankRequest['sources'][number]['inlineDocumentSource'], n: number): string {
  const path = `sources.${n}.member.inlineDocumentSource`;
  if (document.type === 'TEXT') {
    const text = document.textDocument?.text;
    if (text === undefined) throw missing(`${path}.textDocument.text`);
    return text;
  }
  if (document.jsonDocument === undefined || document.jsonDocument === null)
    throw missing(`${path}.jsonDocument`);
  return jsonWords(document.jsonDocument);
}

function jsonWords(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  return Object.values(value).map(jsonWords).join('\n');
}

/** The member the document's `type` calls for is absent: worded as the model's own checks are. */
function missing(path: string) {
  return validationError(
    `1 validation error detected: Value at '${path}' failed to satisfy constraint: Member must not be null`,
  );
}
