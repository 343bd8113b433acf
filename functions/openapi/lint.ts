import { createConfig, formatProblems, lint } from '@redocly/openapi-core';
import { DOCUMENT_PATH } from './generate.ts';

/**
 * Redocly's `recommended` ruleset, with every rule that warns raised to an error so CI fails on it,
 * and these choices: Lantern's API is private (no licence to name), and the `localhost` server is
 * `npm start`'s, on purpose.
 */
const RULES = {
  'info-license': 'off',
  'info-license-strict': 'off',
  'no-server-example.com': 'error',
  'no-unused-components': 'error',
  'operation-4xx-response': 'error',
  'operation-2xx-response': 'error',
  'operation-operationId': 'error',
  'operation-summary': 'error',
  'tag-description': 'error',
  'security-defined': 'error',
  'no-invalid-media-type-examples': 'error',
  'no-invalid-schema-examples': 'error',
} as const;

export async function lintOpenApiDocument(path = DOCUMENT_PATH) {
  const config = await createConfig({ extends: ['recommended'], rules: RULES });
  return lint({ ref: path, config });
}

if (process.argv[1] === import.meta.filename) {
  const problems = await lintOpenApiDocument();
  formatProblems(problems, {
    format: 'stylish',
    totals: { errors: 0, warnings: 0, ignored: 0 },
    version: '',
  });
  console.log(
    `${problems.length === 0 ? 'ok' : 'FAIL'} ${DOCUMENT_PATH}: ${problems.length} problems (Redocly recommended)`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}
