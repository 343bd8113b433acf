import { type ServiceName, serviceModel } from '../../local/bedrock-emulator/protocol/service-model.ts';

// The emulator's loader of AWS's vendored models (held byte-equal to the team's copy by its own test).
export { serviceModel };

/** Whether a request's method and path are the operation's, as the model's `http` trait says. */
export function matchesOperation(
  service: ServiceName,
  operation: string,
  request: { readonly method: string; readonly path: string },
): boolean {
  const http = serviceModel(service).operations[operation]?.http;
  if (!http) return false;
  const [template = ''] = http.requestUri.split('?');
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? (part.endsWith('+}') ? '.+' : '[^/]+') : escapeRegExp(part)))
    .join('');
  const [path = ''] = request.path.split('?');
  return request.method === http.method && new RegExp(`^${pattern}$`).test(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
