import { describe, expect, it } from 'vitest';
import { chatRequestModel, feedbackRequestModel } from '../../../config/request-models.ts';
import { passesRequestModel } from '../../../local/gateway/request-models.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

describe("a body against its method's request model, as API Gateway's validator judges it", () => {
  it('passes a body within the model, unknown members included (the model does not close the object)', () => {
    expect(passesRequestModel(chatRequestModel, '{"message":"hi","sessionId":"s1"}', JSON_TYPE)).toBe(true);
    expect(passesRequestModel(chatRequestModel, '{"message":"hi","extra":1}', JSON_TYPE)).toBe(true);
    expect(passesRequestModel(feedbackRequestModel, '{"messageId":"m","rating":"down"}', JSON_TYPE)).toBe(
      true,
    );
  });

  it.each([
    ['not JSON', '{"message":'],
    ['empty', ''],
    ['not an object', '[1]'],
    ['missing a required member', '{"sessionId":"s1"}'],
    ['a member of the wrong type', '{"message":42}'],
    ['a string too short', '{"message":""}'],
    ['a string too long, in characters', JSON.stringify({ message: '🙂'.repeat(1001) })],
  ])('refuses a body %s', (_case, body) => {
    expect(passesRequestModel(chatRequestModel, body, JSON_TYPE)).toBe(false);
  });

  it('counts characters, not UTF-16 units, and takes an enum', () => {
    expect(
      passesRequestModel(chatRequestModel, JSON.stringify({ message: '🙂'.repeat(1000) }), JSON_TYPE),
    ).toBe(true);
    expect(passesRequestModel(feedbackRequestModel, '{"messageId":"m","rating":"meh"}', JSON_TYPE)).toBe(
      false,
    );
  });

  it('applies the JSON model when no content type is sent, and none to another content type', () => {
    expect(passesRequestModel(chatRequestModel, '{"message":42}', undefined)).toBe(false);
    expect(passesRequestModel(chatRequestModel, 'message=hi', 'application/x-www-form-urlencoded')).toBe(
      true,
    );
  });
});
