/**
 * PII detectors: patterns plus the validation that exists for each kind (Luhn for card numbers,
 * SSA's never-issued ranges for SSNs, mod-97 for IBANs, address syntax for IPs) and the context
 * that tells a phone number from an order number. Bedrock's managed detector is a context-aware ML
 * model; this is a deterministic approximation of it for the entity types Lantern's policy uses.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { GuardrailPiiEntityType } from '../../../config/guardrail.ts';

export interface PiiMatch {
  readonly type: GuardrailPiiEntityType;
  /** The matched text, exactly as it appears. */
  readonly match: string;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

type Detector = (text: string) => PiiMatch[];

/** The words just before a number that make it a reference, not personal data: "order #", "invoice no.". */
const REFERENCE_BEFORE =
  /(?:order|invoice|ticket|case|tracking|reference|ref|confirmation|receipt|serial|meeting|booking|id|sku|#)\s*(?:no\.?|number|num|id|code)?\s*(?:is|was)?\s*[#:]?\s*$/i;

function isReference(text: string, start: number): boolean {
  return REFERENCE_BEFORE.test(text.slice(Math.max(0, start - 40), start));
}

function before(text: string, start: number, length = 40): string {
  return text.slice(Math.max(0, start - length), start);
}

function collect(
  text: string,
  type: GuardrailPiiEntityType,
  pattern: RegExp,
  accept: (match: RegExpMatchArray, start: number) => boolean = () => true,
  /** Which capture group is the entity (0: the whole match). */
  group = 0,
): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(pattern)) {
    const value = m[group];
    if (value === undefined || m.index === undefined) continue;
    const start = m.index + (group === 0 ? 0 : m[0].indexOf(value));
    if (!accept(m, start)) continue;
    found.push({ type, match: value, start, end: start + value.length });
  }
  return found;
}

const digitsOf = (value: string): string => value.replace(/\D/g, '');

// ---------------------------------------------------------------------------------------------
// EMAIL

const EMAIL =
  /(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
/** "jane [at] example [dot] com", "jane at example dot com". */
const SPELT_EMAIL =
  /(?<![\w.+-])[A-Za-z0-9._%+-]+\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+)\s*[A-Za-z0-9-]+(?:\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*[A-Za-z0-9-]+)+/gi;

const detectEmail: Detector = (text) => [
  ...collect(text, 'EMAIL', EMAIL),
  ...collect(text, 'EMAIL', SPELT_EMAIL),
];

// ---------------------------------------------------------------------------------------------
// PHONE

/** +CC or 00CC, then 2..6 groups; 8..15 digits in all (E.164). */
const INTERNATIONAL_PHONE = /(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s.-]?\(?\d{1,4}\)?){2,6}(?!\w)/g;
/** North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1 415 555 0132. */
const NANP_PHONE = /(?<![\w+.-])(?:1[\s.-])?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-]|\.\d)/g;
/** National numbers with a trunk 0: 020 7946 0958, 07700 900123, 01 42 68 53 00. */
const TRUNK_PHONE = /(?<![\w+.-])0\d{1,4}(?:[\s-]\d{2,4}){1,4}(?![\w-]|\.\d)/g;
/** Ten unformatted digits are a phone number only when the sentence says so. */
const BARE_PHONE = /(?<![\w.-])1?[2-9]\d{2}[2-9]\d{6}(?![\w-])/g;
const PHONE_CONTEXT =
  /\b(?:phone|call|cell|mobile|tel|telephone|fax|text me|sms|whatsapp|reach me|contact me|ring me)\b[^.\d]{0,20}$/i;

function isNanp(digits: string): boolean {
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  return national.length === 10 && /^[2-9]\d{2}[2-9]/.test(national);
}

const detectPhone: Detector = (text) => [
  ...collect(text, 'PHONE', INTERNATIONAL_PHONE, (m) => {
    const digits = digitsOf(m[0].replace(/^00/, ''));
    return digits.length >= 8 && digits.length <= 15;
  }),
  ...collect(text, 'PHONE', NANP_PHONE, (m, start) => isNanp(digitsOf(m[0])) && !isReference(text, start)),
  ...collect(text, 'PHONE', TRUNK_PHONE, (m, start) => {
    const digits = digitsOf(m[0]);
    return digits.length >= 10 && digits.length <= 11 && !isReference(text, start);
  }),
  ...collect(text, 'PHONE', BARE_PHONE, (_m, start) => PHONE_CONTEXT.test(before(text, start))),
];

