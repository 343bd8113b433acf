import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';

/** A JWKS is a few keys; a larger answer is not one. */
const MAX_JWKS_BYTES = 64 * 1024;

export interface JwksFetcherOptions {
  /** How long one fetch may take before the token is refused. @default 3 s */
  readonly timeoutMs?: number;
}

/**
 * Fetches a JWKS with the runtime's `fetch`, so the local issuer's `http://127.0.0.1` URL works as
 * an identity provider's `https://` one does (aws-jwt-verify's own fetcher speaks HTTPS only).
 * A slow or failing issuer costs one bounded wait, after which the token is refused with a 401.
 */
export class JwksFetcher implements Fetcher {
  private readonly timeoutMs: number;

  constructor(options: JwksFetcherOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
  }

  async fetch(uri: string): Promise<ArrayBuffer> {
    const response = await fetch(uri, {
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
      headers: { accept: 'application/json' },
    }).catch((error: unknown) => {
      throw new FetchError(uri, (error as Error).name);
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new FetchError(uri, `answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_JWKS_BYTES) {
      await response.body?.cancel();
      throw new FetchError(uri, 'too large');
    }
    const body = await response.arrayBuffer();
    if (body.byteLength > MAX_JWKS_BYTES) throw new FetchError(uri, 'too large');
    return body;
  }
}
