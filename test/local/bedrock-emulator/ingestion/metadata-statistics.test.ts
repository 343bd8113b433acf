import { afterEach, describe, expect, it } from 'vitest';
import { type JobFixture, startJobEmulator } from './job-fixture.ts';

let fixture: JobFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const page = (title: string) => `# ${title}\n\nThe heron ledger keeps every ${title.toLowerCase()} entry.\n`;
const sidecar = (product: string) => JSON.stringify({ metadataAttributes: { product } });

describe('ingestion statistics count metadata files as the model documents them', () => {
  it('counts metadata files scanned (new, changed, unchanged) and those changed or deleted since the last job', async () => {
    fixture = await startJobEmulator({
      'alpha.md': page('Alpha'),
      'alpha.md.metadata.json': sidecar('alpha'),
      'beta.md': page('Beta'),
      'beta.md.metadata.json': sidecar('beta'),
      'gamma.md': page('Gamma'),
      'delta.md': page('Delta'),
      'delta.md.metadata.json': sidecar('delta'),
    });
    const first = await fixture.sync();
    expect(first.statistics).toEqual({
      numberOfDocumentsScanned: 4,
      numberOfMetadataDocumentsScanned: 3,
      numberOfNewDocumentsIndexed: 4,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfMetadataDocumentsModified: 0,
      numberOfDocumentsDeleted: 0,
      numberOfDocumentsFailed: 0,
      numberOfDocumentsSkipped: 0,
    });

    await fixture.write({
      'alpha.md.metadata.json': sidecar('alpha-2'),
      'beta.md.metadata.json': undefined,
      'gamma.md.metadata.json': sidecar('gamma'),
      'delta.md': undefined,
      'delta.md.metadata.json': undefined,
    });
    const second = await fixture.sync();
    // alpha's file changed, beta's and delta's were deleted; gamma's is new, which is not "modified".
    expect(second.statistics).toEqual({
      numberOfDocumentsScanned: 3,
      numberOfMetadataDocumentsScanned: 2,
      numberOfNewDocumentsIndexed: 0,
      numberOfModifiedDocumentsIndexed: 3,
      numberOfMetadataDocumentsModified: 3,
      numberOfDocumentsDeleted: 1,
      numberOfDocumentsFailed: 0,
      numberOfDocumentsSkipped: 0,
    });

    const third = await fixture.sync();
    expect(third.statistics).toMatchObject({
      numberOfDocumentsScanned: 3,
      numberOfMetadataDocumentsScanned: 2,
      numberOfModifiedDocumentsIndexed: 0,
      numberOfMetadataDocumentsModified: 0,
    });
  });

  it('counts a changed metadata file once when its document is left with no text to index', async () => {
    fixture = await startJobEmulator({
      'alpha.md': page('Alpha'),
      'alpha.md.metadata.json': sidecar('alpha'),
    });
    await fixture.sync();
    await fixture.write({ 'alpha.md': '# \n', 'alpha.md.metadata.json': sidecar('alpha-2') });
    const job = await fixture.sync();
    expect(job.statistics).toMatchObject({
      numberOfMetadataDocumentsScanned: 1,
      numberOfMetadataDocumentsModified: 1,
      numberOfDocumentsDeleted: 1,
    });
  });

  it('counts the metadata file of a document the emulator cannot read (Bedrock reads both)', async () => {
    fixture = await startJobEmulator({
      'alpha.md': page('Alpha'),
      'report.pdf': '%PDF-1.4',
      'report.pdf.metadata.json': sidecar('report'),
    });
    const job = await fixture.sync();
    expect(job.statistics).toMatchObject({ numberOfMetadataDocumentsScanned: 1, numberOfDocumentsFailed: 1 });
  });

  it('counts a metadata file that cannot be read as scanned, and fails its document', async () => {
    fixture = await startJobEmulator({ 'alpha.md': page('Alpha'), 'alpha.md.metadata.json': '{not json' });
    const job = await fixture.sync();
    expect(job.statistics).toMatchObject({
      numberOfDocumentsScanned: 1,
      numberOfMetadataDocumentsScanned: 1,
      numberOfDocumentsFailed: 1,
    });
  });
});
