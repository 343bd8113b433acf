import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../../../local/bedrock-emulator/errors.ts';
import {
  assertValidFilter,
  matchesFilter,
  type RetrievalFilter,
} from '../../../../local/bedrock-emulator/retrieval/metadata-filter.ts';

const KEYS = ['a', 'b', 'c'] as const;
const key = fc.constantFrom(...KEYS);
const text = fc.constantFrom('x', 'xy', 'y', 'yx', '');
const scalar = fc.oneof(text, fc.integer({ min: -3, max: 3 }), fc.boolean());
const attributes = fc.dictionary(key, fc.oneof(scalar, fc.array(text, { maxLength: 3 })), { maxKeys: 3 });
const leaf: fc.Arbitrary<RetrievalFilter> = fc.oneof(
  fc.record({ equals: fc.record({ key, value: scalar }) }),
  fc.record({ notEquals: fc.record({ key, value: scalar }) }),
  fc.record({ greaterThan: fc.record({ key, value: fc.integer({ min: -3, max: 3 }) }) }),
  fc.record({ lessThanOrEquals: fc.record({ key, value: fc.integer({ min: -3, max: 3 }) }) }),
  fc.record({ in: fc.record({ key, value: fc.array(text, { minLength: 1, maxLength: 3 }) }) }),
  fc.record({ startsWith: fc.record({ key, value: text }) }),
  fc.record({ listContains: fc.record({ key, value: text }) }),
  fc.record({ stringContains: fc.record({ key, value: text }) }),
);

describe('metadata filter semantics, for any attributes', () => {
  it('notEquals and notIn are exactly the negations of equals and in', () => {
    fc.assert(
      fc.property(
        attributes,
        key,
        scalar,
        fc.array(text, { minLength: 1, maxLength: 3 }),
        (attrs, k, v, vs) => {
          expect(matchesFilter({ notEquals: { key: k, value: v } }, attrs)).toBe(
            !matchesFilter({ equals: { key: k, value: v } }, attrs),
          );
          expect(matchesFilter({ notIn: { key: k, value: vs } }, attrs)).toBe(
            !matchesFilter({ in: { key: k, value: vs } }, attrs),
          );
        },
      ),
    );
  });

  it('andAll is every and orAll is some of their filters', () => {
    fc.assert(
      fc.property(attributes, fc.array(leaf, { minLength: 2, maxLength: 5 }), (attrs, filters) => {
        const each = filters.map((filter) => matchesFilter(filter, attrs));
        expect(matchesFilter({ andAll: filters }, attrs)).toBe(each.every(Boolean));
        expect(matchesFilter({ orAll: filters }, attrs)).toBe(each.some(Boolean));
      }),
    );
  });

  it('a number attribute is either lessThan or greaterThanOrEquals a number, never both', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }), (attribute, value) => {
        const attrs = { a: attribute };
        expect(matchesFilter({ lessThan: { key: 'a', value } }, attrs)).toBe(
          !matchesFilter({ greaterThanOrEquals: { key: 'a', value } }, attrs),
        );
      }),
    );
  });

  it('refuses any malformed value with a ValidationException, never another error', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 5 }),
        fc.constantFrom('s3-vectors', 'opensearch-serverless' as const),
        (filter, store) => {
          try {
            assertValidFilter(filter, 'filter', store);
          } catch (error) {
            expect(error).toBeInstanceOf(AwsServiceError);
            expect((error as AwsServiceError).shape).toBe('ValidationException');
          }
        },
      ),
    );
  });
});
