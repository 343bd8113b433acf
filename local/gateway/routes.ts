import type { RequestModel } from '../../config/request-models.ts';
import type { ApiHandler } from '../../shared/http/handler.ts';
import type { GatewayTokenAuthorizer } from '../identity/gateway-authorizer.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API Gateway method: the resource template (`/v1/sessions/{id}`) and the Lambda behind it. */
export interface GatewayRoute {
  readonly method: HttpMethod;
  readonly resource: string;
  /** A buffered proxy handler, or a response-streaming one (`awslambda.streamifyResponse`). */
  readonly handler: ApiHandler | awslambda.StreamingHandler;
  /** API Gateway's `apiKeyRequired`. */
  readonly apiKeyRequired: boolean;
  /**
   * `IAM`: the method's authorization type on AWS (SigV4-signed operator calls). Locally the
   * `x-admin-key` header stands in for the signature; chat API keys are refused.
   */
  readonly authorization?: 'IAM';
  /** Lambda function name, for the context object and log lines. */
  readonly functionName: string;
  /** The function's timeout as deployed (`config/function-timeouts.ts`): the invocation's deadline. */
  readonly timeoutSeconds: number;
  /** The method's Lambda authorizer (TOKEN type), run before the API key is checked, as API Gateway does. */
  readonly authorizer?: GatewayTokenAuthorizer;
  /** The body's request model (`config/request-models.ts`), checked before the handler runs, as `ChatApi` deploys it. */
  readonly requestModel?: RequestModel;
}

export interface RouteMatch {
  readonly route: GatewayRoute;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * Finds the route for a method and path, the way API Gateway matches resources: literal segments
 * match exactly, `{name}` matches one non-empty segment. Undefined when none does.
 */
export function matchRoute(
  routes: readonly GatewayRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const segments = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchSegments(route.resource.split('/').filter(Boolean), segments);
    if (params) return { route, pathParameters: Object.keys(params).length ? params : null };
  }
  return undefined;
}

function matchSegments(template: string[], segments: string[]): Record<string, string> | undefined {
  if (template.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of template.entries()) {
    const segment = segments[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) params[name] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/**
 * Whether a path is a resource of the API: a route's resource or any resource above it
 * (`/v1/sessions` above `/v1/sessions/{id}`), each of which answers OPTIONS on AWS.
 */
export function isResourcePath(routes: readonly GatewayRoute[], path: string): boolean {
  const segments = path.split('/').filter(Boolean);
  return routes.some((route) => {
    const template = route.resource.split('/').filter(Boolean);
    return (
      segments.length <= template.length &&
      matchSegments(template.slice(0, segments.length), segments) !== undefined
    );
  });
}
