/**
 * A minimal S3 (and CloudFormation DescribeStacks) on loopback for kb:upload's tests: path-style
 * ListObjectsV2, PutObject and DeleteObjects on in-memory buckets, as the real S3 client speaks
 * them. S3 has no local form in Lantern's stack; this stands in for exactly what kb:upload calls.
 * Listings come in pages of PAGE_SIZE, so the client's pagination is exercised.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PAGE_SIZE = 3;

export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

export interface S3StandIn {
  readonly url: string;
  /** bucket → key → object */
  readonly buckets: Map<string, Map<string, StoredObject>>;
  /** Every request as `METHOD path?query`, in order. */
  readonly requests: string[];
  /** DescribeStacks answers: stack name → outputs. */
  readonly stacks: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

export async function startS3StandIn(): Promise<S3StandIn> {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const stacks = new Map<string, Record<string, string>>();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      requests.push(`${request.method} ${request.url}`);
      try {
        handle(request, body, response, buckets, stacks);
      } catch (error) {
        xml(
          response,
          500,
          `<Error><Code>InternalError</Code><Message>${escapeXml(String(error))}</Message></Error>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    buckets,
    requests,
    stacks,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(
  request: IncomingMessage,
  body: Buffer,
  response: ServerResponse,
  buckets: Map<string, Map<string, StoredObject>>,
  stacks: Map<string, Record<string, string>>,
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (
    request.method === 'POST' &&
    url.pathname === '/' &&
    body.toString().includes('Action=DescribeStacks')
  ) {
    describeStacks(new URLSearchParams(body.toString()).get('StackName') ?? '', response, stacks);
    return;
  }
  const [, bucketName = '', ...keyParts] = url.pathname.split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  const bucket = buckets.get(decodeURIComponent(bucketName));
  if (!bucket) {
    xml(
      response,
      404,
      `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${escapeXml(bucketName)}</BucketName></Error>`,
    );
    return;
  }
  if (request.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
    listObjects(bucket, url.searchParams, response);
  } else if (request.method === 'PUT' && key !== '') {
    const md5 = request.headers['content-md5'];
    if (typeof md5 === 'string' && md5 !== createHash('md5').update(body).digest('base64')) {
      xml(
        response,
        400,
        '<Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>',
      );
      return;
    }
    bucket.set(key, { body, contentType: request.headers['content-type'] });
    response.writeHead(200, { ETag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
  } else if (request.method === 'POST' && key === '' && url.searchParams.has('delete')) {
    const keys = [...body.toString().matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((match) =>
      unescapeXml(match[1] ?? ''),
    );
    for (const deleted of keys) bucket.delete(deleted);
    xml(response, 200, '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
  } else {
    xml(
      response,
      501,
      `<Error><Code>NotImplemented</Code><Message>${escapeXml(`${request.method} ${request.url}`)}</Message></Error>`,
    );
  }
}

function listObjects(
  bucket: Map<string, StoredObject>,
  params: URLSearchParams,
  response: ServerResponse,
): void {
  const prefix = params.get('prefix') ?? '';
  const keys = [...bucket.keys()].filter((key) => key.startsWith(prefix)).sort();
  const after = params.get('continuation-token');
  const from = after === null ? 0 : keys.findIndex((key) => key > after);
  const page = from < 0 ? [] : keys.slice(from, from + PAGE_SIZE);
  const truncated = from >= 0 && from + PAGE_SIZE < keys.length;
  const contents = page
    .map((key) => {
      const object = bucket.get(key) as StoredObject;
      const etag = createHash('md5').update(object.body).digest('hex');
      return `<Contents><Key>${escapeXml(key)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;${etag}&quot;</ETag><Size>${object.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const next = truncated
    ? `<NextContinuationToken>${escapeXml(page.at(-1) ?? '')}</NextContinuationToken>`
    : '';
  xml(
    response,
    200,
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${PAGE_SIZE}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
  );
}

function describeStacks(
  name: string,
  response: ServerResponse,
  stacks: Map<string, Record<string, string>>,
): void {
  const outputs = stacks.get(name);
  if (!outputs) {
    xml(
      response,
      400,
      `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${escapeXml(name)} does not exist</Message></Error><RequestId>r1</RequestId></ErrorResponse>`,
    );
    return;
  }
  const members = Object.entries(outputs)
    .map(
      ([key, value]) =>
        `<member><OutputKey>${escapeXml(key)}</OutputKey><OutputValue>${escapeXml(value)}</OutputValue></member>`,
    )
    .join('');
  xml(
    response,
    200,
    `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${escapeXml(name)}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
  );
}

function xml(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'standin' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
