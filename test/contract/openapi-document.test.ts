import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/openapi/document.ts';
import { DOCUMENT_PATH } from '../../functions/openapi/generate.ts';
import { lintOpenApiDocument } from '../../functions/openapi/lint.ts';

describe('the OpenAPI description', () => {
  it('is committed as the schemas generate it now (npm run openapi:generate)', () => {
    const committed = JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8'));
    expect(committed, 'functions/openapi/openapi.json is stale: run npm run openapi:generate').toEqual(
      buildOpenApiDocument(),
    );
  });

  it("passes Redocly's recommended rules, warnings included", async () => {
    const problems = await lintOpenApiDocument();
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual([]);
  });
});
