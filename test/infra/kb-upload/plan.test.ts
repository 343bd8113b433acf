import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../../../config/document-formats.ts';
import { md5Hex } from '../../../infra/kb-upload/md5.ts';
import {
  type LocalFile,
  normalisePrefix,
  type PlanOptions,
  planUpload,
} from '../../../infra/kb-upload/plan.ts';
import { checkUrlTemplate, fillTemplate, publicUrlOf } from '../../../infra/kb-upload/public-url.ts';
import { buildSidecar, URL_ATTRIBUTE } from '../../../infra/kb-upload/sidecar.ts';
import { PUBLIC_URL_KEY } from '../../../shared/chat/citations.ts';

const options: PlanOptions = {
  prefix: '',
  deleteMissing: true,
  declared: [
    { name: 'tenant', type: 'string' },
    { name: 'year', type: 'number' },
    { name: 'internal', type: 'boolean' },
    { name: 'products', type: 'stringList' },
  ],
  url: { template: 'https://help.example.com/{path}', keys: ['url', 'permalink', 'canonical_url'] },
};

function file(relativePath: string, text: string): LocalFile {
  return { relativePath, size: Buffer.byteLength(text), md5: md5Hex(text), text };
}

function sidecarOf(frontMatter: Record<string, unknown>, handWritten?: string) {
  return buildSidecar({
    relativePath: 'billing/refund-policy.md',
    frontMatter,
    ...(handWritten === undefined ? {} : { handWritten }),
    declared: options.declared,
    url: options.url,
  });
}

