import { createHash, createPrivateKey, createPublicKey, type KeyObject, randomUUID, sign } from 'node:crypto';

/** The audience of every visitor token: they are for Lantern's API and nothing else. */
export const VISITOR_AUDIENCE = 'lantern-visitor';

/** An Ed25519 private key in PKCS#8 DER is this prefix followed by the 32-byte seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The public half, as a JWKS entry the verifier is given without fetching anything. */
export interface VisitorJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/**
 * The key visitor tokens are signed with, derived from a secret string (a generated Secrets Manager
 * value on AWS, random per `npm start` locally): Secrets Manager generates strings, not key pairs,
 * and a derived key means the token route and the authorizer need only read that one secret.
 * Rotating the secret rotates the key and ends every visitor's sessions.
 */
export class VisitorKey {
  readonly jwk: VisitorJwk;
  private readonly privateKey: KeyObject;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('The visitor token secret must be at least 32 characters');
    const seed = createHash('sha256').update(secret).digest();
    this.privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const x = String(createPublicKey(this.privateKey).export({ format: 'jwk' }).x);
    const kid = createHash('sha256').update(x).digest('base64url').slice(0, 16);
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' };
  }

  /**
   * A signed visitor token for a new anonymous visitor, valid for `ttlSeconds` from `now`. `extra`
   * claims (the asking key's answer profile) come first, so they can never replace the standard ones.
   */
  mint(
    issuer: string,
    ttlSeconds: number,
    now: Date = new Date(),
    extra: Readonly<Record<string, string>> = {},
  ): MintedVisitorToken {
    const iat = Math.floor(now.getTime() / 1000);
    const visitorId = `visitor-${randomUUID()}`;
    const header = { alg: 'EdDSA', typ: 'JWT', kid: this.jwk.kid };
    const claims = {
      ...extra,
      iss: issuer,
      sub: visitorId,
      aud: VISITOR_AUDIENCE,
      iat,
      nbf: iat,
      exp: iat + ttlSeconds,
    };
    const signingInput = `${encode(header)}.${encode(claims)}`;
    const signature = sign(null, Buffer.from(signingInput), this.privateKey).toString('base64url');
    return { token: `${signingInput}.${signature}`, visitorId, expiresAt: new Date(claims.exp * 1000) };
  }
}

export interface MintedVisitorToken {
  readonly token: string;
  readonly visitorId: string;
  readonly expiresAt: Date;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
