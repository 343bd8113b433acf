import { RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type JobFixture, KB, startJobEmulator } from './job-fixture.ts';

let fixture: JobFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const page = (title: string) =>
  `# ${title}\n\nThe pelican ledger balances every ${title.toLowerCase()} entry.\n`;

describe('file types: the emulator ingests what Bedrock ingests from S3, and nothing more', () => {
  it('ignores objects of a type Bedrock does not ingest, naming them in failureReasons, and indexes only the rest', async () => {
    fixture = await startJobEmulator({
      'guide.md': page('Guide'),
      'help/page.html': '<h1>Help page</h1><p>The pelican ledger balances every help entry.</p>',
      'plain.txt': 'The pelican ledger balances every plain entry.\n',
      'notes.markdown': page('Notes'),
      'component.mdx': page('Component'),
      'readme.text': 'The pelican ledger balances every readme entry.\n',
      'photo.png': 'not really a picture',
      // Metadata files are no documents, whatever they sit beside.
      'guide.md.metadata.json': '{"metadataAttributes": {"product": "ledger"}}',
    });
    const job = await fixture.sync();
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 7,
      numberOfNewDocumentsIndexed: 3,
      numberOfDocumentsFailed: 0,
      numberOfDocumentsSkipped: 0,
    });
    expect(job.failureReasons).toEqual([
      'Ignored 4 files as their file format was not supported. [Files: s3://docs/component.mdx, s3://docs/notes.markdown, s3://docs/photo.png, s3://docs/readme.text]',
    ]);
    expect(new Set(await fixture.retrievedUris('pelican ledger balances entry'))).toEqual(
      new Set(['s3://docs/guide.md', 's3://docs/help/page.html', 's3://docs/plain.txt']),
    );
  });

  it('says which files of a type Bedrock ingests it cannot read itself, instead of dropping them unseen', async () => {
    fixture = await startJobEmulator({ 'guide.md': page('Guide'), 'manual.pdf': '%PDF-1.7 not parsed' });
    const job = await fixture.sync();
    expect(job.status).toBe('COMPLETE');
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 2,
      numberOfNewDocumentsIndexed: 1,
      numberOfDocumentsFailed: 1,
    });
    expect(job.failureReasons).toEqual([
      'manual.pdf: the emulator cannot read .pdf files (Bedrock ingests them); it is not indexed locally.',
    ]);
  });

  it('puts many ignored objects on lines no longer than Bedrock allows one failure reason', async () => {
    const files: Record<string, string> = { 'guide.md': page('Guide') };
    for (let i = 0; i < 60; i++)
      files[`exports/report-of-the-quarter-${String(i).padStart(2, '0')}.json`] = '{}';
    fixture = await startJobEmulator(files);
    const job = await fixture.sync();
    const reasons = job.failureReasons ?? [];
    expect(reasons.length).toBeGreaterThan(1);
    for (const reason of reasons) expect(reason.length).toBeLessThanOrEqual(2048);
    const named = reasons.flatMap((reason) => /\[Files: (.*)\]$/.exec(reason)?.[1]?.split(', ') ?? []);
    expect(named).toHaveLength(60);
    expect(job.statistics?.numberOfDocumentsScanned).toBe(61);
  });

  it('reads front matter only in .md pages, as kb:upload converts it only there', async () => {
    fixture = await startJobEmulator({
      'guide.md': `---\ntitle: Ledger guide\n---\n${page('Guide')}`,
      'plain.txt': '---\ntitle: Not metadata\n---\nThe pelican ledger balances every plain entry.\n',
    });
    await fixture.sync();
    const response = await fixture.runtime.send(
      new RetrieveCommand({
        knowledgeBaseId: KB,
        retrievalQuery: { text: 'pelican ledger entry' },
      }),
    );
    const byUri = new Map(
      (response.retrievalResults ?? []).map((result) => [result.location?.s3Location?.uri, result]),
    );
    expect(byUri.get('s3://docs/guide.md')?.metadata).toMatchObject({ title: 'Ledger guide' });
    expect(byUri.get('s3://docs/plain.txt')?.metadata).not.toHaveProperty('title');
    expect(byUri.get('s3://docs/plain.txt')?.content?.text).toContain('title: Not metadata');
  });
});
