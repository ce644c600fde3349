/**
 * What the forecasters share: the view of the past they read, and compact rounding of stored
 * numbers. Forecasters work on a regular grid of buckets (bucket means), oldest first.
 *
 * @module
 */

/** The past as the forecasters see it: `values[0 … end)`, oldest first, one value per bucket. */
export interface Past {
  readonly values: readonly number[];
  readonly end: number;
}

export const pastOf = (values: readonly number[]): Past => ({ values, end: values.length });

/**
 * The rounding unit that keeps four significant digits of the series' largest magnitude: a power
 * of ten, so stored values print short (523.1, 52310, 0.5231). 0.1 % of the peak is far below one
 * replica's worth of load, and it keeps 14 days of 5-minute buckets under ~25 KiB of JSON.
 */
export function unitFor(values: readonly number[]): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  if (!(max > 0) || !Number.isFinite(max)) return 1e-6;
  return 10 ** (Math.floor(Math.log10(max)) - 3);
}

/**
 * v rounded to a multiple of `unit` (a power of ten), printed without float noise. Never −0,
 * which JSON would turn into 0 (the state must survive a round trip unchanged).
 */
export function roundTo(v: number, unit: number): number {
  const digits = Math.min(20, Math.round(-Math.log10(unit)));
  const r = unit >= 1 ? Math.round(v / unit) * unit : Number(v.toFixed(digits));
  return r === 0 ? 0 : r;
}

/** The mean of values[from … to), NaN when empty. */
export function meanOf(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return to > from ? sum / (to - from) : Number.NaN;
}

/** Least-squares line through (i, values[i]): intercept at i = 0 and slope per bucket. */
export function linearFit(values: readonly number[]): { intercept: number; slope: number } {
  const n = values.length;
  if (n < 2) return { intercept: values[0] ?? 0, slope: 0 };
  const meanX = (n - 1) / 2;
  const meanY = meanOf(values, 0, n);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (values[i]! - meanY);
    sxx += (i - meanX) * (i - meanX);
  }
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

/** Σ φ^k for k = 1 … h: how far a damped trend carries h steps ahead (h when φ = 1). */
export function dampedSteps(phi: number, h: number): number {
  if (phi === 1) return h;
  return (phi * (1 - phi ** h)) / (1 - phi);
}