// ---------------------------------------------------------------------------------------------
// CREDIT_DEBIT_CARD_NUMBER, CREDIT_DEBIT_CARD_CVV, CREDIT_DEBIT_CARD_EXPIRY

/** The Luhn (mod 10) check every payment card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const CARD_CANDIDATE = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
/** How card numbers are grouped when printed: 4-4-4-4(-3), Amex 4-6-5, Diners 4-6-4. */
const CARD_GROUPINGS = new Set(['4-4-4-4', '4-4-4-4-3', '4-6-5', '4-6-4', '4-4-4-1', '4-4-4-2', '4-4-4-3']);

function looksLikeCard(candidate: string): boolean {
  const separators = new Set(candidate.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  const digits = digitsOf(candidate);
  if (digits.length < 13 || digits.length > 19) return false;
  if (separators.size === 1) {
    const grouping = candidate
      .split(/[ -]/)
      .map((group) => group.length)
      .join('-');
    if (!CARD_GROUPINGS.has(grouping)) return false;
  }
  // Issuer ranges: Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay/Maestro 6.
  return /^[2-6]/.test(digits) && luhnValid(digits);
}

const CVV =
  /\b(?:cvv2?|cvc2?|cid|csc|security\s+code|card\s+verification(?:\s+(?:value|code))?)(?:\s+(?:is|code|number|was))?\s*[:#=-]?\s*(\d{3,4})(?!\d)/gi;
const EXPIRY =
  /\b(?:exp(?:iry|iration|ires?)?\.?(?:\s+date)?|valid\s+(?:thru|through|until))\s*(?:is|on)?\s*[:-]?\s*((?:0?[1-9]|1[0-2])\s?[/-]\s?(?:20)?\d{2})(?!\d)/gi;

const detectCard: Detector = (text) =>
  collect(
    text,
    'CREDIT_DEBIT_CARD_NUMBER',
    CARD_CANDIDATE,
    (m, start) => looksLikeCard(m[0]) && !isReference(text, start),
  );
const detectCvv: Detector = (text) => collect(text, 'CREDIT_DEBIT_CARD_CVV', CVV, () => true, 1);
const detectExpiry: Detector = (text) => collect(text, 'CREDIT_DEBIT_CARD_EXPIRY', EXPIRY, () => true, 1);

// ---------------------------------------------------------------------------------------------
// US_SOCIAL_SECURITY_NUMBER

/**
 * SSA never issues area 000, 666 or 900–999, group 00 or serial 0000 (and 078-05-1120, the
 * "Woolworth" number printed on sample cards, is void).
 */
export function isValidSsn(ssn: string): boolean {
  const digits = digitsOf(ssn);
  if (digits.length !== 9) return false;
  const area = Number(digits.slice(0, 3));
  const group = digits.slice(3, 5);
  const serial = digits.slice(5);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return digits !== '078051120';
}

const SSN = /(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])/g;
const BARE_SSN = /(?<![\w-])\d{9}(?![\w-])/g;
const SSN_CONTEXT = /\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?|social)\b[^\d]{0,15}$/i;

const detectSsn: Detector = (text) => [
  ...collect(
    text,
    'US_SOCIAL_SECURITY_NUMBER',
    SSN,
    (m, start) => isValidSsn(m[0]) && !isReference(text, start),
  ),
  ...collect(
    text,
    'US_SOCIAL_SECURITY_NUMBER',
    BARE_SSN,
    (m, start) => isValidSsn(m[0]) && SSN_CONTEXT.test(before(text, start)),
  ),
];

// ---------------------------------------------------------------------------------------------
// IP_ADDRESS

const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
/** Hex groups and colons with at least two colons; `net.isIPv6` decides. */
const IPV6 = /(?<![\w:])(?=[0-9a-f]*:[0-9a-f]*:)[0-9a-f:]{2,39}(?:%[\w.]+)?(?![\w:])/gi;
/** "version 10.2.0.1" is a version, not a host. */
const VERSION_BEFORE = /\b(?:version|ver\.?|v|release|build|firmware|upgraded\s+to|updated\s+to)\s*$/i;

const detectIp: Detector = (text) => [
  ...collect(
    text,
    'IP_ADDRESS',
    IPV4,
    (m, start) => isIPv4(m[0]) && !VERSION_BEFORE.test(before(text, start)),
  ),
  ...collect(text, 'IP_ADDRESS', IPV6, (m) => {
    const address = m[0].split('%')[0] ?? '';
    // At least three hex groups: "a::b" style fragments of prose or code are not addresses.
    return isIPv6(address) && address.split(':').filter((group) => group.length > 0).length >= 3;
  }),
];

