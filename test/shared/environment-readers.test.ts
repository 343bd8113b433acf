import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/**
 * The getters that read `process.env`, each once per container and each validated against
 * `config/environment.ts`; a function calls only those it needs, so it neither parses nor bundles
 * the others' rules. Anything else must be handed its settings.
 */
const READERS = [
  'shared/config.ts',
  'shared/auth/identity-config.ts',
  'shared/answers/answer-environment.ts',
  'shared/answers/key-profiles.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('reading the environment', () => {
  it('happens only in the configuration getters of shared/ and never in a handler', () => {
    const readers = ['shared', 'functions']
      .flatMap((dir) => sourceFiles(join(root, dir)))
      .filter((file) =>
        /process\.env\b(?!`)/.test(readFileSync(file, 'utf8').replace(/^\s*(\*|\/\/).*$/gm, '')),
      )
      .map((file) => relative(root, file))
      .sort();
    expect(readers).toEqual([...READERS].sort());
  });
});
