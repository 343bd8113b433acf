import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

export interface StaticSite {
  /** Folder served at `/playground/…`; its `index.html` is also served at `/`. */
  readonly dir: string;
  /** Served as `/playground/config.json`: settings the page starts with (the local API key). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Serves the playground page. Returns false when the path is not one of its files. */
export async function serveStatic(site: StaticSite, path: string, res: ServerResponse): Promise<boolean> {
  if (path === '/playground/config.json') {
    write(res, 200, CONTENT_TYPES['.json'] ?? '', JSON.stringify(site.config));
    return true;
  }
  const relative =
    path === '/'
      ? 'index.html'
      : path.startsWith('/playground/')
        ? path.slice('/playground/'.length)
        : undefined;
  if (relative === undefined) return false;
  const file = normalize(join(site.dir, relative));
  if (!file.startsWith(site.dir + sep)) return false;
  const type = CONTENT_TYPES[extname(file)];
  if (!type) return false;
  try {
    write(res, 200, type, await readFile(file));
    return true;
  } catch {
    return false;
  }
}

function write(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-cache',
  });
  res.end(body);
}
