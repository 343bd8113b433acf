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
import type { VectorStore } from '../../../config/answer-settings-core.ts';
import { validationError } from '../errors.ts';
import type { DocumentMetadata, MetadataValue } from '../ingestion/metadata.ts';
import { type Violation, validationMessage } from '../protocol/validate.ts';

type Scalar = string | number | boolean;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every(isString);
const isScalar = (value: unknown): value is Scalar =>
  isString(value) || isNumber(value) || typeof value === 'boolean';

/** Each value type an operator takes: its test, and the constraint a wrong value breaks. */
type Kind = { readonly test: (value: unknown) => boolean; readonly constraint: string };
const SCALAR = { test: isScalar, constraint: 'Member must be a string, a number or a boolean' };
const NUMBER = { test: isNumber, constraint: 'Member must be a number' };
const STRING = { test: isString, constraint: 'Member must be a string' };
const STRING_LIST = { test: isStringList, constraint: 'Member must be a non-empty list of strings' };

type Attribute = MetadataValue | undefined;
/** A list attribute equals (is in) when a member does, as both stores behind Bedrock compare arrays. */
const same = (a: Attribute, value: unknown) =>
  Array.isArray(a) ? isString(value) && a.includes(value) : a === value;
const isIn = (a: Attribute, values: readonly string[]) =>
  isString(a) ? values.includes(a) : Array.isArray(a) && a.some((member) => values.includes(member));
const num = (a: Attribute, compare: (n: number) => boolean) => typeof a === 'number' && compare(a);

/** Each comparison: the value it takes, and whether an attribute satisfies it (absent: undefined). */
const OPERATORS = {
  equals: { kind: SCALAR, matches: (a, v) => same(a, v) },
  notEquals: { kind: SCALAR, matches: (a, v) => !same(a, v) },
  greaterThan: { kind: NUMBER, matches: (a, v) => num(a, (n) => n > (v as number)) },
  greaterThanOrEquals: { kind: NUMBER, matches: (a, v) => num(a, (n) => n >= (v as number)) },
  lessThan: { kind: NUMBER, matches: (a, v) => num(a, (n) => n < (v as number)) },
  lessThanOrEquals: { kind: NUMBER, matches: (a, v) => num(a, (n) => n <= (v as number)) },
  in: { kind: STRING_LIST, matches: (a, v) => isIn(a, v as string[]) },
  notIn: { kind: STRING_LIST, matches: (a, v) => !isIn(a, v as string[]) },
  startsWith: { kind: STRING, matches: (a, v) => isString(a) && a.startsWith(v as string) },
  listContains: { kind: STRING, matches: (a, v) => Array.isArray(a) && a.includes(v as string) },
  stringContains: {
    kind: STRING,
    matches: (a, v) =>
      isString(a) ? a.includes(v as string) : Array.isArray(a) && a.some((m) => m.includes(v as string)),
  },
} satisfies Record<string, { kind: Kind; matches: (a: Attribute, v: unknown) => boolean }>;
type ComparisonOperator = keyof typeof OPERATORS;
type LogicalOperator = 'andAll' | 'orAll';
type FilterAttribute = { readonly key: string; readonly value: unknown };

export type RetrievalFilter =
  | { readonly [op in LogicalOperator]?: readonly RetrievalFilter[] }
  | { readonly [op in ComparisonOperator]?: FilterAttribute };

/**
 * S3 Vectors filters with no prefix or substring match (S3 Vectors "Metadata filtering"; the API
 * model documents `startsWith` for OpenSearch Serverless only), so a knowledge base there refuses
 * these; Bedrock's wording for that is on no record.
 */
const PREFIX_OR_SUBSTRING = ['startsWith', 'stringContains'];

/** "You can combine up to 5 filter groups … you can only create one level of embedding." */
const MAX_GROUP_SIZE = 5;
const MAX_NESTING = 1;

/**
 * Throws a ValidationException naming each member that breaks a rule the model cannot express,
 * worded like the model-driven ones (`path` is where the filter sits in the request). The filter
 * is sensitive in the model, so values are never echoed.
 */
export function assertValidFilter(
  filter: unknown,
  path: string,
  store: VectorStore,
): asserts filter is RetrievalFilter {
  const violations: Violation[] = [];
  check(filter, path, 0, store === 's3-vectors' ? PREFIX_OR_SUBSTRING : [], violations);
  if (violations.length > 0) throw validationError(validationMessage(violations));
}

/** `refused`: the operators the knowledge base's store cannot evaluate. */
function check(filter: unknown, path: string, depth: number, refused: readonly string[], out: Violation[]) {
  if (filter === null || typeof filter !== 'object') return;
  for (const [operator, operand] of Object.entries(filter)) {
    if (operand === undefined || operand === null) continue;
    const at = `${path}.${operator}`;
    const fail = (member: string, constraint: string) =>
      out.push({ path: member, constraint, shown: undefined });
    if (operator === 'andAll' || operator === 'orAll') {
      if (!Array.isArray(operand)) continue;
      if (operand.length > MAX_GROUP_SIZE)
        fail(at, `Member must have length less than or equal to ${MAX_GROUP_SIZE}`);
      if (depth > MAX_NESTING)
        fail(at, `Member must not nest andAll or orAll more than ${MAX_NESTING} level deep`);
      else
        for (const [i, item] of operand.entries())
          check(item, `${at}.${i + 1}.member`, depth + 1, refused, out);
      continue;
    }
    if (refused.includes(operator))
      fail(at, "Member is not supported by this knowledge base's vector store (S3 Vectors)");
    // Own keys only: "constructor" or "toString" is no operator, whatever every object inherits.
    const kind = Object.hasOwn(OPERATORS, operator)
      ? OPERATORS[operator as ComparisonOperator].kind
      : undefined;
    const value = (operand as { value?: unknown }).value;
    if (kind !== undefined && value !== undefined && value !== null && !kind.test(value))
      fail(`${at}.value`, kind.constraint);
  }
}

/** Whether a document's attributes satisfy a filter already checked by `assertValidFilter`. */
export function matchesFilter(filter: RetrievalFilter, attributes: DocumentMetadata): boolean {
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.andAll)) return f.andAll.every((item) => matchesFilter(item, attributes));
  if (Array.isArray(f.orAll)) return f.orAll.some((item) => matchesFilter(item, attributes));
  for (const [operator, { matches }] of Object.entries(OPERATORS)) {
    const operand = f[operator] as FilterAttribute | undefined | null;
    if (operand !== undefined && operand !== null) return matches(attributes[operand.key], operand.value);
  }
  return false;
}
