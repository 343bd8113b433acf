import { cpSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { type ApiClient, apiClient, bootStack, SAMPLE_KB, tempDir } from '../helpers/local-stack.ts';

let stack: LocalStack;
let api: ApiClient;
let docs: string;
let outside: string;

beforeAll(async () => {
  docs = tempDir('linked-docs');
  outside = tempDir('outside-docs');
  cpSync(SAMPLE_KB, docs, { recursive: true });
  writeFileSync(
    join(outside, 'vault.md'),
    '# Vault codes\n\nThe narwhal vault opens with the code walrus-nine-nine.\n',
  );
  symlinkSync(join(outside, 'vault.md'), join(docs, 'vault.md'));
  symlinkSync(outside, join(docs, 'elsewhere'));
  symlinkSync('/etc/passwd', join(docs, 'accounts.txt'));
  stack = await bootStack({ docsDir: docs, watchDocs: false });
  api = apiClient(stack.url);
});
afterAll(async () => {
  await stack?.close();
  rmSync(docs, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('--docs with links out of the folder', () => {
  it('never answers from, or cites, what a link outside the folder points to', async () => {
    for (const question of [
      'What code opens the narwhal vault?',
      'Which account has the login shell /bin/bash and the home folder /root?',
    ]) {
      const res = await api.chat(question);
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/walrus|narwhal vault opens|root:x:|nologin/);
      const uris: string[] = res.body.citations.flatMap((c: { references: { sourceUri: string }[] }) =>
        c.references.map((r) => r.sourceUri),
      );
      expect(uris.filter((uri) => /vault|elsewhere|accounts/.test(uri))).toEqual([]);
    }
  });
});
