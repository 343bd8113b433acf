import { describe, expect, it } from 'vitest';
import type { GuardrailPiiEntityType } from '../../../../config/guardrail.ts';
import {
  detectPii,
  ibanValid,
  isValidSsn,
  luhnValid,
  supportedPiiTypes,
} from '../../../../local/bedrock-emulator/guardrail/pii.ts';

const all = supportedPiiTypes;
const found = (text: string, types: Iterable<GuardrailPiiEntityType> = all) =>
  detectPii(text, types).map(({ type, match }) => ({ type, match }));

describe('validation', () => {
  it('accepts card numbers that pass Luhn and rejects one digit off', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('41x1')).toBe(false);
  });

  it('rejects SSNs in ranges SSA never issues', () => {
    expect(isValidSsn('536-22-5491')).toBe(true);
    for (const ssn of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '999-99-9999',
      '123-00-4567',
      '123-45-0000',
      '078-05-1120',
    ]) {
      expect(isValidSsn(ssn), ssn).toBe(false);
    }
  });

  it('checks IBANs with mod 97', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });
});

describe('detectPii', () => {
  it('finds emails, including spelt-out ones', () => {
    expect(found('write to jane.doe+tag@mail.example.co.uk.')).toEqual([
      { type: 'EMAIL', match: 'jane.doe+tag@mail.example.co.uk' },
    ]);
    expect(found('jane [at] example [dot] com')).toEqual([
      { type: 'EMAIL', match: 'jane [at] example [dot] com' },
    ]);
    expect(found('reach me at jane at example dot com')).toEqual([
      { type: 'EMAIL', match: 'jane at example dot com' },
    ]);
    expect(found('meet me at noon')).toEqual([]);
  });

  it.each([
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['call +1-212-555-0147 ext 12', '+1-212-555-0147'],
    ['(415) 555-0132', '(415) 555-0132'],
    ['415.555.0199', '415.555.0199'],
    ['1 415 555 0199', '1 415 555 0199'],
    ['tel 020 7946 0958', '020 7946 0958'],
    ['0044 7700 900123', '0044 7700 900123'],
    ['my cell is 2125550187', '2125550187'],
  ])('finds the phone number in %j', (text, match) => {
    expect(found(text, ['PHONE'])).toEqual([{ type: 'PHONE', match }]);
  });

  it.each([
    'My order number is 4155550132',
    'invoice BD-2024-000123',
    'Local extension 555-0132',
    'on 2024-11-05 at 10:30:00',
    'Meeting ID 845 2231 9087',
    '$1,299.99 on 03/15/2024',
    'order #212-555-0147',
  ])('finds no phone number in %j', (text) => {
    expect(found(text, ['PHONE'])).toEqual([]);
  });

  it('finds card numbers printed with spaces, dashes or nothing, when Luhn-valid', () => {
    expect(
      found('4111 1111 1111 1111 and 5555-5555-5555-4444 and 4012888888881881 and 3782 822463 10005'),
    ).toEqual([
      { type: 'CREDIT_DEBIT_CARD_NUMBER', match: '4111 1111 1111 1111' },
      { type: 'CREDIT_DEBIT_CARD_NUMBER', match: '5555-5555-5555-4444' },
      { type: 'CREDIT_DEBIT_CARD_NUMBER', match: '4012888888881881' },
      { type: 'CREDIT_DEBIT_CARD_NUMBER', match: '3782 822463 10005' },
    ]);
  });

  it('ignores Luhn-invalid numbers, odd groupings, mixed separators and order references', () => {
    expect(found('4111 1111 1111 1112', ['CREDIT_DEBIT_CARD_NUMBER'])).toEqual([]);
    expect(found('41 1111 1111 1111 11', ['CREDIT_DEBIT_CARD_NUMBER'])).toEqual([]);
    expect(found('4111-1111 1111-1111', ['CREDIT_DEBIT_CARD_NUMBER'])).toEqual([]);
    expect(found('order 4111111111111111', ['CREDIT_DEBIT_CARD_NUMBER'])).toEqual([]);
    expect(found('the card ending in 4242', ['CREDIT_DEBIT_CARD_NUMBER'])).toEqual([]);
  });

  it('finds a CVV and an expiry only where the text names them', () => {
    expect(found('exp 12/27, CVV is 123')).toEqual([
      { type: 'CREDIT_DEBIT_CARD_EXPIRY', match: '12/27' },
      { type: 'CREDIT_DEBIT_CARD_CVV', match: '123' },
    ]);
    expect(found('valid thru 08/2026', ['CREDIT_DEBIT_CARD_EXPIRY'])).toEqual([
      { type: 'CREDIT_DEBIT_CARD_EXPIRY', match: '08/2026' },
    ]);
    expect(found('released 12/27, build 123')).toEqual([]);
  });

  it('finds SSNs with dashes or spaces, bare ones only after "SSN", and never invalid ones', () => {
    expect(found('SSN 536-22-5491')).toEqual([{ type: 'US_SOCIAL_SECURITY_NUMBER', match: '536-22-5491' }]);
    expect(found('social security number 219 09 9999')).toEqual([
      { type: 'US_SOCIAL_SECURITY_NUMBER', match: '219 09 9999' },
    ]);
    expect(found('ssn: 536225491')).toEqual([{ type: 'US_SOCIAL_SECURITY_NUMBER', match: '536225491' }]);
    expect(found('tracking 536225491')).toEqual([]);
    expect(found('Reference 000-12-3456')).toEqual([]);
    expect(found('SSN 666-22-5491')).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses, not versions, times or dates', () => {
    expect(found('from 192.168.10.24 and 2001:db8:85a3::8a2e:370:7334.')).toEqual([
      { type: 'IP_ADDRESS', match: '192.168.10.24' },
      { type: 'IP_ADDRESS', match: '2001:db8:85a3::8a2e:370:7334' },
    ]);
    expect(found('fe80::1ff:fe23:4567:890a%eth0', ['IP_ADDRESS'])).toEqual([
      { type: 'IP_ADDRESS', match: 'fe80::1ff:fe23:4567:890a%eth0' },
    ]);
    for (const text of ['version 10.2.0.1', 'v1.2.3.4', '10:30:00', '12.03.2024', '999.1.1.1', 'a::b']) {
      expect(found(text, ['IP_ADDRESS']), text).toEqual([]);
    }
  });

  it('finds AWS access key ids, and secret keys next to one or to the word "secret"', () => {
    expect(found('AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([
      { type: 'AWS_ACCESS_KEY', match: 'AKIAIOSFODNN7EXAMPLE' },
      { type: 'AWS_SECRET_KEY', match: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    ]);
    expect(found('ASIAY34FZKBOKMUTVV7A')).toEqual([
      { type: 'AWS_ACCESS_KEY', match: 'ASIAY34FZKBOKMUTVV7A' },
    ]);
    expect(found('secret: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY')).toEqual([
      { type: 'AWS_SECRET_KEY', match: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' },
    ]);
    // Forty characters alone are a hash or an id, not a secret key.
    expect(found('commit je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY')).toEqual([]);
    expect(found('AKIAIOSFODNN7EXAMPL')).toEqual([]);
  });

  it('finds a password value that looks like one, not the word after "password"', () => {
    expect(found('My password is Hunter2024! and it fails')).toEqual([
      { type: 'PASSWORD', match: 'Hunter2024!' },
    ]);
    expect(found('pw: Tr0ub4dor&3.')).toEqual([{ type: 'PASSWORD', match: 'Tr0ub4dor&3' }]);
    expect(found('my password is incorrect')).toEqual([]);
    expect(found('How do I reset my password?')).toEqual([]);
  });

  it('finds IBANs and gives the IBAN precedence over the digit runs inside it', () => {
    expect(found('DE89 3704 0044 0532 0130 00 is my IBAN')).toEqual([
      { type: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', match: 'DE89 3704 0044 0532 0130 00' },
    ]);
  });

  it('reports positions that slice back to the match', () => {
    const text = 'Mail jane@example.com or call (415) 555-0132.';
    for (const match of detectPii(text, all)) expect(text.slice(match.start, match.end)).toBe(match.match);
  });

  it('only looks for the requested types', () => {
    expect(found('jane@example.com 4111 1111 1111 1111', ['EMAIL'])).toEqual([
      { type: 'EMAIL', match: 'jane@example.com' },
    ]);
  });
});
