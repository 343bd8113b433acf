/**
 * Where the emulator answers: the one AWS account it answers as, and the region each request was
 * signed for.
 */

/**
 * The account in the ARNs the emulator builds (AWS puts the caller's own account there; offline
 * there is no caller account, so every local ARN names this one).
 */
export const EMULATOR_ACCOUNT_ID = '000000000000';

const DEFAULT_REGION = 'us-east-1';

/** The region a request was signed for (SigV4 credential scope), which is where AWS would serve it. */
export function signedRegion(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const authorization = headers.authorization;
  const text = Array.isArray(authorization) ? authorization[0] : authorization;
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(text ?? '')?.[1] ?? DEFAULT_REGION;
}
