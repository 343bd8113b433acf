import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from './document.ts';

/**
 * `npm run openapi:generate`: writes the OpenAPI document the openapi function serves. It is
 * committed, so the function bundles plain JSON instead of zod and the generator; a test fails
 * while the committed file differs from what the schemas give now.
 */
export const DOCUMENT_PATH = join(import.meta.dirname, 'openapi.json');

if (process.argv[1] === import.meta.filename) {
  writeFileSync(DOCUMENT_PATH, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  // The project's formatter owns JSON layout, so `npm run lint` passes on the written file.
  execFileSync(
    join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'biome'),
    ['format', '--write', DOCUMENT_PATH],
    {
      stdio: 'inherit',
    },
  );
  console.log(`Wrote ${DOCUMENT_PATH}`);
}
