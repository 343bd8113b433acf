/**
 * The "Try it" lines `npm start` prints: a chat request that the chosen `--auth` mode accepts, so a
 * newcomer's first paste is answered, not refused with 401.
 */
import type { RouteAuth } from './identity/local-identity.ts';

export interface TryItOptions {
  /** The local API, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly apiKey: string;
  readonly auth: RouteAuth;
  /** The shell command that prints a user's token (the local identity's `tokenCommand`). */
  readonly tokenCommand: string;
}

const QUESTION = '{"message":"How do I reset my password?"}';

/** Shell lines to paste (one or two), run from the repository, where `npm run token` exists. */
export function tryItLines({ url, apiKey, auth, tokenCommand }: TryItOptions): string[] {
  const keyHeader = `-H 'x-api-key: ${apiKey}'`;
  const chat = `curl -s ${url}/v1/chat -H 'content-type: application/json'`;
  if (auth === 'api-key') return [`${chat} ${keyHeader} -d '${QUESTION}'`];
  const token = `TOKEN=$(${tokenCommand})`;
  const bearer = `-H "authorization: Bearer $TOKEN"`;
  return [token, `${chat} ${bearer}${auth === 'both' ? ` ${keyHeader}` : ''} -d '${QUESTION}'`];
}
