/**
 * Text as the guardrail should see it. Bedrock's guardrail matches sensitive information in the
 * text as written, so look-alike characters would carry a card number or SSN past it: full-width
 * or other compatibility digits, zero-width characters between digits, Unicode hyphens and dashes,
 * or digits spaced one by one. Normalizing in Lantern's own code keeps the screening the same on
 * AWS and offline.
 */
export function normalizeForScreening(text: string): string {
  return joinSpacedDigits(text.normalize('NFKC').replace(INVISIBLE, '').replace(DASHES, '-'));
}

/** Zero-width and other invisible format characters, and the soft hyphen. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u206A-\u206F\uFEFF]/g;

/** Hyphens, dashes and minus signs that NFKC leaves as they are. */
const DASHES = /[\u2010-\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;

/**
 * Nine or more single digits each separated by one space, dot or hyphen ("4 1 1 1 …"): no number
 * is written that way except to hide it, while "1 2 3" or "4111 1111" stay as they are.
 */
const SPACED_DIGITS = /(?<![\d])\d(?:[ .-]\d){8,}(?![\d])/g;

function joinSpacedDigits(text: string): string {
  return text.replace(SPACED_DIGITS, (run) => run.replace(/[ .-]/g, ''));
}
