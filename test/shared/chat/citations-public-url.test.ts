import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUpload } from '../../../infra/kb-upload/run.ts';
import { folderTarget } from '../../../infra/kb-upload/targets.ts';
import type { LocalStack } from '../../../local/stack.ts';
import { API_KEY, apiClient, bootStack, tempDir } from '../../helpers/local-stack.ts';
import { postSse } from '../../helpers/sse.ts';

/**
 * Public URLs end to end, offline: documents prepared by kb:upload (a URL template, a page's own
 * url in its front matter), a document whose hand-made metadata names a script address, and the
 * sample Confluence export; answers over REST and SSE carry each document's http(s) URL as
 * `references[].url` beside its `sourceUri`, and never the script.
 */
const SAMPLE_CONFLUENCE = join(import.meta.dirname, '..', '..', '..', 'local', 'sample-confluence');

let stack: LocalStack;

beforeAll(async () => {
  const root = tempDir('public-urls');
  const source = join(root, 'source');
  mkdirSync(join(source, 'billing'), { recursive: true });
  writeFileSync(
    join(source, 'billing', 'refund-window.md'),
    '---\ntitle: Refund window\n---\n# Refund window\n\nAnnual subscriptions are refunded in full within thirty days of purchase.\n',
  );
  writeFileSync(
    join(source, 'webhook-retries.md'),
    '+++\ntitle = "Webhook retries"\nurl = "https://status.example.com/webhooks"\n+++\n# Webhook retries\n\nA failed webhook delivery is retried for twenty-four hours.\n',
  );
  const docs = join(root, 'docs');
  await runUpload(
    {
      source,
      prefix: undefined,
      declared: [],
      url: { template: 'https://help.example.com/{path}', keys: ['url'] },
      dryRun: false,
      deleteMissing: true,
    },
    folderTarget(docs),
  );
  // Written by hand, past kb:upload (which would refuse it): Lantern must still drop the address.
  writeFileSync(
    join(docs, 'parrot-care.md'),
    '# Parrot care\n\nThe office parrot is fed sunflower seeds every morning at nine.\n',
  );
  writeFileSync(
    join(docs, 'parrot-care.md.metadata.json'),
    JSON.stringify({ metadataAttributes: { url: 'javascript:alert(document.cookie)' } }),
  );
  stack = await bootStack({ docsDir: docs, confluenceDir: SAMPLE_CONFLUENCE, watchDocs: false });
});
afterAll(() => stack?.close());

const referencesOf = (citations: readonly { references: readonly Record<string, unknown>[] }[]) =>
  citations.flatMap((citation) => citation.references);

describe('public urls in citations', () => {
  it('carries the url of the template and of the page itself next to the S3 source over REST', async () => {
    const api = apiClient(stack.url, API_KEY);
    const refund = await api.chat('Are annual subscriptions refunded within thirty days?');
    expect(refund.status).toBe(200);
    expect(referencesOf(refund.body.citations)[0]).toMatchObject({
      sourceUri: 's3://lantern-documents/billing/refund-window.md',
      title: 'Refund window',
      url: 'https://help.example.com/billing/refund-window',
    });
    const webhooks = await api.chat('How long is a failed webhook delivery retried?');
    expect(referencesOf(webhooks.body.citations)[0]).toMatchObject({
      sourceUri: 's3://lantern-documents/webhook-retries.md',
      url: 'https://status.example.com/webhooks',
    });
  });

  it('carries it in streamed citation events too', async () => {
    const res = await postSse(
      `${stack.url}/v1/chat/stream`,
      { message: 'How long is a failed webhook delivery retried?' },
      { 'x-api-key': API_KEY },
    );
    expect(res.status).toBe(200);
    const references = referencesOf(
      res.events.filter((event) => event.event === 'citation').map((event) => event.data.citation),
    );
    expect(references[0]).toMatchObject({
      sourceUri: 's3://lantern-documents/webhook-retries.md',
      url: 'https://status.example.com/webhooks',
    });
  });

  it('gives a Confluence page its page URL, and drops a script address', async () => {
    const api = apiClient(stack.url, API_KEY);
    const escalation = await api.chat('When do support agents escalate a ticket to engineering?');
    const confluence = referencesOf(escalation.body.citations).find((r) =>
      String(r.sourceUri).startsWith('https://brambledesk.atlassian.net/'),
    );
    expect(confluence).toMatchObject({
      url: 'https://brambledesk.atlassian.net/wiki/spaces/SUP/pages/4128769/Escalating+a+ticket+to+engineering',
    });
    const parrot = await api.chat('When is the office parrot fed sunflower seeds?');
    const reference = referencesOf(parrot.body.citations)[0];
    expect(reference).toMatchObject({ sourceUri: 's3://lantern-documents/parrot-care.md' });
    expect(reference).not.toHaveProperty('url');
  });
});
