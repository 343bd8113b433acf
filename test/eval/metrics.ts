/**
 * Text-overlap metrics of an answer against a reference answer: ROUGE-L (longest common
 * subsequence) and sentence BLEU. Both work on the same word tokens and return a value in [0, 1].
 * They measure wording overlap, not correctness: read them beside the citation hit rate.
 */

/** At most this many tokens of either text are compared, so the LCS table stays small. */
const MAX_TOKENS = 2_000;

/** Lower-cased words and numbers (Unicode letters and digits); punctuation and markup are dropped. */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, MAX_TOKENS);
}

/** Length of the longest common subsequence of two token lists (two-row dynamic programming). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Uint16Array(b.length + 1);
  let current = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] =
        a[i - 1] === b[j - 1] ? (previous[j - 1] ?? 0) + 1 : Math.max(previous[j] ?? 0, current[j - 1] ?? 0);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

export interface RougeL {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/**
 * ROUGE-L (Lin, 2004) at the sentence level: precision = LCS / candidate length, recall =
 * LCS / reference length, F1 their harmonic mean (β = 1, as in Google's `rouge-score`).
 */
export function rougeL(candidate: string, reference: string): RougeL {
  const c = tokenize(candidate);
  const r = tokenize(reference);
  const lcs = lcsLength(c, r);
  if (lcs === 0) return { precision: 0, recall: 0, f1: 0 };
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}

export interface BleuOptions {
  /** Highest n-gram order (default 4). */
  readonly maxN?: number;
  /**
   * `add-one` (default): Lin & Och (2004) smoothing, one added to the matches and the total of every
   * order above 1, so one missing 4-gram does not zero a short answer. `none`: the plain formula.
   */
  readonly smoothing?: 'add-one' | 'none';
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join('\u0000');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/**
 * Sentence BLEU (Papineni et al., 2002) against one reference: the geometric mean of the clipped
 * n-gram precisions for n = 1..maxN with uniform weights, times the brevity penalty
 * `exp(1 - r/c)` when the candidate is shorter than the reference.
 */
export function bleu(candidate: string, reference: string, options: BleuOptions = {}): number {
  const maxN = options.maxN ?? 4;
  const smoothing = options.smoothing ?? 'add-one';
  const c = tokenize(candidate);
  const r = tokenize(reference);
  if (c.length === 0 || r.length === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= maxN; n++) {
    const candidateGrams = ngramCounts(c, n);
    const referenceGrams = ngramCounts(r, n);
    let matches = 0;
    let total = 0;
    for (const [gram, count] of candidateGrams) {
      matches += Math.min(count, referenceGrams.get(gram) ?? 0);
      total += count;
    }
    if (smoothing === 'add-one' && n > 1) {
      matches += 1;
      total += 1;
    }
    if (matches === 0 || total === 0) return 0;
    logSum += Math.log(matches / total) / maxN;
  }
  const brevityPenalty = c.length >= r.length ? 1 : Math.exp(1 - r.length / c.length);
  return brevityPenalty * Math.exp(logSum);
}