// ---------------------------------------------------------------------------------------------
// AWS_ACCESS_KEY, AWS_SECRET_KEY

/** Access key ids: AKIA (long-term) and ASIA (temporary), 20 characters. */
const AWS_ACCESS_KEY = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const AWS_SECRET_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const SECRET_CONTEXT = /secret|aws_secret_access_key|secretaccesskey/i;

const detectAccessKey: Detector = (text) => collect(text, 'AWS_ACCESS_KEY', AWS_ACCESS_KEY);
/** Forty base64 characters are a secret key only next to the word "secret" or an access key id. */
const detectSecretKey: Detector = (text) => {
  const nearAccessKey = new RegExp(AWS_ACCESS_KEY.source).test(text);
  return collect(
    text,
    'AWS_SECRET_KEY',
    AWS_SECRET_KEY,
    (m, start) =>
      /[a-z]/.test(m[0]) &&
      /[A-Z]/.test(m[0]) &&
      /[\d/+]/.test(m[0]) &&
      (nearAccessKey || SECRET_CONTEXT.test(before(text, start, 60))),
  );
};

// ---------------------------------------------------------------------------------------------
// PASSWORD

const PASSWORD =
  /\b(?:password|passwd|passcode|pwd|pw)(?:\s+(?:is|was))?\s*[:=]?\s*["'“‘]?([^\s"'”’]{6,64})/gi;

/** The value must look like a password (a digit, a symbol or an inner capital), not a word. */
function looksLikePassword(value: string): boolean {
  const core = value.replace(/[.,;]+$/, '');
  return core.length >= 6 && (/\d/.test(core) || /[^\p{L}\p{N}]/u.test(core) || /.\p{Lu}/u.test(core));
}

const detectPassword: Detector = (text) =>
  collect(text, 'PASSWORD', PASSWORD, (m) => looksLikePassword(m[1] ?? ''), 1).map((match) => {
    const value = match.match.replace(/[.,;]+$/, '');
    return { ...match, match: value, end: match.start + value.length };
  });

// ---------------------------------------------------------------------------------------------
// INTERNATIONAL_BANK_ACCOUNT_NUMBER

const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;

/** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
export function ibanValid(iban: string): boolean {
  const compact = iban.replace(/\s/g, '');
  if (compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = /[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c;
    for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

const detectIban: Detector = (text) =>
  collect(text, 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', IBAN, (m) => ibanValid(m[0]));

// ---------------------------------------------------------------------------------------------

/**
 * The detectors, in precedence order: where two overlap, the earlier kind wins (an IBAN contains
 * digit runs that look like a phone number; a secret key line contains an access key id).
 */
const DETECTORS: ReadonlyMap<GuardrailPiiEntityType, Detector> = new Map<GuardrailPiiEntityType, Detector>([
  ['AWS_SECRET_KEY', detectSecretKey],
  ['AWS_ACCESS_KEY', detectAccessKey],
  ['EMAIL', detectEmail],
  ['INTERNATIONAL_BANK_ACCOUNT_NUMBER', detectIban],
  ['CREDIT_DEBIT_CARD_NUMBER', detectCard],
  ['US_SOCIAL_SECURITY_NUMBER', detectSsn],
  ['IP_ADDRESS', detectIp],
  ['PHONE', detectPhone],
  ['CREDIT_DEBIT_CARD_EXPIRY', detectExpiry],
  ['CREDIT_DEBIT_CARD_CVV', detectCvv],
  ['PASSWORD', detectPassword],
]);

/** The PII types the emulator can detect; a policy naming any other type is refused at startup. */
export const supportedPiiTypes: readonly GuardrailPiiEntityType[] = [...DETECTORS.keys()];

/**
 * The PII of the requested types in `text`, ordered by position, without overlaps (see
 * {@link DETECTORS} for which kind wins an overlap; within a kind, the longer match).
 */
export function detectPii(text: string, types: Iterable<GuardrailPiiEntityType>): PiiMatch[] {
  const wanted = new Set(types);
  const accepted: PiiMatch[] = [];
  for (const [type, detect] of DETECTORS) {
    if (!wanted.has(type)) continue;
    const found = detect(text).sort((a, b) => b.end - b.start - (a.end - a.start));
    for (const match of found) {
      if (accepted.some((other) => match.start < other.end && other.start < match.end)) continue;
      accepted.push(match);
    }
  }
  return accepted.sort((a, b) => a.start - b.start);
}