describe('the metadata file of a document', () => {
  it('holds title, description, tags, declared attributes typed as declared, and the public url', () => {
    const result = sidecarOf({
      title: 'Refund policy',
      description: 'When we refund.',
      tags: ['billing', 'refunds'],
      tenant: 'acme',
      year: 2025,
      internal: false,
      products: ['inbox'],
      author: 'not declared, not written',
    });
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && JSON.parse(result.json ?? '')).toEqual({
      metadataAttributes: {
        title: { value: { type: 'STRING', stringValue: 'Refund policy' }, includeForEmbedding: false },
        description: {
          value: { type: 'STRING', stringValue: 'When we refund.' },
          includeForEmbedding: false,
        },
        tags: {
          value: { type: 'STRING_LIST', stringListValue: ['billing', 'refunds'] },
          includeForEmbedding: false,
        },
        tenant: { value: { type: 'STRING', stringValue: 'acme' }, includeForEmbedding: false },
        year: { value: { type: 'NUMBER', numberValue: 2025 }, includeForEmbedding: false },
        internal: { value: { type: 'BOOLEAN', booleanValue: false }, includeForEmbedding: false },
        products: { value: { type: 'STRING_LIST', stringListValue: ['inbox'] }, includeForEmbedding: false },
        url: {
          value: { type: 'STRING', stringValue: 'https://help.example.com/billing/refund-policy' },
          includeForEmbedding: false,
        },
      },
    });
  });

  it('skips a document whose declared attribute has another type, naming it', () => {
    expect(sidecarOf({ tenant: 42 })).toEqual({
      ok: false,
      reason: 'its front-matter tenant is the number 42, but the settings declare tenant a string',
    });
    expect(sidecarOf({ year: '2025' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('declare year a number'),
    });
    expect(sidecarOf({ internal: 'no' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('a boolean'),
    });
    expect(sidecarOf({ products: 'inbox' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('a stringList'),
    });
    expect(sidecarOf({ products: ['inbox', 3] })).toMatchObject({ ok: false });
    expect(sidecarOf({}, JSON.stringify({ metadataAttributes: { year: 'soon' } }))).toMatchObject({
      ok: false,
      reason: 'its metadata file year is the text "soon", but the settings declare year a number',
    });
  });

  it('lets a hand-written metadata file win key by key, typed or plain, keeping its other members', () => {
    const hand = JSON.stringify({
      metadataAttributes: {
        title: 'Refunds (hand-written)',
        tenant: { value: { type: 'STRING', stringValue: 'globex' }, includeForEmbedding: true },
        url: 'https://elsewhere.example.com/refunds',
      },
      documentStructureConfiguration: { type: 'RECORD_BASED_STRUCTURE_METADATA' },
    });
    const result = sidecarOf({ title: 'Refund policy', tenant: 'acme', year: 2024 }, hand);
    expect(result.ok && result.attributes).toEqual({
      title: 'Refunds (hand-written)',
      tenant: 'globex',
      year: 2024,
      url: 'https://elsewhere.example.com/refunds',
    });
    const json = result.ok ? JSON.parse(result.json ?? '') : undefined;
    expect(json.documentStructureConfiguration).toEqual({ type: 'RECORD_BASED_STRUCTURE_METADATA' });
    expect(json.metadataAttributes.tenant).toEqual({
      value: { type: 'STRING', stringValue: 'globex' },
      includeForEmbedding: true,
    });
  });

  it('skips a document whose hand-written metadata file is broken or sets a key Bedrock keeps', () => {
    expect(sidecarOf({}, '{not json')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^its metadata file is not valid JSON/),
    });
    expect(sidecarOf({}, '{"attributes": {}}')).toEqual({
      ok: false,
      reason: 'its metadata file has no metadataAttributes object',
    });
    expect(sidecarOf({}, '{"metadataAttributes": {"a": {"nested": true}}}')).toMatchObject({ ok: false });
    expect(sidecarOf({}, '{"metadataAttributes": {"x-amz-bedrock-kb-source-uri": "s3://x"}}')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('x-amz-bedrock-kb-source-uri'),
    });
  });

  it('skips a document whose filterable metadata passes the 2 KB S3 Vectors keeps per vector', () => {
    const products = Array.from({ length: 150 }, (_, n) => `product-number-${n}`);
    const bytes = Buffer.byteLength(JSON.stringify({ products }));
    expect(bytes).toBeGreaterThan(2048);
    expect(sidecarOf({ products })).toEqual({
      ok: false,
      reason: `its filterable metadata (products) is ${bytes} bytes; S3 Vectors keeps at most 2048 per vector`,
    });
    expect(sidecarOf({ products: products.slice(0, 50) })).toMatchObject({ ok: true });
    // The document keys the index keeps non-filterable do not count: a long description is fine.
    expect(sidecarOf({ description: 'x'.repeat(3000) })).toMatchObject({ ok: true });
    // A hand-written key the settings never declared is filterable on S3 Vectors all the same.
    const handWritten = JSON.stringify({ metadataAttributes: { notes: 'x'.repeat(3000) } });
    expect(sidecarOf({}, handWritten)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('its filterable metadata (notes)'),
    });
  });

  it('writes no metadata file for a document with nothing to say', () => {
    const result = buildSidecar({
      relativePath: 'a.txt',
      frontMatter: {},
      declared: [],
      url: { keys: ['url'] },
    });
    expect(result).toEqual({ ok: true, attributes: {}, json: undefined });
  });

  it('names the public url with the key citations read', () => {
    expect(URL_ATTRIBUTE).toBe(PUBLIC_URL_KEY);
  });
});

describe('public urls', () => {
  it('fills the template with the path, folder, slug and name, percent-encoded', () => {
    const template = 'https://help.example.com/{dir}|{slug}|{name}|{path}';
    expect(fillTemplate(template, 'billing/refund policy.md')).toBe(
      'https://help.example.com/billing|refund%20policy|refund%20policy.md|billing/refund%20policy',
    );
    expect(fillTemplate('https://h.example/{path}', 'top.md')).toBe('https://h.example/top');
  });

  it('refuses a template with an unknown placeholder or that is not http(s)', () => {
    expect(() => checkUrlTemplate('https://help.example.com/{id}')).toThrow(/unknown placeholder \{id\}/);
    expect(() => checkUrlTemplate('javascript:alert("{path}")')).toThrow(/http\(s\) URL/);
    expect(() => checkUrlTemplate('https://help.example.com/{path}')).not.toThrow();
  });

  it("prefers the page's own url, resolves a path against the template's site, and refuses other schemes", () => {
    const url = { template: 'https://help.example.com/docs/{path}', keys: ['url', 'permalink'] };
    expect(publicUrlOf('a.md', { permalink: 'https://www.example.com/a' }, url)).toBe(
      'https://www.example.com/a',
    );
    expect(publicUrlOf('a.md', { permalink: '/a/' }, url)).toBe('https://help.example.com/a/');
    expect(publicUrlOf('a.md', {}, url)).toBe('https://help.example.com/docs/a');
    expect(publicUrlOf('a.md', {}, { keys: ['url'] })).toBeUndefined();
    expect(() => publicUrlOf('a.md', { url: 'javascript:alert(1)' }, url)).toThrow(/not an http\(s\) URL/);
    expect(() => publicUrlOf('a.md', { url: '/a' }, { keys: ['url'] })).toThrow(/give --url-template/);
    expect(() => publicUrlOf('a.md', { url: ['https://x.example'] }, url)).toThrow(/not text/);
  });
});

