import { createHash, generateKeyPair, type KeyObject, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { isLoopbackAuthority } from '../gateway/loopback-host.ts';
import { sendJson } from '../json-response.ts';

/** The audience of the local issuer's tokens, which the local stack's authorizer expects. */
export const LOCAL_AUDIENCE = 'lantern-local';

/** How long a token `npm run token` mints lasts unless told otherwise. */
const DEFAULT_TTL_SECONDS = 3600;
/** User names the mint endpoint accepts: something a person would type, nothing that needs escaping. */
const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: Record<string, string>;
}

export interface SignOptions {
  /** Header fields over the defaults (`alg: RS256`, `typ: JWT`, `kid`). */
  readonly header?: Record<string, unknown>;
  /** Sign with this key (see `addKey`) instead of the first one. */
  readonly kid?: string;
}

/**
 * A stand-in for an OIDC identity provider on loopback: RSA keys generated at start (never written
 * anywhere), the JWKS at `/.well-known/jwks.json` and discovery at `/.well-known/openid-configuration`,
 * as Cognito or Auth0 serve them, and `POST /token {"user":"alice"}` to sign a user in without a login
 * page (`npm run token`). Its URL is the tokens' issuer.
 */
export class LocalIssuer {
  private readonly keys: SigningKey[] = [];
  private jwksAvailable = true;
  private browserOrigins: readonly string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: { port?: number } = {}): Promise<LocalIssuer> {
    let issuer: LocalIssuer | undefined;
    const server = createServer((req, res) => {
      if (!issuer) return res.destroy();
      issuer.handle(req, res).catch(() => {
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'INTERNAL_ERROR', message: 'Internal error' } });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    issuer = new LocalIssuer(server, `http://127.0.0.1:${port}`);
    await issuer.addKey();
    return issuer;
  }

  get jwksUri(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** Publishes one more signing key (a rotation); returns its `kid`. */
  async addKey(): Promise<string> {
    const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const kid = createHash('sha256')
      .update(jwk.n ?? '')
      .digest('base64url')
      .slice(0, 16);
    this.keys.push({ kid, privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } });
    return kid;
  }

  /** The public key of a signing key as PEM (what an HS256-with-the-public-key forgery would use). */
  publicKeyPem(kid?: string): string {
    return this.keyFor(kid).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  /**
   * Pages on these origins (the playground's) may call `POST /token` from a browser: the issuer is
   * on its own port, so the playground's sign-in is a cross-origin call. No other page may, so a
   * site open in the same browser cannot mint tokens.
   */
  allowBrowserOrigins(origins: readonly string[]): void {
    this.browserOrigins = [...origins];
  }

  /** Answer JWKS requests with 503 (false) or with the keys (true): an identity provider's outage. */
  setJwksAvailable(available: boolean): void {
    this.jwksAvailable = available;
  }

  /** Signs any claims as this issuer (RS256); tests use it to make tokens the authorizer must refuse. */
  sign(claims: Record<string, unknown>, options: SignOptions = {}): string {
    const key = this.keyFor(options.kid);
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...options.header };
    const input = `${encode(header)}.${encode(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }

  /** A token for `user`, valid for `ttlSeconds` from now, for the local stack's audience. */
  mint(user: string, ttlSeconds = DEFAULT_TTL_SECONDS): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign({
      iss: this.url,
      sub: user,
      aud: LOCAL_AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + ttlSeconds,
      name: user,
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private keyFor(kid?: string): SigningKey {
    const key = kid ? this.keys.find((k) => k.kid === kid) : this.keys[0];
    if (!key) throw new Error(`No signing key ${kid ?? ''}`);
    return key;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) would be same-origin
    // with the issuer and could mint tokens without any CORS check.
    if (!isLoopbackAuthority(req.headers.host)) {
      req.resume();
      return sendJson(res, 403, {
        error: { code: 'FORBIDDEN', message: 'The local issuer answers on loopback only' },
      });
    }
    const origin = req.headers.origin;
    const allowed = origin !== undefined && this.browserOrigins.includes(origin);
    if (path === '/token' && req.method === 'OPTIONS') {
      req.resume();
      if (!allowed)
        return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'Origin not allowed' } });
      res.writeHead(204, {
        ...corsHeaders(origin),
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      });
      return void res.end();
    }
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      if (!this.jwksAvailable)
        return sendJson(res, 503, { error: { code: 'UNAVAILABLE', message: 'JWKS is down' } });
      return sendJson(res, 200, { keys: this.keys.map((k) => k.publicJwk) });
    }
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return sendJson(res, 200, {
        issuer: this.url,
        jwks_uri: this.jwksUri,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'POST' && path === '/token') {
      if (origin !== undefined && !allowed) {
        req.resume();
        return sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'Origin not allowed' } });
      }
      const extra = allowed ? corsHeaders(origin) : {};
      const body = await readJson(req);
      const user = body?.user;
      const ttl = body?.ttlSeconds ?? DEFAULT_TTL_SECONDS;
      if (typeof user !== 'string' || !USER_NAME.test(user)) {
        return sendJson(
          res,
          400,
          { error: { code: 'VALIDATION_ERROR', message: 'user: 1-64 letters, digits, or . _ @ -' } },
          extra,
        );
      }
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
        return sendJson(
          res,
          400,
          { error: { code: 'VALIDATION_ERROR', message: 'ttlSeconds: 1-86400' } },
          extra,
        );
      }
      return sendJson(res, 200, { token: this.mint(user, ttl), tokenType: 'Bearer', expiresIn: ttl }, extra);
    }
    req.resume();
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${path}` } });
  }
}

async function readJson(req: IncomingMessage): Promise<{ user?: unknown; ttlSeconds?: unknown } | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}
