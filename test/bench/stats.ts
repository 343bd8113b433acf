/** Percentile of an already sorted sample (nearest rank); NaN for an empty sample. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** Sorts a copy and takes the nearest-rank percentile. */
export function percentileOf(values: readonly number[], p: number): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    p,
  );
}

export function median(values: readonly number[]): number {
  return percentileOf(values, 0.5);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
