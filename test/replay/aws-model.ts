import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The emulator's vendored copy, held byte-equal to the team's models by its own test.
const MODELS_DIR = resolve(
  import.meta.dirname,
  '..',
  '..',
  'local',
  'bedrock-emulator',
  'protocol',
  'aws-models',
);

interface ModelOperation {
  readonly http: { readonly method: string; readonly requestUri: string };
}

interface ServiceModel {
  readonly operations: Record<string, ModelOperation>;
  readonly shapes: Record<
    string,
    { readonly enum?: string[]; readonly members?: Record<string, { shape: string }> }
  >;
}

const cache = new Map<string, ServiceModel>();

/** AWS's published model of a service (botocore JSON), read once. */
export function serviceModel(service: string): ServiceModel {
  let model = cache.get(service);
  if (!model) {
    model = JSON.parse(readFileSync(resolve(MODELS_DIR, `${service}.json`), 'utf8')) as ServiceModel;
    cache.set(service, model);
  }
  return model;
}

/** Whether a request's method and path are the operation's, as the model's `http` trait says. */
export function matchesOperation(
  service: string,
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
