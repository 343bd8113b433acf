/**
 * The "Try it" lines `npm start` prints: a chat request that the chosen `--auth` mode accepts, so a
 * newcomer's first paste is answered, not refused with 401.
 */

export type StartAuth = 'api-key' | 'jwt' | 'both';

export interface TryItOptions {
  /** The local API, e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly apiKey: string;
  readonly auth: StartAuth;
  /** The local issuer `npm run token` asks for a user's token. */
  readonly issuerUrl: string;
  readonly user?: string;
}

const QUESTION = '{"message":"How do I reset my password?"}';

/** Shell lines to paste (one or two), run from the repository, where `npm run token` exists. */
export function tryItLines({ url, apiKey, auth, issuerUrl, user = 'alice' }: TryItOptions): string[] {
  const keyHeader = `-H 'x-api-key: ${apiKey}'`;
  const chat = `curl -s ${url}/v1/chat -H 'content-type: application/json'`;
  if (auth === 'api-key') return [`${chat} ${keyHeader} -d '${QUESTION}'`];
  // `-s` keeps npm's own header lines out of the captured token.
  const token = `TOKEN=$(npm run -s token -- --user ${user} --issuer ${issuerUrl})`;
  const bearer = `-H "authorization: Bearer $TOKEN"`;
  return [token, `${chat} ${bearer}${auth === 'both' ? ` ${keyHeader}` : ''} -d '${QUESTION}'`];
}
