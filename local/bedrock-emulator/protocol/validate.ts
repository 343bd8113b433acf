/**
 * One walker over a value and a model shape, reporting every broken constraint the way AWS words
 * it ("Value 'x' at 'a.b' failed to satisfy constraint: Member must …"). Requests are checked
 * leniently, as AWS does (unknown members ignored); the conformance suite checks responses
 * strictly (unknown members, timestamp formats, a deprecated member carrying a value alone).
 */
import { compilePattern } from './patterns.ts';
import { type ServiceModel, type Shape, shapeOf } from './service-model.ts';

export interface Violation {
  /** Member names joined with dots; list items as `name.N.member` (1-based), AWS's notation. */
  readonly path: string;
  readonly constraint: string;
  /** The value as AWS echoes it, or `undefined` when it is not echoed (sensitive or structured). */
  readonly shown: string | undefined;
}

export interface CheckOptions {
  /** Responses: no member the model lacks, timestamps in the model's format, no deprecated-only value. */
  readonly strict?: boolean;
  /** A pattern that cannot be translated is skipped; strict checks report it instead of passing it. */
  readonly onUntranslatablePattern?: (pattern: string, reason: string) => void;
}

export function checkShape(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  options: CheckOptions = {},
): Violation[] {
  const violations: Violation[] = [];
  new Walker(model, options, violations).walk(shapeName, value, '', false);
  return violations;
}

/** AWS's summary line, e.g. "2 validation errors detected: Value … ; Value …". */
export function validationMessage(violations: readonly Violation[]): string {
  const count = violations.length;
  const details = violations.map(
    (v) =>
      `Value ${v.shown === undefined ? '' : `${v.shown} `}at '${v.path}' failed to satisfy constraint: ${v.constraint}`,
  );
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${details.join('; ')}`;
}

const join = (path: string, name: string) => (path === '' ? name : `${path}.${name}`);
const isPresent = (value: unknown) => value !== undefined && value !== null;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Walker {
  constructor(
    private readonly model: ServiceModel,
    private readonly options: CheckOptions,
    private readonly out: Violation[],
  ) {}

  walk(shapeName: string, value: unknown, path: string, sensitiveAbove: boolean): void {
    if (!isPresent(value)) return;
    const shape = shapeOf(this.model, shapeName);
    const sensitive = sensitiveAbove || shape.sensitive === true;
    const report = (constraint: string): void => {
      this.out.push({ path, constraint, shown: show(value, sensitive) });
    };
    switch (shape.type) {
      case 'structure':
        this.structure(shape, value, path, sensitive, report);
        return;
      case 'list':
        if (!Array.isArray(value)) {
          report('Member must be a list');
          return;
        }
        this.length(shape, value.length, report);
        value.forEach((item, i) => {
          if (shape.member !== undefined)
            this.walk(shape.member.shape, item, `${path}.${i + 1}.member`, sensitive);
        });
        return;
      case 'map':
        if (!isRecord(value)) {
          report('Member must be a map');
          return;
        }
        this.length(shape, Object.keys(value).length, report);
        for (const [key, item] of Object.entries(value)) {
          if (shape.key !== undefined) this.walk(shape.key.shape, key, join(path, key), sensitive);
          if (shape.value !== undefined) this.walk(shape.value.shape, item, join(path, key), sensitive);
        }
        return;
      case 'string':
        if (typeof value !== 'string') {
          report('Member must be a string');
          return;
        }
        this.string(shape, value, report);
        return;
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          report('Member must be an integer');
          return;
        }
        this.range(shape, value, report);
        return;
      case 'float':
      case 'double':
        // JSON cannot carry these three; the protocol sends them as strings.
        if (typeof value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(value)) return;
        if (typeof value !== 'number') {
          report('Member must be a number');
          return;
        }
        this.range(shape, value, report);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') report('Member must be a boolean');
        return;
      case 'blob':
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
          report('Member must be base64-encoded');
          return;
        }
        this.length(shape, Buffer.from(value, 'base64').length, report);
        return;
      case 'timestamp':
        this.timestamp(shape, value, report);
        return;
    }
  }

  private structure(
    shape: Shape,
    value: unknown,
    path: string,
    sensitive: boolean,
    report: (constraint: string) => void,
  ): void {
    // An event stream is a sequence of messages, each checked against its event's shape on its own.
    if (shape.document || shape.eventstream) return;
    if (!isRecord(value)) {
      report('Member must be a structure');
      return;
    }
    const members = shape.members ?? {};
    for (const name of shape.required ?? []) {
      if (!isPresent(value[name]))
        this.out.push({ path: join(path, name), constraint: 'Member must not be null', shown: 'null' });
    }
    const set = Object.keys(members).filter((name) => isPresent(value[name]));
    if (shape.union && set.length !== 1) {
      report(`Member must have exactly one of its members set: [${Object.keys(members).join(', ')}]`);
    }
    if (this.options.strict) {
      for (const name of Object.keys(value)) {
        if (!(name in members))
          this.out.push({
            path: join(path, name),
            constraint: 'Member is not in the model',
            shown: undefined,
          });
      }
      const carriers = set.filter((name) => !members[name]?.deprecated);
      if (set.length > 0 && carriers.length === 0) {
        report(`Member carries its value only in deprecated members: [${set.join(', ')}]`);
      }
    }
    for (const name of set) {
      const member = members[name];
      if (member !== undefined) this.walk(member.shape, value[name], join(path, name), sensitive);
    }
  }

  private string(shape: Shape, value: string, report: (constraint: string) => void): void {
    this.length(shape, value.length, report);
    if (shape.pattern !== undefined) {
      const compiled = compilePattern(shape.pattern);
      if (!compiled.ok) this.options.onUntranslatablePattern?.(shape.pattern, compiled.reason);
      else if (!compiled.regex.test(value)) {
        report(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
    }
    if (shape.enum !== undefined && !shape.enum.includes(value)) {
      report(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
    }
  }

  private length(shape: Shape, length: number, report: (constraint: string) => void): void {
    if (shape.min !== undefined && length < shape.min) {
      report(`Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && length > shape.max) {
      report(`Member must have length less than or equal to ${shape.max}`);
    }
  }

  private range(shape: Shape, value: number, report: (constraint: string) => void): void {
    if (shape.min !== undefined && value < shape.min) {
      report(`Member must have value greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && value > shape.max) {
      report(`Member must have value less than or equal to ${shape.max}`);
    }
  }

  /**
   * restJson1 sends body timestamps as epoch seconds unless the shape names a format; requests
   * are taken in any of the protocol's formats, responses must use the model's.
   */
  private timestamp(shape: Shape, value: unknown, report: (constraint: string) => void): void {
    const format = shape.timestampFormat ?? 'unixTimestamp';
    const epoch = typeof value === 'number' && Number.isFinite(value);
    const text = typeof value === 'string' && !Number.isNaN(Date.parse(value));
    if (!this.options.strict) {
      if (!epoch && !text) report('Member must be a timestamp');
      return;
    }
    if (format === 'unixTimestamp' ? !epoch : !text) report(`Member must be a timestamp in ${format} format`);
  }
}

/** Scalars and lists of scalars are echoed; sensitive members and structures never are. */
function show(value: unknown, sensitive: boolean): string | undefined {
  if (sensitive) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return `'${value}'`;
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) {
    return `'[${value.join(', ')}]'`;
  }
  return undefined;
}
