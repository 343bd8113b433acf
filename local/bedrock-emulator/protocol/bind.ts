/**
 * restJson1 spreads one modeled structure over the URI, the query string, headers and the body.
 * These gather it back into one object, so a single shape walk checks every member wherever it
 * travelled, and a violation names the member, not the place it came from.
 */
import type { MemberRef, ServiceModel, Shape } from './service-model.ts';
import { shapeOf } from './service-model.ts';

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WireMessage {
  /** URI labels, percent-decoded (requests only). */
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: URLSearchParams;
  readonly headers: Headers;
  /** The parsed JSON body, or the payload member's value when the shape names one. */
  readonly body: unknown;
}

/** The structure a request or response carries, as one plain object keyed by member name. */
export function bindMessage(
  model: ServiceModel,
  shapeName: string,
  message: WireMessage,
): Record<string, unknown> {
  const shape = shapeOf(model, shapeName);
  const members = shape.members ?? {};
  const bound: Record<string, unknown> = {};
  if (shape.payload !== undefined) {
    bound[shape.payload] = message.body;
  } else if (typeof message.body === 'object' && message.body !== null && !Array.isArray(message.body)) {
    for (const [name, value] of Object.entries(message.body)) {
      // A member bound elsewhere is not read from the body, even when a client puts it there.
      if (members[name]?.location === undefined) bound[name] = value;
    }
  }
  for (const [name, member] of Object.entries(members)) {
    const value = locatedValue(model, member, name, message);
    if (value !== undefined) bound[name] = value;
  }
  return bound;
}

function locatedValue(model: ServiceModel, member: MemberRef, name: string, message: WireMessage): unknown {
  const key = member.locationName ?? name;
  const target = shapeOf(model, member.shape);
  switch (member.location) {
    case 'uri': {
      const raw = message.params?.[key];
      return raw === undefined ? undefined : scalar(target, raw);
    }
    case 'querystring': {
      if (message.query === undefined || !message.query.has(key)) return undefined;
      if (target.type === 'list') {
        const item = target.member === undefined ? undefined : shapeOf(model, target.member.shape);
        return message.query.getAll(key).map((raw) => (item === undefined ? raw : scalar(item, raw)));
      }
      return scalar(target, message.query.get(key) ?? '');
    }
    case 'header': {
      const raw = message.headers[key.toLowerCase()];
      const text = Array.isArray(raw) ? raw.join(',') : raw;
      return typeof text === 'string' ? scalar(target, text) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Text from a URI, query or header as the member's type. Text that is not a number stays text, so
 * the shape walk reports it instead of it silently becoming NaN.
 */
function scalar(shape: Shape, raw: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'float':
    case 'double':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}
