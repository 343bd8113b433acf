import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const vendored = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'local',
  'bedrock-emulator',
  'protocol',
  'aws-models',
);
/** The team's reference copy beside the project; a fresh clone does not have it. */
const reference = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'aws-models');
const files = ['bedrock-agent-runtime.json', 'bedrock-runtime.json', 'bedrock-agent.json', 'bedrock.json'];

describe('vendored AWS service models', () => {
  it('holds the four models, their license and notice', () => {
    expect(readdirSync(vendored).sort()).toEqual(
      [...files, 'LICENSE.txt', 'NOTICE', 'README.md', 'biome.json'].sort(),
    );
    expect(readFileSync(join(vendored, 'LICENSE.txt'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it.skipIf(!existsSync(reference))(
    'equal the reference models byte for byte (skipped: no ../shared/aws-models beside the project)',
    () => {
      for (const file of [...files, 'LICENSE.txt', 'NOTICE']) {
        expect(readFileSync(join(vendored, file)).equals(readFileSync(join(reference, file))), file).toBe(
          true,
        );
      }
    },
  );
});
