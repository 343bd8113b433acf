import { fileURLToPath } from 'node:url';

const REPO_ROOT = new URL('../../', import.meta.url);

/** Absolute path of a file given relative to the repository root, e.g. `functions/chat/handler.ts`. */
export function fromRepoRoot(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, REPO_ROOT));
}
