import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { knowledgeBaseSettings } from '../../config/knowledge-base.ts';
import { isIgnored } from '../../local/knowledge-base/docs-watcher.ts';
import type { LocalStack } from '../../local/stack.ts';
import {
  ADMIN_KEY,
  type ApiClient,
  apiClient,
  bootStack,
  SAMPLE_KB,
  tempDir,
} from '../helpers/local-stack.ts';

const DEBOUNCE_MS = 400;

let stack: LocalStack;
let api: ApiClient;
let docs: string;
const batches: { records: number; failed: number; ms: number }[] = [];

beforeAll(async () => {
  docs = tempDir('watched-docs');
  cpSync(SAMPLE_KB, docs, { recursive: true });
  stack = await bootStack({ docsDir: docs, docsDebounceMs: DEBOUNCE_MS, onDocsSync: (b) => batches.push(b) });
  api = apiClient(stack.url);
});
afterAll(async () => {
  await stack?.close();
  rmSync(docs, { recursive: true, force: true });
  rmSync(`${docs}-away`, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Asks until the answer satisfies `done` (bounded); returns the answer and how long it took. */
async function askUntil(
  question: string,
  done: (body: { answer: string; citations: { references: { sourceUri: string }[] }[] }) => boolean,
  timeoutMs = 10_000,
) {
  const started = performance.now();
  for (;;) {
    const res = await api.chat(question);
    expect(res.status).toBe(200);
    if (done(res.body)) return { body: res.body, ms: performance.now() - started };
    if (performance.now() - started > timeoutMs) throw new Error(`still not answered: ${res.body.answer}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cites = (uri: string) => (body: { citations: { references: { sourceUri: string }[] }[] }) =>
  body.citations.some((c) => c.references.some((r) => r.sourceUri === uri));

describe('the docs folder watcher (S3 events, locally)', () => {
  const uri = 's3://lantern-documents/integrations/zebra-mode.md';

  it('makes a new file answerable after the debounce, through kb-sync and an ingestion job', async () => {
    const question = 'How do I turn on zebra mode?';
    expect((await api.chat(question)).body.citations).toEqual([]);
    const before = batches.length;
    writeFileSync(
      join(docs, 'integrations', 'zebra-mode.md'),
      '# Zebra mode\n\nZebra mode paints every other ticket row grey. Turn it on in Settings → Appearance → Zebra mode.\n',
    );
    const { body, ms } = await askUntil(question, cites(uri));
    expect(body.answer).toContain('Zebra mode paints every other ticket row grey');
    // Nothing happens before the folder has been quiet for the debounce.
    expect(ms).toBeGreaterThanOrEqual(DEBOUNCE_MS - 50);
    await stack.knowledgeBase.watcher?.idle();
    expect(batches.slice(before)).toEqual([{ records: 1, failed: 0, ms: expect.any(Number) }]);
    const jobs = await apiClient(stack.url, null).request(
      'GET',
      '/v1/admin/knowledge-base/jobs?limit=1',
      undefined,
      {
        'x-admin-key': ADMIN_KEY,
      },
    );
    expect(jobs.body.jobs[0]).toMatchObject({
      trigger: 's3-event',
      status: 'COMPLETE',
      statistics: { scanned: 27, new: 1, modified: 0, deleted: 0 },
    });
  });

  it('replaces a changed file: the old text is no longer answered', async () => {
    writeFileSync(
      join(docs, 'integrations', 'zebra-mode.md'),
      '# Zebra mode\n\nZebra mode was removed in version 9. Ticket rows now use the compact layout instead.\n',
    );
    const { body } = await askUntil('How do I turn on zebra mode?', (b) =>
      b.answer.includes('removed in version 9'),
    );
    expect(body.answer).not.toContain('grey');
    await stack.knowledgeBase.watcher?.idle();
  });

  it('forgets a deleted file', async () => {
    rmSync(join(docs, 'integrations', 'zebra-mode.md'));
    const { body } = await askUntil(
      'Why was zebra mode removed in version 9?',
      (b) => b.citations.length === 0,
    );
    expect(body.answer).toBe(knowledgeBaseSettings.noAnswerText);
    await stack.knowledgeBase.watcher?.idle();
  });

  it('sends a burst of changes as one batch, and ignores editor swap and temporary files', async () => {
    await stack.knowledgeBase.watcher?.idle();
    const before = batches.length;
    mkdirSync(join(docs, 'runbooks'));
    for (let i = 1; i <= 4; i++) {
      writeFileSync(
        join(docs, 'runbooks', `step-${i}.md`),
        `# Step ${i}\n\nThe otter drill step ${i} is done.\n`,
      );
    }
    writeFileSync(join(docs, '.step-1.md.swp'), 'swap');
    writeFileSync(join(docs, 'notes.md~'), 'backup');
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 3));
    await stack.knowledgeBase.watcher?.idle();
    const burst = batches.slice(before);
    expect(burst).toHaveLength(1);
    // The folder and four files; the swap and backup files are not documents.
    expect(burst[0]?.records).toBeLessThanOrEqual(5);
    expect(burst[0]?.failed).toBe(0);
    const quiet = batches.length;
    writeFileSync(join(docs, '.hidden.md'), 'hidden');
    writeFileSync(join(docs, '#draft.md#'), 'emacs autosave');
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS * 2));
    await stack.knowledgeBase.watcher?.idle();
    expect(batches.length).toBe(quiet);
  });
});

