import type {
  APIGatewayAuthorizerResult,
  APIGatewayTokenAuthorizerEvent,
  APIGatewayTokenAuthorizerHandler,
} from 'aws-lambda';
import { bearerToken, TokenRejectedError } from '../../shared/auth/bearer-token.ts';
import { AUTHORIZER_CONTEXT } from '../../shared/auth/owner.ts';
import type { TokenVerifier } from '../../shared/auth/token-verifier.ts';
import { countMetric, type LanternMetric, publishMetrics } from '../../shared/observability.ts';

/** The metric counting refused tokens, in total and by reason. */
export const AUTHORIZER_FAILURE_METRIC = 'AuthorizerFailure' satisfies LanternMetric;

/**
 * The API's Lambda authorizer (TOKEN type, identity source `Authorization`): a verified token is
 * allowed on every method of the stage (so API Gateway's cached answer serves the token's next calls
 * to any route) with issuer and subject in the context, from which the handlers take the owner,
 * and for a visitor token the answer profile it was minted for, which confines its answers.
 * Anything else, including a failure of the verifier itself, is the one error API Gateway turns into
 * a 401 (`Unauthorized`): any other throw would be a 500.
 */
export const makeAuthorizerHandler =
  (
    verifier: TokenVerifier,
    count: (reason: string) => void = countFailure,
  ): APIGatewayTokenAuthorizerHandler =>
  async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    try {
      const principal = await verifier.verify(bearerToken(event.authorizationToken));
      return {
        principalId: principal.subject,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArn(event.methodArn) }],
        },
        context: {
          [AUTHORIZER_CONTEXT.issuer]: principal.issuer,
          [AUTHORIZER_CONTEXT.subject]: principal.subject,
          [AUTHORIZER_CONTEXT.kind]: principal.kind,
          ...(principal.profile ? { [AUTHORIZER_CONTEXT.profile]: principal.profile } : {}),
        },
      };
    } catch (error) {
      const reason = error instanceof TokenRejectedError ? error.reason : 'invalid';
      // Counted by reason, not logged: the metric says why, the token and its claims stay out of
      // every record, and the authorizer's bundle stays within its cold-start budget without Logger.
      count(reason);
      throw new Error('Unauthorized');
    }
  };

/** `arn:aws:execute-api:region:account:api/stage/METHOD/path` → every method and path of that stage. */
function stageArn(methodArn: string): string {
  const [api = '', stage = ''] = methodArn.split('/');
  return `${api}/${stage}/*/*`;
}

function countFailure(reason: string): void {
  try {
    countMetric(AUTHORIZER_FAILURE_METRIC, { Reason: reason });
    publishMetrics();
  } catch {
    // A metric that cannot be written must not turn a 401 into a 500.
  }
}