describe('planUpload', () => {
  const page = file('billing/refunds.md', '---\ntitle: Refunds\ntenant: acme\n---\n# Refunds\n');
  const planned = (
    files: LocalFile[],
    remote: { key: string; etag?: string }[] = [],
    overrides: Partial<PlanOptions> = {},
  ) => planUpload(files, [], remote, { ...options, ...overrides });

  it('skips unsupported, oversized and unreadable documents with the reason, and keeps their objects', () => {
    const plan = planned(
      [
        { relativePath: 'logo.png', size: 10 },
        { relativePath: 'manual.pdf', size: MAX_FILE_BYTES + 1 },
        file('broken.md', '---\ntitle: [unclosed\n---\nbody'),
        file('notes.markdown', '# Notes'),
      ],
      [{ key: 'manual.pdf', etag: '"x"' }, { key: 'manual.pdf.metadata.json' }],
    );
    expect(plan.skipped).toEqual([
      { relativePath: 'broken.md', reason: expect.stringMatching(/^its YAML front matter does not parse: /) },
      {
        relativePath: 'logo.png',
        reason: expect.stringMatching(/^is not a format Bedrock knowledge bases read/),
      },
      {
        relativePath: 'manual.pdf',
        reason: 'is 52,428,801 bytes; Bedrock reads files of at most 50 MB (52,428,800 bytes)',
      },
      { relativePath: 'notes.markdown', reason: expect.stringMatching(/^is not a format/) },
    ]);
    expect(plan.puts).toEqual([]);
    expect(plan.deletes).toEqual([]);
  });

  it('puts new documents with their metadata, replaces changed ones by MD5 and leaves equal ones', () => {
    const first = planned([page]);
    expect(first.puts.map((put) => [put.change, put.kind, put.key])).toEqual([
      ['new', 'document', 'billing/refunds.md'],
      ['new', 'metadata', 'billing/refunds.md.metadata.json'],
    ]);
    const sidecarBody = first.puts[1]?.body ?? '';
    const same = planned(
      [page],
      [
        { key: 'billing/refunds.md', etag: `"${page.md5}"` },
        { key: 'billing/refunds.md.metadata.json', etag: `"${md5Hex(sidecarBody).toUpperCase()}"` },
      ],
    );
    expect(same.puts).toEqual([]);
    expect(same.unchanged).toEqual(['billing/refunds.md']);
    const stale = planned(
      [page],
      [
        { key: 'billing/refunds.md', etag: '"0000"' },
        { key: 'billing/refunds.md.metadata.json', etag: `"${md5Hex(sidecarBody)}"` },
      ],
    );
    expect(stale.puts.map((put) => [put.change, put.key])).toEqual([['replace', 'billing/refunds.md']]);
  });

  it('deletes objects the folder no longer has under the prefix, and with --no-delete only stale metadata files', () => {
    const remote = [
      { key: 'help/gone.md' },
      { key: 'help/gone.md.metadata.json' },
      { key: 'help/folder/' },
      { key: 'help/plain.txt', etag: md5Hex('plain') },
      { key: 'help/plain.txt.metadata.json' },
    ];
    const files = [file('plain.txt', 'plain')];
    const prefix = normalisePrefix('/help/');
    expect(prefix).toBe('help/');
    expect(planned(files, remote, { prefix, url: { keys: [] } }).deletes.map((d) => d.key)).toEqual([
      'help/gone.md',
      'help/gone.md.metadata.json',
      'help/plain.txt.metadata.json',
    ]);
    const kept = planned(files, remote, { prefix, url: { keys: [] }, deleteMissing: false });
    expect(kept.deletes.map((d) => d.key)).toEqual(['help/plain.txt.metadata.json']);
    expect(kept.unchanged).toEqual([]);
  });
});
