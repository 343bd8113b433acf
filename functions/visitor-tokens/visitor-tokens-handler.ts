import type { VisitorTokenIssuer } from '../../shared/auth/visitor-token-issuer.ts';
import type { CorsConfig } from '../../shared/config.ts';
import { restHandler } from '../../shared/http/handler.ts';
import { callerOf } from '../../shared/http/request.ts';
import { jsonResponse } from '../../shared/http/responses.ts';

/**
 * `POST /v1/visitor-tokens` (API key): a short-lived signed token for one anonymous visitor of a
 * public widget. The widget sends it as `Authorization: Bearer`; the visitor's sessions are theirs
 * until it expires. No body: a visitor has nothing to say about who they are. A key with an answer
 * profile (`keyProfiles`, from API_KEY_PROFILES) mints tokens carrying it, so its visitors are
 * answered within the key's profile.
 */
export const makeVisitorTokensHandler = (
  issuer: Pick<VisitorTokenIssuer, 'mint' | 'ttlSeconds'>,
  cors: CorsConfig,
  keyProfiles: ReadonlyMap<string, string> = new Map(),
) =>
  restHandler(async (event) => {
    // The gateway requires the key; this refuses an event that somehow came without one.
    const keyId = callerOf(event);
    const minted = await issuer.mint(new Date(), keyProfiles.get(keyId));
    return jsonResponse(201, {
      token: minted.token,
      tokenType: 'Bearer',
      expiresAt: minted.expiresAt.toISOString(),
      expiresIn: issuer.ttlSeconds,
    });
  }, cors);