describe('the docs watcher when its folder is replaced or moved away and back', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const away = () => `${docs}-away`;
  /** What the watcher logged during the current test. */
  let lines: string[] = [];
  const waiting = () => `docs watcher: waiting for ${docs} to be there again (it does not exist)`;

  /** Waits (bounded) until the watcher has said `line`. */
  async function logged(line: string, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!lines.includes(line)) {
      if (Date.now() > deadline) throw new Error(`the watcher never said: ${line}`);
      await sleep(20);
    }
  }

  /** Ways the folder at the docs path stops being the one the watcher started on. */
  const replacements: Record<string, () => Promise<void>> = {
    'renamed away, a new folder put in its place': async () => {
      renameSync(docs, away());
      cpSync(SAMPLE_KB, docs, { recursive: true });
      rmSync(away(), { recursive: true, force: true });
    },
    'removed (rm -rf), then made again': async () => {
      rmSync(docs, { recursive: true, force: true });
      await sleep(300);
      mkdirSync(docs);
      cpSync(SAMPLE_KB, docs, { recursive: true });
    },
    'moved away, then back': async () => {
      renameSync(docs, away());
      await logged(waiting());
      renameSync(away(), docs);
    },
  };

  it.each(Object.keys(replacements).map((how, i) => [how, ['heron', 'bison', 'walrus'][i] as string]))(
    'watches the folder again after it is %s, and ingests a file added then',
    async (how, animal) => {
      lines = [];
      vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
        lines.push(String(line));
      });
      await stack.knowledgeBase.watcher?.idle();
      await replacements[how]?.();
      // Whatever the replacement itself set off is over before the new file is written, so only
      // a live watch can bring it in.
      await sleep(DEBOUNCE_MS * 3);
      await stack.knowledgeBase.watcher?.idle();
      const question = `How do I turn on ${animal} mode?`;
      writeFileSync(
        join(docs, `${animal}-mode.md`),
        `# ${animal} mode\n\nThe ${animal} mode shows a ${animal} next to every ticket. Turn it on in Settings → Appearance → ${animal} mode.\n`,
      );
      const { body } = await askUntil(question, cites(`s3://lantern-documents/${animal}-mode.md`), 20_000);
      expect(body.answer).toContain(`shows a ${animal} next to every ticket`);
      await stack.knowledgeBase.watcher?.idle();
      const said = lines.filter((line) => line.startsWith('docs watcher:'));
      expect(said[0]).toMatch(/^docs watcher: lost the watch on .+ \(.+\)$/);
      expect(said.at(-1)).toBe(`docs watcher: watching ${docs} again; syncing it`);
      if (how.startsWith('moved away')) expect(said).toContain(waiting());
    },
  );
});

describe('isIgnored', () => {
  it('skips hidden paths and editor or download leftovers, keeps documents', () => {
    for (const key of [
      '.git/index',
      'a/.b.md.swp',
      'notes.md~',
      '#draft.md#',
      'x/4913',
      'f.tmp',
      'f.crdownload',
    ])
      expect(isIgnored(key)).toBe(true);
    for (const key of ['billing/refund-policy.md', 'a/b/c.html', 'readme.txt'])
      expect(isIgnored(key)).toBe(false);
  });
});
