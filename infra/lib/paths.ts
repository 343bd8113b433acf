import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (the folder holding `package.json`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

/** Resolves a path given relative to the repository root, e.g. `functions/chat/handler.ts`. */
export function fromRepoRoot(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, new URL('../../', import.meta.url)));
}
