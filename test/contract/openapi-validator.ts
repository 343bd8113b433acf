import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/**
 * Checks real HTTP responses against an OpenAPI 3.1 document: the status must be described for the
 * operation, the content type must be one it lists (none for an empty body), the body must match
 * that media type's schema (JSON Schema 2020-12, checked by Ajv with formats), and the response
 * headers it describes must be present when required and match their schemas.
 */

type Json = Record<string, unknown>;

export interface ObservedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or for `text/event-stream` the events as `{event, data}` with data parsed. */
  readonly body: unknown;
  /** The raw body was empty. */
  readonly empty: boolean;
}

export interface OpenApiChecker {
  /** What is wrong with `response` as an answer of `method` `path` (a path template); empty when nothing. */
  check(method: string, path: string, response: ObservedResponse): string[];
  /** The same, against a named response of `components.responses` (gateway errors of no operation). */
  checkComponentResponse(name: string, response: ObservedResponse): string[];
  /** `METHOD /path status` of every response checked so far against a described status. */
  readonly checked: ReadonlySet<string>;
}

const DOCUMENT_ID = 'openapi.json';

export function openApiChecker(document: Json): OpenApiChecker {
  // `discriminator`: a stream event's errors are those of its own kind, not of every other kind.
  const ajv = new Ajv2020({ allErrors: true, strict: false, discriminator: true });
  // A CommonJS module: its `default` is the plugin under Node's ESM loader and TypeScript's NodeNext alike.
  ajvFormats.default(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const validators = new Map<string, ValidateFunction>();
  const checked = new Set<string>();

  const validatorAt = (pointer: string[]): ValidateFunction => {
    const ref = `${DOCUMENT_ID}#/${pointer.map(escapePointerSegment).join('/')}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.getSchema(ref);
      if (!validate) throw new Error(`No schema at ${ref}`);
      validators.set(ref, validate);
    }
    return validate;
  };

  const checkResponse = (where: string[], described: Json, response: ObservedResponse): string[] => {
    const problems: string[] = [];
    const content = described.content as Record<string, Json> | undefined;
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (!content) {
      if (!response.empty) problems.push(`a body, where the description has none (${contentType})`);
    } else if (!contentType || !(contentType in content)) {
      problems.push(`content type ${contentType}, not one of ${Object.keys(content).join(', ')}`);
    } else {
      const validate = validatorAt([...where, 'content', contentType, 'schema']);
      const items = contentType === 'text/event-stream' ? (response.body as unknown[]) : [response.body];
      for (const [index, item] of items.entries()) {
        if (!validate(item)) {
          const label = contentType === 'text/event-stream' ? `event ${index} ` : '';
          problems.push(`${label}${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
        }
      }
    }
    for (const [name, header] of Object.entries((described.headers ?? {}) as Record<string, Json>)) {
      const resolved = resolve(document, header);
      const value = response.headers.get(name);
      if (value === null) {
        if (resolved.required) problems.push(`no ${name} header, which is required`);
        continue;
      }
      const schema = resolved.schema as Json | undefined;
      const typed = schema?.type === 'integer' || schema?.type === 'number' ? Number(value) : value;
      const validate = schema ? ajv.compile(schema) : undefined;
      if (validate && !validate(typed)) problems.push(`header ${name}: ${ajv.errorsText(validate.errors)}`);
    }
    return problems;
  };

  return {
    checked,
    check(method, path, response) {
      const operation = (document.paths as Record<string, Record<string, Json>>)[path]?.[
        method.toLowerCase()
      ];
      if (!operation) return [`${method} ${path} is not described`];
      const responses = operation.responses as Record<string, Json>;
      const described = responses[String(response.status)];
      if (!described) return [`status ${response.status} is not described for ${method} ${path}`];
      checked.add(`${method.toUpperCase()} ${path} ${response.status}`);
      const where = refPointer(described) ?? [
        'paths',
        path,
        method.toLowerCase(),
        'responses',
        String(response.status),
      ];
      return checkResponse(where, resolve(document, described), response).map(
        (problem) => `${method} ${path} ${response.status}: ${problem}`,
      );
    },
    checkComponentResponse(name, response) {
      const described = ((document.components as Json).responses as Record<string, Json>)[name];
      if (!described) return [`no response ${name} under components.responses`];
      return checkResponse(['components', 'responses', name], described, response).map(
        (problem) => `${name}: ${problem}`,
      );
    },
  };
}

/** `#/components/responses/X` as pointer segments, when `node` is a reference. */
function refPointer(node: Json): string[] | undefined {
  const ref = node.$ref;
  if (typeof ref !== 'string') return undefined;
  if (!ref.startsWith('#/')) throw new Error(`Only local references are supported: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function resolve(document: Json, node: Json): Json {
  let current = node;
  // References point at components, which do not chain far; the bound keeps a cycle from hanging.
  for (let hops = 0; hops < 10; hops += 1) {
    const pointer = refPointer(current);
    if (!pointer) return current;
    current = pointer.reduce<Json>((parent, segment) => parent[segment] as Json, document);
  }
  throw new Error('Reference chain too long');
}

/** A JSON pointer segment inside a URI fragment. */
function escapePointerSegment(segment: string): string {
  return encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));
}
