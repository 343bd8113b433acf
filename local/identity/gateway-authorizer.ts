import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerHandler } from 'aws-lambda';
import { lambdaContext } from '../gateway/proxy-event.ts';

/** A route's Lambda authorizer: TOKEN type, identity source `Authorization`, as `UserAuthorizer` makes it. */
export interface GatewayTokenAuthorizer {
  readonly handler: APIGatewayTokenAuthorizerHandler;
  readonly functionName: string;
}

/** What API Gateway makes of a TOKEN authorizer's answer. */
export type AuthorizerOutcome =
  | { readonly effect: 'allow'; readonly context: Record<string, string | number | boolean> }
  | { readonly effect: 'unauthorized' }
  | { readonly effect: 'denied' }
  | { readonly effect: 'failed' };

/**
 * Runs a TOKEN authorizer the way API Gateway does: an absent or empty `Authorization` header is a
 * 401 without calling it; the error `Unauthorized` is a 401; a policy without an Allow for the method
 * is a 403; anything else (another error, a malformed answer) is the authorizer failing, a 500. The
 * context of an Allow, with the principal id, becomes `requestContext.authorizer`.
 */
export async function runTokenAuthorizer(
  authorizer: GatewayTokenAuthorizer,
  header: string | string[] | undefined,
  methodArn: string,
): Promise<AuthorizerOutcome> {
  const token = typeof header === 'string' ? header : undefined;
  if (!token) return { effect: 'unauthorized' };
  let result: APIGatewayAuthorizerResult | undefined;
  try {
    result = (await authorizer.handler(
      { type: 'TOKEN', authorizationToken: token, methodArn },
      lambdaContext(authorizer.functionName, 10_000, randomUUID()),
      () => undefined,
    )) as APIGatewayAuthorizerResult | undefined;
  } catch (error) {
    return (error as Error)?.message === 'Unauthorized' ? { effect: 'unauthorized' } : { effect: 'failed' };
  }
  if (!result || typeof result.principalId !== 'string' || !result.policyDocument)
    return { effect: 'failed' };
  const statements = result.policyDocument.Statement ?? [];
  const covers = (effect: string) =>
    statements.some((statement) => {
      const resources = 'Resource' in statement ? [statement.Resource].flat() : [];
      return (
        statement.Effect === effect && resources.some((resource) => arnMatches(String(resource), methodArn))
      );
    });
  if (covers('Deny') || !covers('Allow')) return { effect: 'denied' };
  return { effect: 'allow', context: { ...(result.context ?? {}), principalId: result.principalId } };
}

/** IAM's wildcards in an execute-api ARN: `*` any run of characters, `?` one. */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}

/** The ARN API Gateway names a method by in the authorizer's event. */
export function localMethodArn(method: string, path: string): string {
  return `arn:aws:execute-api:us-east-1:000000000000:local/prod/${method}${path}`;
}
