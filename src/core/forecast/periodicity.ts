/**
 * Period detection in the manner of Crane's DSP predictor (gocrane/crane, pkg/prediction/dsp),
 * written afresh: (1) the periodogram of the detrended series proposes candidate periods, kept
 * only when their power beats a permutation test (the largest power seen in shuffled copies of
 * the series, which destroy any periodicity but keep the distribution); (2) the autocorrelation
 * function confirms a candidate when it has a real peak near that lag (rising before, falling
 * after, by least-squares slope); (3) the confirmed candidate with the highest autocorrelation
 * wins. Shuffles use a PRNG seeded from the series length, so a detection is reproducible.
 *
 * @module
 */
import { autocorrelation, maxPaddedPower, nextPowerOfTwo, paddedPowerSpectrum } from './fft.js';
import { linearFit } from './series.js';

export interface PeriodOptions {
  /** Shortest period worth reporting, in samples. */
  readonly minPeriod: number;
  /** Longest, in samples; at most half the series (two whole cycles are needed). */
  readonly maxPeriod?: number;
  /** Shuffled copies for the significance test; 19 gives a 5 % false-alarm rate. */
  readonly permutations?: number;
  /** Calendar periods (a day, a week, in samples) a detected period snaps to when within 2 %. */
  readonly snapTo?: readonly number[];
  /** Smallest autocorrelation a confirmed period must reach. */
  readonly minAutocorrelation?: number;
}

export interface PeriodCandidate {
  /** The period the periodogram proposed (fractional: padded length / bin). */
  readonly proposed: number;
  /** The lag of the nearest autocorrelation maximum. */
  readonly lag: number;
  readonly autocorrelation: number;
  readonly confirmed: boolean;
}

export interface PeriodDetection {
  /** The detected period in samples (snapped), or null when nothing periodic was confirmed. */
  readonly period: number | null;
  readonly autocorrelation: number;
  /** The permutation-test power threshold. */
  readonly threshold: number;
  readonly candidates: readonly PeriodCandidate[];
}

/** xorshift32: a tiny deterministic PRNG for the shuffles. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** The largest periodogram power over `count` shuffled copies of x. */
function permutationThreshold(x: Float64Array, length: number, count: number): number {
  const rand = xorshift(x.length * 2654435761);
  const copy = Float64Array.from(x);
  let threshold = 0;
  for (let r = 0; r < count; r++) {
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = t;
    }
    threshold = Math.max(threshold, maxPaddedPower(copy, length));
  }
  return threshold;
}

function slope(acf: Float64Array, from: number, to: number): number {
  const pts: number[] = [];
  for (let i = from; i <= to; i++) pts.push(acf[i]!);
  return linearFit(pts).slope;
}

/** A peak: the autocorrelation rises into the lag and falls after it (least-squares slopes). */
function isPeak(acf: Float64Array, lag: number): boolean {
  const r = Math.max(2, Math.floor(lag / 4));
  const lo = Math.max(0, lag - r);
  const hi = Math.min(acf.length - 1, lag + r);
  if (lag - lo < 2 || hi - lag < 2) return false;
  return slope(acf, lo, lag) > 0 && slope(acf, lag, hi) < 0;
}

interface Search {
  readonly acf: Float64Array;
  readonly length: number;
  readonly maxPeriod: number;
  readonly minAcf: number;
}

/** Confirms a proposed period: the autocorrelation maximum within one bin's width of it. */
function confirm(proposed: number, s: Search): PeriodCandidate {
  const width = Math.ceil((proposed * proposed) / s.length) + 1;
  const lo = Math.max(2, Math.floor(proposed - width));
  const hi = Math.min(s.maxPeriod, Math.ceil(proposed + width));
  let lag = lo;
  for (let t = lo; t <= hi; t++) if (s.acf[t]! > s.acf[lag]!) lag = t;
  const value = s.acf[lag] ?? 0;
  return {
    proposed,
    lag,
    autocorrelation: value,
    confirmed: value >= s.minAcf && isPeak(s.acf, lag),
  };
}

function snap(lag: number, targets: readonly number[]): number {
  const near = targets.find((t) => Math.abs(lag - t) <= 0.02 * t);
  return near ?? lag;
}

function proposals(
  power: Float64Array,
  threshold: number,
  o: { min: number; max: number },
): number[] {
  const length = (power.length - 1) * 2;
  const out: number[] = [];
  for (let k = 1; k < power.length - 1; k++) {
    const p = power[k]!;
    const period = length / k;
    const localMax = p >= power[k - 1]! && p >= power[k + 1]!;
    // A bin stands for periods up to one bin's width around length / k: a weekly cycle in exactly
    // two weeks of data falls in the bin of 2048 samples when 2016 is the longest allowed.
    const reachable = period - (period * period) / length <= o.max;
    if (p > threshold && localMax && period >= o.min && reachable) out.push(period);
  }
  return out;
}

/** The confirmed candidate with the highest autocorrelation. */
function strongest(candidates: readonly PeriodCandidate[]): PeriodCandidate | null {
  let best: PeriodCandidate | null = null;
  for (const c of candidates) {
    if (c.confirmed && (best === null || c.autocorrelation > best.autocorrelation)) best = c;
  }
  return best;
}

/** Detects the dominant period of a series (see the module comment for the method). */
export function detectPeriod(values: readonly number[], o: PeriodOptions): PeriodDetection {
  const n = values.length;
  const maxPeriod = Math.min(o.maxPeriod ?? Infinity, Math.floor(n / 2));
  const none: PeriodDetection = { period: null, autocorrelation: 0, threshold: 0, candidates: [] };
  if (maxPeriod < Math.max(2, o.minPeriod)) return none;
  const { intercept, slope: trend } = linearFit(values);
  const x = Float64Array.from(values, (v, i) => v - intercept - trend * i);
  const length = nextPowerOfTwo(n);
  const threshold = permutationThreshold(x, length, o.permutations ?? 19);
  const power = paddedPowerSpectrum(x, length);
  const search: Search = {
    acf: autocorrelation(x),
    length,
    maxPeriod,
    minAcf: o.minAutocorrelation ?? 0.2,
  };
  const candidates = proposals(power, threshold, { min: o.minPeriod, max: maxPeriod }).map((p) =>
    confirm(p, search),
  );
  const best = strongest(candidates);
  if (best === null) return { ...none, threshold, candidates };
  return {
    period: snap(best.lag, o.snapTo ?? []),
    autocorrelation: best.autocorrelation,
    threshold,
    candidates,
  };
}
