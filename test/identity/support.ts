import { createHmac } from 'node:crypto';
import type { LocalIssuer } from '../../local/identity/local-issuer.ts';
import { LOCAL_AUDIENCE } from '../../local/identity/local-issuer.ts';

export interface CallResult {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  readonly body: any;
}

/** One HTTP call to the local gateway with the credentials given (a bearer token, an API key, both). */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  credentials: { readonly token?: string; readonly apiKey?: string; readonly authorization?: string },
  body?: unknown,
): Promise<CallResult> {
  const authorization =
    credentials.authorization ?? (credentials.token ? `Bearer ${credentials.token}` : undefined);
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(authorization ? { authorization } : {}),
      ...(credentials.apiKey ? { 'x-api-key': credentials.apiKey } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

const now = () => Math.floor(Date.now() / 1000);

/** Claims the local stack's authorizer accepts for `sub`, with overrides. */
export function claims(issuer: LocalIssuer, sub: string, overrides: Record<string, unknown> = {}) {
  const t = now();
  return { iss: issuer.url, sub, aud: LOCAL_AUDIENCE, iat: t, nbf: t, exp: t + 600, ...overrides };
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The bad tokens of issue 23, each made with the local issuer's real key where a signature matters. */
export function badTokens(issuer: LocalIssuer) {
  const t = now();
  const valid = issuer.sign(claims(issuer, 'alice'));
  const [header, , signature] = valid.split('.');
  const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid as string;
  const hsInput = `${encode({ alg: 'HS256', typ: 'JWT', kid })}.${encode(claims(issuer, 'alice'))}`;
  return {
    expired: issuer.sign(claims(issuer, 'alice', { iat: t - 7200, nbf: t - 7200, exp: t - 3600 })),
    'not yet valid': issuer.sign(claims(issuer, 'alice', { nbf: t + 3600, exp: t + 7200 })),
    'wrong audience': issuer.sign(claims(issuer, 'alice', { aud: 'another-app' })),
    'wrong issuer': issuer.sign(claims(issuer, 'alice', { iss: 'https://issuer.example.com' })),
    'alg none': `${encode({ alg: 'none', typ: 'JWT', kid })}.${encode(claims(issuer, 'alice'))}.`,
    'HS256 signed with the RSA public key': `${hsInput}.${createHmac('sha256', issuer.publicKeyPem())
      .update(hsInput)
      .digest('base64url')}`,
    'tampered payload': `${header}.${encode(claims(issuer, 'bob'))}.${signature}`,
    oversized: issuer.sign(claims(issuer, 'alice', { padding: 'x'.repeat(9 * 1024) })),
  } as const;
}
