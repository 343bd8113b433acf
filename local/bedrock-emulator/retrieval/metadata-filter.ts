/**
 * Bedrock's metadata filter (`vectorSearchConfiguration.filter`, shape `RetrievalFilter`): what
 * the model cannot check, checked as AWS documents it, and a chunk's attributes judged against it.
 *
 * The model already refuses a filter object without exactly one operator (it is a union), an
 * `andAll`/`orAll` of fewer than two filters and a key outside 1..100 characters. `value` is a
 * JSON document there, so its type per operator, the size of a group and the nesting are checked
 * here, from the user guide's "Metadata and filtering" table (kb-test-config.html): comparisons
 * of numbers take a number, `in`/`notIn` a list of strings, the string operators a string;
 * `andAll`/`orAll` combine up to 5 filters and nest one level deep.
 *
 * Matching follows the API reference: a document without the key matches neither a comparison
 * nor a string operator, but does match `notEquals` and `notIn` ("the key is not present in the
 * document"). Types never convert: `"2024"` does not equal `2024`. A list attribute `equals` (or is
 * `in`) when one of its members does, as both stores behind Bedrock compare array fields (S3
 * Vectors' `$eq`/`$in`, OpenSearch's term queries). `stringContains` also matches a list holding a
 * member that contains the text; `listContains` needs a list attribute.
 */
import { validationError } from '../errors.ts';
import type { DocumentMetadata, MetadataValue } from '../ingestion/metadata.ts';
import { type Violation, validationMessage } from '../protocol/validate.ts';

export const COMPARISON_OPERATORS = [
  'equals',
  'notEquals',
  'greaterThan',
  'greaterThanOrEquals',
  'lessThan',
  'lessThanOrEquals',
  'in',
  'notIn',
  'startsWith',
  'listContains',
  'stringContains',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];
export type LogicalOperator = 'andAll' | 'orAll';

export interface FilterAttribute {
  readonly key: string;
  readonly value: unknown;
}

export type RetrievalFilter =
  | { readonly [op in LogicalOperator]?: readonly RetrievalFilter[] }
  | { readonly [op in ComparisonOperator]?: FilterAttribute };

/** "You can combine up to 5 filter groups … you can only create one level of embedding." */
export const MAX_GROUP_SIZE = 5;
export const MAX_NESTING = 1;

type ValueKind = 'scalar' | 'number' | 'string' | 'stringList';

const VALUE_KIND: Readonly<Record<ComparisonOperator, ValueKind>> = {
  equals: 'scalar',
  notEquals: 'scalar',
  greaterThan: 'number',
  greaterThanOrEquals: 'number',
  lessThan: 'number',
  lessThanOrEquals: 'number',
  in: 'stringList',
  notIn: 'stringList',
  startsWith: 'string',
  listContains: 'string',
  stringContains: 'string',
};

const KIND_CONSTRAINT: Readonly<Record<ValueKind, string>> = {
  scalar: 'Member must be a string, a number or a boolean',
  number: 'Member must be a number',
  string: 'Member must be a string',
  stringList: 'Member must be a non-empty list of strings',
};

/**
 * Throws a ValidationException naming each member that breaks a rule the model cannot express,
 * worded like the model-driven ones (`path` is where the filter sits in the request). The filter
 * is sensitive in the model, so values are never echoed.
 */
export function assertValidFilter(filter: unknown, path: string): asserts filter is RetrievalFilter {
  const violations: Violation[] = [];
  check(filter, path, 0, violations);
  if (violations.length > 0) throw validationError(validationMessage(violations));
}

function check(filter: unknown, path: string, depth: number, out: Violation[]): void {
  if (filter === null || typeof filter !== 'object') return;
  for (const [operator, operand] of Object.entries(filter)) {
    if (operand === undefined || operand === null) continue;
    const at = `${path}.${operator}`;
    if (operator === 'andAll' || operator === 'orAll') {
      if (!Array.isArray(operand)) continue;
      if (operand.length > MAX_GROUP_SIZE) {
        out.push({
          path: at,
          constraint: `Member must have length less than or equal to ${MAX_GROUP_SIZE}`,
          shown: undefined,
        });
      }
      if (depth > MAX_NESTING) {
        out.push({
          path: at,
          constraint: `Member must not nest andAll or orAll more than ${MAX_NESTING} level deep`,
          shown: undefined,
        });
        continue;
      }
      operand.forEach((item, i) => {
        check(item, `${at}.${i + 1}.member`, depth + 1, out);
      });
      continue;
    }
    const kind = VALUE_KIND[operator as ComparisonOperator];
    if (kind === undefined) continue;
    const value = (operand as { value?: unknown }).value;
    if (value !== undefined && value !== null && !isKind(value, kind)) {
      out.push({ path: `${at}.value`, constraint: KIND_CONSTRAINT[kind], shown: undefined });
    }
  }
}

function isKind(value: unknown, kind: ValueKind): boolean {
  switch (kind) {
    case 'scalar':
      return (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
      );
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'stringList':
      return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
  }
}

/** Whether a document's attributes satisfy a filter already checked by `assertValidFilter`. */
export function matchesFilter(filter: RetrievalFilter, attributes: DocumentMetadata): boolean {
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.andAll))
    return (f.andAll as RetrievalFilter[]).every((item) => matchesFilter(item, attributes));
  if (Array.isArray(f.orAll))
    return (f.orAll as RetrievalFilter[]).some((item) => matchesFilter(item, attributes));
  for (const operator of COMPARISON_OPERATORS) {
    const operand = f[operator] as FilterAttribute | undefined;
    if (operand !== undefined && operand !== null)
      return compare(operator, attributes[operand.key], operand.value);
  }
  return false;
}

function compare(
  operator: ComparisonOperator,
  attribute: MetadataValue | undefined,
  value: unknown,
): boolean {
  switch (operator) {
    case 'equals':
      return sameScalar(attribute, value);
    case 'notEquals':
      return !sameScalar(attribute, value);
    case 'greaterThan':
      return typeof attribute === 'number' && attribute > (value as number);
    case 'greaterThanOrEquals':
      return typeof attribute === 'number' && attribute >= (value as number);
    case 'lessThan':
      return typeof attribute === 'number' && attribute < (value as number);
    case 'lessThanOrEquals':
      return typeof attribute === 'number' && attribute <= (value as number);
    case 'in':
      return isIn(attribute, value as string[]);
    case 'notIn':
      return !isIn(attribute, value as string[]);
    case 'startsWith':
      return typeof attribute === 'string' && attribute.startsWith(value as string);
    case 'listContains':
      return Array.isArray(attribute) && attribute.includes(value as string);
    case 'stringContains':
      if (typeof attribute === 'string') return attribute.includes(value as string);
      return Array.isArray(attribute) && attribute.some((member) => member.includes(value as string));
  }
}

function sameScalar(attribute: MetadataValue | undefined, value: unknown): boolean {
  if (Array.isArray(attribute)) return typeof value === 'string' && attribute.includes(value);
  return attribute === value;
}

function isIn(attribute: MetadataValue | undefined, values: readonly string[]): boolean {
  if (typeof attribute === 'string') return values.includes(attribute);
  return Array.isArray(attribute) && attribute.some((member) => values.includes(member));
}
