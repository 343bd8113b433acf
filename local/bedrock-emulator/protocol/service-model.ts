/**
 * AWS's botocore service models (vendored in `aws-models/`), read as data: the emulator's contract
 * for what a request may carry and what a response must look like. Only the parts of the format
 * the validators walk are typed here; everything else in the JSON is ignored.
 */
import { readFileSync } from 'node:fs';

export interface MemberRef {
  readonly shape: string;
  /** Where a request member travels when not in the JSON body. */
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
  readonly deprecated?: boolean;
  readonly idempotencyToken?: boolean;
  readonly jsonvalue?: boolean;
}

export interface Shape {
  readonly type:
    | 'structure'
    | 'string'
    | 'map'
    | 'list'
    | 'integer'
    | 'long'
    | 'float'
    | 'double'
    | 'blob'
    | 'boolean'
    | 'timestamp';
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly union?: boolean;
  /** A free-form JSON value (smithy `document`): nothing to check inside it. */
  readonly document?: boolean;
  readonly sensitive?: boolean;
  readonly timestampFormat?: 'iso8601' | 'rfc822' | 'unixTimestamp';
  readonly payload?: string;
  readonly event?: boolean;
  readonly eventstream?: boolean;
  readonly exception?: boolean;
  readonly error?: { readonly httpStatusCode?: number };
}

export interface OperationModel {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
}

export interface ServiceModel {
  readonly metadata: { readonly endpointPrefix: string; readonly protocol: string };
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

/** The vendored model files, by the service's endpoint prefix. */
export const serviceNames = ['bedrock-agent-runtime', 'bedrock-runtime', 'bedrock-agent', 'bedrock'] as const;
export type ServiceName = (typeof serviceNames)[number];

const modelsFolder = new URL('./aws-models/', import.meta.url);
const loaded = new Map<ServiceName, ServiceModel>();

/** Parsed once per process: the files are large and never change while it runs. */
export function serviceModel(service: ServiceName): ServiceModel {
  let model = loaded.get(service);
  if (model === undefined) {
    model = JSON.parse(readFileSync(new URL(`${service}.json`, modelsFolder), 'utf8')) as ServiceModel;
    loaded.set(service, model);
  }
  return model;
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (shape === undefined) throw new Error(`The service model has no shape ${name}.`);
  return shape;
}

export interface ModeledOperation {
  readonly service: ServiceName;
  readonly model: ServiceModel;
  readonly operation: OperationModel;
}

/**
 * The model's operation of that name served at that method and URI template. Services share no
 * operation names today, but the route must match too, so a mistyped route cannot borrow a model.
 */
export function findOperation(
  name: string,
  method: string,
  uriTemplate: string,
): ModeledOperation | undefined {
  for (const service of serviceNames) {
    const model = serviceModel(service);
    const operation = model.operations[name];
    if (operation === undefined) continue;
    const modeledPath = operation.http.requestUri.split('?')[0] ?? '';
    if (operation.http.method === method && samePath(modeledPath, uriTemplate)) {
      return { service, model, operation };
    }
  }
  return undefined;
}

/** Greedy labels (`{key+}`) and a trailing slash do not change which route a template names. */
function samePath(a: string, b: string): boolean {
  const normalize = (path: string) => path.replace(/\+\}/g, '}').replace(/\/$/, '');
  return normalize(a) === normalize(b);
}
