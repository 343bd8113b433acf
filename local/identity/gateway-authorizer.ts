import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerHandler } from 'aws-lambda';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { AUTHORIZER_RESULT_CACHE_SECONDS } from '../../config/identity.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';

/** A route's Lambda authorizer: TOKEN type, identity source `Authorization`, as `UserAuthorizer` makes it. */
export interface GatewayTokenAuthorizer {
  readonly handler: APIGatewayTokenAuthorizerHandler;
  readonly functionName: string;
}

/** What API Gateway makes of a TOKEN authorizer's answer. */
export type AuthorizerOutcome =
  | { readonly effect: 'allow'; readonly context: Record<string, string> }
  | { readonly effect: 'unauthorized' }
  | { readonly effect: 'denied'; readonly explicit: boolean }
  | { readonly effect: 'failed' };

/**
 * Runs a TOKEN authorizer the way API Gateway does: an absent or empty `Authorization` header is a
 * 401 without calling it; the error `Unauthorized` is a 401; a policy without an Allow of
 * `execute-api:Invoke` on the method, or with a Deny of it, is a 403; anything else (another error,
 * a malformed answer, a context value that is an object or an array) is the authorizer failing, a
 * 500. The context of an Allow, its numbers and booleans turned to strings as API Gateway passes
 * them, with the principal id, becomes `requestContext.authorizer`.
 */
export async function runTokenAuthorizer(
  authorizer: GatewayTokenAuthorizer,
  token: string | undefined,
  methodArn: string,
): Promise<AuthorizerOutcome> {
  if (!token) return { effect: 'unauthorized' };
  const cache = cacheOf(authorizer);
  let result = cache.get(token);
  if (result && result.expiresAt <= Date.now()) result = undefined;
  if (!result) {
    let answer: APIGatewayAuthorizerResult | undefined;
    try {
      answer = (await authorizer.handler(
        { type: 'TOKEN', authorizationToken: token, methodArn },
        lambdaContext(authorizer.functionName, functionTimeoutSeconds.authorizer * 1000, randomUUID()),
        () => undefined,
      )) as APIGatewayAuthorizerResult | undefined;
    } catch (error) {
      return (error as Error)?.message === 'Unauthorized' ? { effect: 'unauthorized' } : { effect: 'failed' };
    }
    if (!answer || typeof answer.principalId !== 'string' || !answer.policyDocument)
      return { effect: 'failed' };
    if (cache.size >= MAX_CACHED_TOKENS) cache.clear();
    result = { ...answer, expiresAt: Date.now() + AUTHORIZER_RESULT_CACHE_SECONDS * 1000 };
    cache.set(token, result);
  }
  const statements = result.policyDocument.Statement ?? [];
  // NotAction and NotResource are left to AWS's policy engine; a local stand-in must not guess them.
  if (statements.some((statement) => 'NotAction' in statement || 'NotResource' in statement))
    return { effect: 'failed' };
  const covers = (effect: string) =>
    statements.some(
      (statement) =>
        statement.Effect === effect &&
        ['Action' in statement ? statement.Action : []]
          .flat()
          .some((action) => arnMatches(String(action), 'execute-api:Invoke')) &&
        ['Resource' in statement ? statement.Resource : []]
          .flat()
          .some((resource) => arnMatches(String(resource), methodArn)),
    );
  const explicit = covers('Deny');
  if (explicit || !covers('Allow')) return { effect: 'denied', explicit };
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.context ?? {})) {
    if (value !== null && typeof value === 'object') return { effect: 'failed' };
    context[key] = String(value);
  }
  return { effect: 'allow', context: { ...context, principalId: result.principalId } };
}

/**
 * API Gateway keeps an authorizer's policy per token for the deployed `resultsCacheTtl` and judges
 * later calls of any method against it; errors (401, a failure) are not kept. Bounded: a flood of
 * distinct tokens empties it instead of growing it.
 */
const MAX_CACHED_TOKENS = 10_000;
type CachedResult = APIGatewayAuthorizerResult & { readonly expiresAt: number };
const caches = new WeakMap<GatewayTokenAuthorizer, Map<string, CachedResult>>();

function cacheOf(authorizer: GatewayTokenAuthorizer): Map<string, CachedResult> {
  let cache = caches.get(authorizer);
  if (!cache) {
    cache = new Map();
    caches.set(authorizer, cache);
  }
  return cache;
}

/** IAM's wildcards in an action or an execute-api ARN: `*` any run of characters, `?` one. */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}
